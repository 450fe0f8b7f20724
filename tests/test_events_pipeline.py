"""Events end to end through geomap's pipeline (model + gazetteer) on the reference text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from reference_places import REAL

from geomap.api import collect
from geomap.types import Document, Event

pytestmark = pytest.mark.model



def km(place, lat: float, lon: float) -> float:  # type: ignore[no-untyped-def]
    from gazetteer.model import Place
    from geomap.events.places import _km

    return _km(place, Place("test:x", "x", lat, lon))


@pytest.fixture(scope="module")
def events(pipeline, seed_path: Path) -> list[Event]:  # type: ignore[no-untyped-def]
    text = seed_path.read_text(encoding="utf-8")
    results = list(pipeline.analyze([Document("seed", text, published=dt.date(2024, 12, 8))]))
    return [e for e in collect(results).events if e.modality == "asserted"]


def test_movement_lands_in_moscow_from_syria(events: list[Event]) -> None:
    [move] = [e for e in events if e.event_type == "Movement"]
    assert km(move.place, *REAL["Moscow"]) < 25
    assert any("Assad" in a.name for a in move.actors)
    assert move.origin is not None and move.origin.country_code == "SY"


def test_old_basing_agreement_is_background_at_the_facilities(pipeline, seed_path: Path  # type: ignore[no-untyped-def]
                                                              ) -> None:
    text = seed_path.read_text(encoding="utf-8")
    [result] = pipeline.analyze([Document("seed", text, published=dt.date(2024, 12, 8))])
    agreements = [e for e in collect([result]).events if e.sub_event_type == "Agreement"]
    assert agreements and all(e.modality == "background" and e.date is None for e in agreements)
    # "a naval base in Tartous" is the gazetteer's naval facility there, not the town.
    [tartous] = [e for e in agreements if km(e.place, *REAL["Tartous"]) < 10]
    assert tartous.place.feature_code == "NVB"
    [hmeimim] = [e for e in agreements if km(e.place, *REAL["Hmeimim"]) < 10]
    assert hmeimim.location_precision == "exact"
    assert hmeimim.region and "Latakia" in hmeimim.region


def test_damascus_crowds_looting_and_appearance(events: list[Event]) -> None:
    def near_damascus(e: Event) -> bool:
        return km(e.place, *REAL["Damascus"]) < 25

    assert any(e.event_type == "Protests" and near_damascus(e) for e in events)
    assert any(e.sub_event_type == "Looting/property destruction" and near_damascus(e)
               for e in events)
    [statement] = [e for e in events if e.event_type == "Statements"]
    assert near_damascus(statement)


def test_dates_and_no_west_asia(events: list[Event]) -> None:
    assert {e.date for e in events} <= {dt.date(2024, 12, 7), dt.date(2024, 12, 8)}
    assert dt.date(2024, 12, 7) in {e.date for e in events}
    assert all("Asia" not in e.place.name for e in events)


def test_each_event_once(events: list[Event]) -> None:
    keys = [(e.event_type, e.sub_event_type, e.place.place_id, e.date) for e in events]
    assert len(keys) == len(set(keys))
    quoted = [(q.sentence_index, e.event_type, e.place.place_id) for e in events for q in e.quotes]
    assert len(quoted) == len(set(quoted))
    # The two repeated sentences of the text are never quoted twice.
    assert len({q.text for e in events for q in e.quotes}) == len(
        {(q.doc_id, q.sentence_index) for e in events for q in e.quotes})
