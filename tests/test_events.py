"""Event detection on parsed text with hand-made place resolutions (model, no gazetteer).

The reference text is read by path; places are built here with real coordinates so the
expectations do not depend on the gazetteer.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from gazetteer.model import Place
from geomap.events import detect_events
from geomap.taxonomy import load_taxonomy
from geomap.text import sentences_of
from geomap.types import Document, Event, Mention, ResolvedPlace

pytestmark = pytest.mark.model

PLACES = {
    "Russia": Place("geonames:2017370", "Russia", 60.0, 100.0, "A", "PCLI", "RU"),
    "Syria": Place("geonames:163843", "Syria", 35.0, 38.0, "A", "PCLI", "SY"),
    "Moscow": Place("geonames:524901", "Moscow", 55.752, 37.616, "P", "PPLC", "RU", "48",
                    admin1_name="Moscow"),
    "Tartous": Place("geonames:163345", "Tartus", 34.889, 35.887, "P", "PPLA", "SY", "14"),
    "Hmeimim": Place("curated:hmeimim-air-base", "Hmeimim Air Base", 35.401, 35.949, "S", "MILB",
                     "SY", "02"),
    "Latakia": Place("geonames:173576", "Latakia", 35.52, 35.79, "A", "ADM1", "SY", "02"),
    "Damascus": Place("geonames:170654", "Damascus", 33.510, 36.291, "P", "PPLC", "SY", "13"),
    "West Asia": Place("curated:west-asia", "West Asia", 32.0, 45.0, "L", "RGN", ""),
    "Kabul": Place("geonames:1138958", "Kabul", 34.528, 69.172, "P", "PPLC", "AF"),
    "Doha": Place("geonames:290030", "Doha", 25.286, 51.533, "P", "PPLC", "QA"),
    "Nairobi": Place("geonames:184745", "Nairobi", -1.283, 36.817, "P", "PPLC", "KE"),
    "Lyon": Place("geonames:2996944", "Lyon", 45.748, 4.847, "P", "PPLA", "FR"),
    "Marseille": Place("geonames:2995469", "Marseille", 43.297, 5.381, "P", "PPLA", "FR"),
    "Aleppo": Place("geonames:170063", "Aleppo", 36.202, 37.158, "P", "PPLA", "SY"),
    "Mogadishu": Place("geonames:53654", "Mogadishu", 2.037, 45.344, "P", "PPLC", "SO"),
}
SEED_PUBLISHED = dt.date(2024, 12, 8)


def run(full_nlp, taxonomy, text: str, published: dt.date | None = SEED_PUBLISHED,  # type: ignore[no-untyped-def]
        doc_id: str = "t") -> list[Event]:
    doc = full_nlp(text)
    sentences = sentences_of(doc, doc_id=doc_id)
    places = []
    for name, place in PLACES.items():
        for m in re.finditer(rf"\b{re.escape(name)}\b", text):
            sidx = next(s.index for s in sentences if s.start <= m.start() < s.end)
            places.append(ResolvedPlace(Mention(doc_id, m.start(), m.end(), name, "GPE", sidx),
                                        place, 1.0))
    places.sort(key=lambda r: r.mention.start)
    document = Document(doc_id, text, source="test", published=published)
    return detect_events(doc, document, sentences, places, taxonomy=taxonomy)


@pytest.fixture(scope="module")
def seed_events(full_nlp, taxonomy, seed_path: Path) -> list[Event]:  # type: ignore[no-untyped-def]
    return run(full_nlp, taxonomy, seed_path.read_text(encoding="utf-8"), doc_id="seed")


def asserted(events: list[Event]) -> list[Event]:
    return [e for e in events if e.modality == "asserted"]


def test_seed_landing_is_one_movement_to_moscow_from_syria(seed_events: list[Event]) -> None:
    moves = [e for e in asserted(seed_events) if e.event_type == "Movement"]
    assert len(moves) == 1, [(e.place.name, e.trigger) for e in moves]
    [move] = moves
    assert move.place.name == "Moscow"
    assert move.origin is not None and move.origin.name == "Syria"
    assert any("Assad" in a.name for a in move.actors)
    assert move.date == dt.date(2024, 12, 8)


def test_seed_bases_are_background(seed_events: list[Event]) -> None:
    # "During al-Assad's rule, ... Al-Assad agreed to let Russia use a naval base in Tartous and
    # an airbase in Hmeimim": an old agreement, not news of the publication day.
    assert not [e for e in asserted(seed_events) if e.sub_event_type == "Agreement"]
    background = {e.place.name: e for e in seed_events if e.modality == "background"}
    assert set(background) == {"Tartus", "Hmeimim Air Base"}, background
    assert all(e.date is None for e in background.values())
    assert background["Hmeimim Air Base"].region == "Latakia"
    assert background["Hmeimim Air Base"].location_precision == "exact"


def test_seed_damascus_events(seed_events: list[Event]) -> None:
    by_type = {(e.event_type, e.sub_event_type): e for e in asserted(seed_events)}
    crowd = by_type[("Protests", "Peaceful protest")]
    assert crowd.place.name == "Damascus" and crowd.location_precision == "exact"
    looting = by_type[("Strategic developments", "Looting/property destruction")]
    assert looting.place.name == "Damascus"
    statement = [e for e in seed_events if e.event_type == "Statements"]
    assert len(statement) == 1 and statement[0].place.name == "Damascus"


def test_seed_dates(seed_events: list[Event]) -> None:
    entered = [e for e in seed_events if e.trigger == "entered"]
    assert entered and entered[0].date == dt.date(2024, 12, 7)
    assert entered[0].place.name == "Damascus"
    assert all(e.date in (dt.date(2024, 12, 7), dt.date(2024, 12, 8)) for e in seed_events
               if e.modality != "background")


def test_seed_no_repeats_and_no_west_asia(seed_events: list[Event]) -> None:
    assert all(e.place.name != "West Asia" for e in seed_events)
    quoted = [(q.sentence_index, e.event_type, e.place.place_id)
              for e in seed_events for q in e.quotes]
    assert len(quoted) == len(set(quoted))
    keys = [(e.event_type, e.sub_event_type, e.place.place_id, e.date) for e in seed_events]
    assert len(keys) == len(set(keys))
    ids = [e.event_id for e in seed_events]
    assert len(ids) == len(set(ids)) and all(ids)


def test_seed_quotes_point_at_place_names(seed_events: list[Event]) -> None:
    for e in seed_events:
        for q in e.quotes:
            for start, end in q.place_spans:
                assert q.text[start:end] in PLACES


def test_detection_is_deterministic(full_nlp, taxonomy, seed_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = seed_path.read_text(encoding="utf-8")
    assert run(full_nlp, taxonomy, text, doc_id="seed") == run(full_nlp, taxonomy, text, doc_id="seed")


@pytest.mark.parametrize(("text", "modality"), [
    ("The army denied attacking villagers in Aleppo on Monday.", "negated"),
    ("Militants threatened to bomb the port in Mogadishu.", "hypothetical"),
    ("The president plans to visit Nairobi next week.", "future"),
    ("The foreign minister will travel to Doha on Friday.", "future"),
    ("Police said protesters could march in Lyon.", "hypothetical"),
])
def test_unreal_events_are_flagged(full_nlp, taxonomy, text: str, modality: str) -> None:  # type: ignore[no-untyped-def]
    events = run(full_nlp, taxonomy, text)
    assert events, "the event should still be found, flagged"
    assert {e.modality for e in events} == {modality}


def test_asserted_events_are_asserted(full_nlp, taxonomy) -> None:  # type: ignore[no-untyped-def]
    events = run(full_nlp, taxonomy, "Gunmen attacked a market in Mogadishu on Saturday.")
    assert [(e.event_type, e.place.name, e.modality, e.date) for e in events] == [
        ("Violence against civilians", "Mogadishu", "asserted", dt.date(2024, 12, 7))]


def test_departure_and_arrival_join_into_one_movement(full_nlp, taxonomy) -> None:  # type: ignore[no-untyped-def]
    events = run(full_nlp, taxonomy, "Foreign Minister Amir Khan Muttaqi left Kabul on Saturday. "
                 "Muttaqi arrived in Doha for talks.")
    moves = [e for e in events if e.event_type == "Movement"]
    assert len(moves) == 1
    assert moves[0].place.name == "Doha" and moves[0].origin is not None
    assert moves[0].origin.name == "Kabul"
    assert len(moves[0].quotes) == 2


@pytest.mark.xfail(strict=True, reason="known loss (README, This round, not kept): a movement's "
                   "place named as 'the city of X' is neither its origin nor its destination")
@pytest.mark.parametrize(("text", "sub"), [
    ("The foreign minister arrived in the Syrian city of Aleppo on Sunday for talks.", "Arrival"),
    ("Hundreds of families fled the city of Aleppo on Monday as the fighting drew closer.",
     "Departure"),
])
def test_a_movement_to_the_city_of_x_is_placed_at_x(full_nlp, taxonomy, text: str,  # type: ignore[no-untyped-def]
                                                     sub: str) -> None:
    moves = [e for e in run(full_nlp, taxonomy, text) if e.event_type == "Movement"]
    assert [(e.place.name, e.sub_event_type) for e in moves] == [("Aleppo", sub)]


def test_conjoined_places_give_one_event_each(full_nlp, taxonomy) -> None:  # type: ignore[no-untyped-def]
    events = run(full_nlp, taxonomy, "Thousands of teachers protested in Lyon and Marseille on Tuesday.")
    assert sorted(e.place.name for e in events if e.event_type == "Protests") == ["Lyon", "Marseille"]


def test_weak_trigger_yields_to_the_specific_one(full_nlp, taxonomy) -> None:  # type: ignore[no-untyped-def]
    events = run(full_nlp, taxonomy, "A roadside bomb killed four soldiers near Kabul on Sunday.")
    assert [(e.event_type, e.sub_event_type) for e in events] == [
        ("Explosions/Remote violence", "Remote explosive/landmine/IED")]


def test_repeated_sentence_reports_once(full_nlp, taxonomy) -> None:  # type: ignore[no-untyped-def]
    once = "Protesters rallied in Nairobi against new taxes."
    events = run(full_nlp, taxonomy, f"{once} Shops were closed. {once}")
    assert len(events) == 1
    assert [q.sentence_index for q in events[0].quotes] == [0]


def test_event_without_any_place_is_not_invented(full_nlp, taxonomy) -> None:  # type: ignore[no-untyped-def]
    assert run(full_nlp, taxonomy, "Rioters clashed with police overnight.") == []


def test_custom_taxonomy_drives_detection(full_nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    path = tmp_path / "floods.json"
    path.write_text(json.dumps({"format": "geomap-taxonomy/1", "event_types": [
        {"name": "Flood", "colour": "#1f77b4", "sub_event_types": [
            {"name": "River flood", "lemmas": ["flood", "inundate"]}]}]}), encoding="utf-8")
    events = run(full_nlp, load_taxonomy(path), "Rising water inundated Kabul on Monday. "
                 "Gunmen attacked a market in Mogadishu.")
    assert [(e.event_type, e.sub_event_type, e.place.name, e.date) for e in events] == [
        ("Flood", "River flood", "Kabul", dt.date(2024, 12, 2))]


def test_empty_and_placeless_documents(full_nlp, taxonomy) -> None:  # type: ignore[no-untyped-def]
    assert run(full_nlp, taxonomy, "") == []
    assert run(full_nlp, taxonomy, "Shares rallied in Nairobi on Friday.") == []


def test_same_article_twice_merges_across_documents(full_nlp, taxonomy) -> None:  # type: ignore[no-untyped-def]
    from geomap.events import merge_events

    text = "Gunmen attacked a market in Mogadishu on Saturday."
    first, second = run(full_nlp, taxonomy, text, doc_id="a"), run(full_nlp, taxonomy, text, doc_id="b")
    [merged] = merge_events(first + second)
    assert merged.doc_ids == ("a", "b")
    assert merge_events(second + first) == [merged]


def test_hostile_text_is_kept_verbatim_in_quotes(full_nlp, taxonomy) -> None:  # type: ignore[no-untyped-def]
    text = "Protesters rallied in Nairobi chanting <script>alert(1)</script> ${x}."
    [event] = run(full_nlp, taxonomy, text)
    assert event.quotes[0].text == text  # escaping is the renderer's job, at the HTML boundary


def test_crowds_fleeing_a_town_are_a_departure_from_it(full_nlp, taxonomy) -> None:  # type: ignore[no-untyped-def]
    # "thousands" rules out "left thousands dead", not "thousands fled"
    events = asserted(run(full_nlp, taxonomy, "Thousands of residents fled Aleppo on Monday."))
    assert [(e.event_type, e.sub_event_type, e.place.name) for e in events] == [
        ("Movement", "Departure", "Aleppo")]
    wounded = asserted(run(full_nlp, taxonomy,
                           "Thousands of wounded civilians fled Aleppo on Monday."))
    assert [(e.event_type, e.place.name) for e in wounded] == [("Movement", "Aleppo")]
    left = asserted(run(full_nlp, taxonomy, "The storm left thousands homeless in Aleppo."))
    assert not [e for e in left if e.event_type == "Movement"]
