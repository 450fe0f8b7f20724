"""The reference news text end to end (model + gazetteer): places, events once, determinism."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from reference_places import REAL

from geomap.api import collect
from geomap.io import iter_documents
from geomap.resolve import haversine_km
from geomap.text import normalise_sentence

pytestmark = pytest.mark.model



@pytest.fixture(scope="module")
def seed_result(pipeline, seed_path: Path):  # type: ignore[no-untyped-def]
    docs = list(iter_documents([seed_path], published=dt.date(2024, 12, 8)))
    results = list(pipeline.analyze(docs))
    return results[0], collect(results)


def test_every_reference_place_resolves_within_10_km(seed_result) -> None:  # type: ignore[no-untyped-def]
    analyzed, _ = seed_result
    seen: dict[str, list[float]] = {}
    for rp in analyzed.places:
        if rp.mention.surface in REAL:
            assert rp.place is not None, f"{rp.mention.surface} unresolved: {rp.reason}"
            lat, lon = REAL[rp.mention.surface]
            seen.setdefault(rp.mention.surface, []).append(
                haversine_km(lat, lon, rp.place.lat, rp.place.lon))
    assert set(seen) == set(REAL), f"not found: {set(REAL) - set(seen)}"
    for name, errors in seen.items():
        assert max(errors) <= 10.0, f"{name} resolved {max(errors):.1f} km away"


def test_hmeimim_is_the_air_base_not_latakia_city(seed_result) -> None:  # type: ignore[no-untyped-def]
    analyzed, _ = seed_result
    [hmeimim] = {rp.place for rp in analyzed.places if rp.mention.surface == "Hmeimim"}
    assert hmeimim is not None
    assert hmeimim.feature_class == "S"
    assert haversine_km(hmeimim.lat, hmeimim.lon, *REAL["Latakia"]) > 15


def test_repeated_sentences_yield_their_events_once(seed_result) -> None:  # type: ignore[no-untyped-def]
    analyzed, collection = seed_result
    copies = [s for s in analyzed.sentences if s.copy_of is not None]
    assert len(copies) >= 2, "the reference text repeats two sentences"
    keys = [(e.event_type, e.sub_event_type, e.place.place_id, normalise_sentence(e.quotes[0].text))
            for e in collection.events]
    assert len(keys) == len(set(keys))
    copy_indexes = {s.index for s in copies}
    assert all(e.quotes[0].sentence_index not in copy_indexes for e in collection.events)
    assert collection.events, "the reference text has events"


def test_every_event_has_type_place_and_quote(seed_result) -> None:  # type: ignore[no-untyped-def]
    _, collection = seed_result
    text = Path(collection.documents[0].source or "").name
    assert text.endswith(".txt")
    for e in collection.events:
        assert e.event_type and e.place.name
        assert e.quotes and all(q.text.strip() for q in e.quotes)
        assert e.quotes[0].text in collection.documents[0].text


def test_geojson_and_html_are_deterministic(seed_result, pipeline, seed_path: Path,  # type: ignore[no-untyped-def]
                                            tmp_path: Path) -> None:
    _, first = seed_result
    docs = list(iter_documents([seed_path], published=dt.date(2024, 12, 8)))
    second = collect(pipeline.analyze(docs))
    assert json.dumps(first.to_geojson()) == json.dumps(second.to_geojson())
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    first.save(a)
    second.save(b)
    assert a.read_bytes() == b.read_bytes()
    geo = first.to_geojson()
    assert geo["type"] == "FeatureCollection" and geo["features"]
    for feature in geo["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        for key in ("event_type", "sub_event_type", "place_name", "place_id", "date", "actors",
                    "quotes", "doc_id"):
            assert key in feature["properties"], key
