"""Merging reports of one event across articles (no model)."""

from __future__ import annotations

import datetime as dt
import random

from gazetteer.model import Place
from geomap.events import merge_events
from geomap.types import Actor, Event, Quote

KYIV = Place("geonames:703448", "Kyiv", 50.45, 30.52, "P", "PPLC", "UA")
LVIV = Place("geonames:702550", "Lviv", 49.84, 24.03, "P", "PPLA", "UA")


def event(doc: str, *, place: Place = KYIV, day: int = 8, actors: tuple[str, ...] = (),
          etype: str = "Explosions/Remote violence", confidence: float = 0.7) -> Event:
    return Event(etype, "Air/drone strike", place,
                 (Quote(f"Text of {doc}.", doc, 0, source=f"src-{doc}"),),
                 date=dt.date(2024, 12, day), date_precision="day",
                 actors=tuple(Actor(a, "subject", "ORG") for a in actors),
                 confidence=confidence, event_id=f"id-{doc}-{place.name}-{day}")


def test_same_event_from_two_articles_is_merged_keeping_quotes_and_sources() -> None:
    [merged] = merge_events([event("a", actors=("Russian forces",)),
                             event("b", day=9, actors=("Russian forces",))])
    assert merged.doc_ids == ("a", "b")
    assert merged.sources == ("src-a", "src-b")
    assert merged.confidence > 0.7


def test_different_place_type_or_distant_date_stay_apart() -> None:
    events = [event("a"), event("b", place=LVIV), event("c", day=20),
              event("d", etype="Battles")]
    assert len(merge_events(events)) == 4


def test_disjoint_actors_stay_apart_but_unnamed_actors_merge() -> None:
    assert len(merge_events([event("a", actors=("Hamas",)), event("b", actors=("Hezbollah",))])) == 2
    assert len(merge_events([event("a", actors=("Hamas",)), event("b")])) == 1


def test_events_of_one_article_are_not_merged_again() -> None:
    assert len(merge_events([event("a"), event("a", day=9)])) == 2


def test_merge_is_deterministic_whatever_the_input_order() -> None:
    events = [event(d, day=8 + i % 3, place=(KYIV, LVIV)[i % 2]) for i, d in enumerate("abcdefgh")]
    expected = merge_events(events)
    for seed in range(5):
        shuffled = events[:]
        random.Random(seed).shuffle(shuffled)
        assert merge_events(shuffled) == expected


def test_one_article_reports_one_occasion_per_type_place_and_day() -> None:
    import dataclasses

    from geomap.events.detect import _Draft, _merge_in_document
    from geomap.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    # ids sorting against text order: the date must follow the text, not the ids
    first = dataclasses.replace(event("a", day=7), event_id="zzz")
    next_day, two_days = event("a", day=8), event("a", day=9)
    [merged] = _merge_in_document([_Draft(first, 0, 1, False), _Draft(next_day, 2, 30, False)],
                                  taxonomy)
    assert merged.event.date == dt.date(2024, 12, 7) and merged.event.event_id == "zzz"
    assert len(merged.event.quotes) == 1  # the same quote text of one test article
    # two days apart: two occasions; a chain day 7, 8, 9 compares with the first report's date
    apart = _merge_in_document([_Draft(first, 0, 1, False), _Draft(two_days, 2, 30, False)],
                               taxonomy)
    assert [d.event.date for d in apart] == [dt.date(2024, 12, 7), dt.date(2024, 12, 9)]
    chain = _merge_in_document([_Draft(first, 0, 1, False), _Draft(next_day, 1, 10, False),
                                _Draft(two_days, 2, 30, False)], taxonomy)
    assert [d.event.date for d in chain] == [dt.date(2024, 12, 7), dt.date(2024, 12, 9)]
    # a date read from the text beats the publication-date fallback of the first report
    [dated] = _merge_in_document([_Draft(event("a", day=8), 0, 1, True),
                                  _Draft(dataclasses.replace(two_days, event_id="b"), 2, 30,
                                         False)], taxonomy)
    assert dated.event.date == dt.date(2024, 12, 9)
