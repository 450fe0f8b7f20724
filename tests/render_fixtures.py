"""Synthetic event collections for the render tests (no NLP pipeline needed)."""

from __future__ import annotations

import datetime as dt

from gazetteer.model import Place
from geomap.types import Actor, Event, EventCollection, Quote

DAMASCUS = Place("geonames:170654", "Damascus", 33.5102, 36.29128, country_code="SY",
                 admin1_name="Dimashq")
MOSCOW = Place("geonames:524901", "Moscow", 55.75222, 37.61556, country_code="RU",
               admin1_name="Moscow")
TARTUS = Place("geonames:163345", "Tartus", 34.88902, 35.88659, country_code="SY",
               admin1_name="Tartus")
HMEIMIM = Place("facility:hmeimim", "Hmeimim Air Base", 35.4011, 35.9486, country_code="SY",
                admin1_name="Latakia")
HOSTILE = [
    "<img src=x onerror=\"window.__pwned_img=1\">",
    "</script><script>window.__pwned_script=1</script>",
    "${window.__pwned_tpl=1}",
    "{{ 7*7 }}{% raw %}",
    "<!-- \u2028\u2029 &amp; \"'`",
]


def quote(text: str, name: str, *, doc: str = "doc1", source: str | None = "Example News",
          url: str | None = "https://example.org/story") -> Quote:
    start = text.index(name)
    return Quote(text, doc, 0, source=source, url=url, place_spans=((start, start + len(name)),))


def seed_like() -> EventCollection:
    """Four events like the reference scenario, with a movement from Damascus to Moscow."""
    d = dt.date(2024, 12, 8)
    return EventCollection(
        events=(
            Event("Movement", "Arrival", MOSCOW,
                  (quote("The former president landed in Moscow with his family.", "Moscow"),),
                  date=d, date_precision="day", actors=(Actor("Bashar al-Assad", "subject"),),
                  origin=DAMASCUS, confidence=0.8, event_id="e1"),
            Event("Protests", "Peaceful protest", DAMASCUS,
                  (quote("Crowds celebrated in the streets of Damascus.", "Damascus"),),
                  date=d, date_precision="day", confidence=0.7, event_id="e2"),
            Event("Strategic developments", "Agreement", TARTUS,
                  (quote("Russia keeps access to its naval base at Tartus.", "Tartus"),),
                  date=dt.date(2024, 12, 1), date_precision="week", event_id="e3"),
            Event("Strategic developments", "Base established", HMEIMIM,
                  (quote("Aircraft remained at Hmeimim Air Base.", "Hmeimim Air Base",
                         url=None),),
                  date=None, event_id="e4", location_precision="nearby", region="Latakia"),
        ),
        title="Syria, December 2024",
    )


def hostile() -> EventCollection:
    """Hostile text in every field that reaches the page."""
    bad = " ".join(HOSTILE)
    place = Place("geonames:1", "Damascus " + bad, 33.5, 36.3, country_code="SY<b>",
                  admin1_name=bad)
    origin = Place("geonames:2", "Origin " + bad, 40.0, 30.0)
    text = "Something happened in Damascus " + bad
    q = Quote(text, "doc " + bad, 0, source="Source " + bad,
              url="javascript:window.__pwned_link=1", place_spans=((22, 30),))
    q2 = Quote("Second quote " + bad, "doc2", 1, source=None,
               url="JaVaScRiPt:window.__pwned_link2=1")
    return EventCollection(
        events=(
            Event("Protests " + bad, "Sub " + bad, place, (q, q2), date=dt.date(2024, 1, 2),
                  date_precision="day", actors=(Actor("Actor " + bad, "role " + bad),),
                  origin=origin, region="Region " + bad, event_id="x1"),
            Event("Riots", "Mob violence", Place("geonames:3", "Aleppo", 36.2, 37.15),
                  (Quote("Riots in Aleppo " + bad, "doc3", 0,
                         url="https://ok.example/?q=<b>&x=\"1\""),),
                  date=dt.date(2024, 1, 5), date_precision="day", event_id="x2"),
        ),
        title="Title " + bad,
    )
