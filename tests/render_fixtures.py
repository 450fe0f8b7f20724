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
    "--><b id=pwned_comment>x</b> --!><i>",  # closes an HTML comment (the data blocks)
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


TARTUS_AR = Place("geonames:163345", "\u0162ar\u0163\u016bs", 34.88902, 35.88659, country_code="SY",
                  admin1_name="Tartus", aliases=("Tartus", "Tartous"))
HOMS = Place("geonames:169577", "Homs", 34.72682, 36.72339, country_code="SY", admin1_name="Homs")
RASTAN = Place("geonames:170063", "Ar Rastan", 34.92667, 36.73241, country_code="SY",
               admin1_name="Homs")
SYRIA = Place("country:SY", "Syria", 35.0, 38.5, country_code="SY")
RUSSIA = Place("country:RU", "Russia", 61.5, 105.3, country_code="RU")
ALEPPO = Place("geonames:170063a", "Aleppo", 36.20124, 37.16117, country_code="SY",
               admin1_name="Aleppo")


def analyst_corpus() -> EventCollection:
    """Events like a small news corpus: mostly one week of day-dated events, a few dated
    only to a month or a year decades earlier, country-level events, two nearby towns that
    cluster, an article spelling of a place the gazetteer spells otherwise, actors."""
    d = dt.date(2024, 12, 1)
    ev = []
    src = {"source": "Wire", "url": "https://wire.example/a"}

    def q(text: str, name: str, doc: str = "a1", **kw: object) -> tuple[Quote, ...]:
        opts = {**src, **kw}
        return (quote(text, name, doc=doc, source=opts["source"],  # type: ignore[arg-type]
                      url=opts["url"]),)  # type: ignore[arg-type]

    ev.append(Event("Battles", "Armed clash", HOMS,
                    q("Fighters clashed with army units in Homs at dawn.", "Homs"),
                    date=d, date_precision="day",
                    actors=(Actor("Hayat Tahrir al-Sham", "actor1"),), event_id="b1"))
    ev.append(Event("Battles", "Armed clash", RASTAN,
                    q("Shelling was reported near Ar Rastan.", "Ar Rastan"),
                    date=d + dt.timedelta(days=1), date_precision="day", event_id="b2"))
    ev.append(Event("Protests", "Peaceful protest", HOMS,
                    q("Residents of Homs marched to the square.", "Homs"),
                    date=d + dt.timedelta(days=2), date_precision="day", event_id="p1"))
    ev.append(Event("Strategic developments", "Agreement", TARTUS_AR,
                    q("Russia keeps its naval base in Tartous, an official said.", "Tartous",
                      doc="a2", source="Gazette", url=None),
                    date=d + dt.timedelta(days=3), date_precision="day",
                    actors=(Actor("Sergei Lavrov", "subject"),), event_id="s1"))
    ev.append(Event("Strategic developments", "Agreement", RUSSIA,
                    q("Russia announced a review of its commitments.", "Russia", doc="a2",
                      source="Gazette", url=None),
                    date=d + dt.timedelta(days=4), date_precision="day",
                    location_precision="country", event_id="s2"))
    ev.append(Event("Protests", "Peaceful protest", SYRIA,
                    q("Protests spread across Syria in the week.", "Syria"),
                    date=d + dt.timedelta(days=6), date_precision="day",
                    location_precision="country", event_id="p2"))
    ev.append(Event("Battles", "Armed clash", ALEPPO,
                    q("In 1984, fighting in Aleppo lasted weeks.", "Aleppo", doc="a3"),
                    date=dt.date(1984, 1, 1), date_precision="year", event_id="b3"))
    ev.append(Event("Protests", "Peaceful protest", ALEPPO,
                    q("Students in Aleppo protested in March 2018.", "Aleppo", doc="a3"),
                    date=dt.date(2018, 3, 1), date_precision="month", event_id="p3"))
    ev.append(Event("Protests", "Peaceful protest", ALEPPO,
                    q("A vigil in Aleppo was held this month.", "Aleppo", doc="a3"),
                    date=dt.date(2024, 12, 1), date_precision="month", event_id="p4"))
    return EventCollection(events=tuple(ev), title="Analyst corpus")


def export_edge_cases() -> EventCollection:
    """Values where a hand-written writer may differ from Python's: formula-looking text,
    CSV quoting, astral characters before a place span, float formatting, empty strings."""
    tie = Place("point:tie", "=HYPERLINK(\"x\")", 0.0078125, -0.0000005, country_code="",
                admin1_name="+cmd")
    far = Place("geonames:9", "-Minus, \"quoted\"\nline", -33.123456789, 151.2, country_code="AU")
    text = "\U0001F600 emoji then Sydney, \"quoted\", and more\nlines"
    start = text.index("Sydney")
    return EventCollection(events=(
        Event("@Riots", "=1+2", tie, (Quote("-2 people at \t the tie", "@doc", 3, source="",
                                            url=""),),
              date=dt.date(1, 1, 1), date_precision="year", confidence=1.0,
              actors=(Actor("=evil", "+role", "org"),), trigger="@t", region="", event_id=""),
        Event("Protests", "Peaceful protest", far,
              (Quote(text, "d2", 0, source="S", url="https://x.example/?a=1,2",
                     place_spans=((start, start + 6),)),
               Quote("second, quote", "d3", 2, source=None, url=None)),
              date=None, date_precision=None, confidence=0.123456789, origin=tie,
              location_precision="region", region="New South Wales", modality="hypothetical",
              event_id="e-2"),
        Event("Battles", "Armed clash", far, (Quote("1e-05 small", "d2", 1, source="S"),),
              date=dt.date(2024, 2, 29), date_precision="day", confidence=1e-05,
              event_id="e\u202e3"),
    ), title="edge")
