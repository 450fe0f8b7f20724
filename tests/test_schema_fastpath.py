"""The reader's fast path for well-typed records gives what the checked path gives.

``properties_to_event`` takes well-typed records (what ``geomap extract`` writes) through
``_fast_event`` and everything else through ``_checked_event``. Each record here is a valid
one with one field (or two) changed to a value of another JSON type; both paths must then
return equal events or fail with the same message.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

from geomap.errors import InputError
from geomap.formats.schema import _checked_event, clear_place_cache, properties_to_event

BASE: dict[str, Any] = {
    "event_id": "e1",
    "event_type": "Battles",
    "sub_event_type": "Armed clash",
    "place_name": "Homs",
    "place_id": "geonames:169577",
    "country_code": "SY",
    "admin1_name": "Homs Governorate",
    "location_precision": "exact",
    "region": None,
    "date": "2024-12-01",
    "date_precision": "day",
    "actors": [{"name": "Army", "role": "subject", "kind": "org"}],
    "origin": {"name": "Hama", "place_id": "geonames:170017", "lat": 35.13, "lon": 36.75,
               "country_code": "SY", "admin1_name": "Hama"},
    "quotes": [{"text": "Clashes in Homs.", "doc_id": "d1", "sentence_index": 2,
                "source": "Agency", "url": "https://x.example/1", "place_spans": [[11, 15]]}],
    "doc_id": "d1",
    "sources": ["Agency"],
    "confidence": 0.75,
    "modality": "asserted",
    "trigger": "Clashes",
}

ODD_VALUES: list[Any] = [None, "", "x", 0, 1, 2.5, -3, True, False, [], [1, 2], {}, {"a": 1},
                         float("nan"), float("inf"), "2024-13-40", "day", "exact"]

# paths into BASE: (key,) for a property, (key, index, subkey) inside a list of objects
FIELDS: list[tuple[Any, ...]] = [(k,) for k in BASE] + [
    ("actors", 0, "name"), ("actors", 0, "role"), ("actors", 0, "kind"),
    ("origin", "name"), ("origin", "place_id"), ("origin", "lat"), ("origin", "lon"),
    ("origin", "country_code"), ("origin", "admin1_name"),
    ("quotes", 0, "text"), ("quotes", 0, "doc_id"), ("quotes", 0, "sentence_index"),
    ("quotes", 0, "source"), ("quotes", 0, "url"), ("quotes", 0, "place_spans"),
    ("quotes", 0, "place_spans", 0), ("quotes", 0, "place_spans", 0, 1),
]
MISSING = object()


def _changed(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    record = copy.deepcopy(BASE)
    target: Any = record
    for step in path[:-1]:
        target = target[step]
    if value is MISSING:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return record


def _outcome(fn: Any, props: Any, lat: Any, lon: Any) -> tuple[str, Any]:
    clear_place_cache()
    try:
        return "event", fn(props, lat, lon)
    except InputError as exc:
        return "error", str(exc)


def _cases() -> list[tuple[dict[str, Any], Any, Any]]:
    cases = [(BASE, 34.73, 36.72)]
    for path, value in itertools.product(FIELDS, [*ODD_VALUES, MISSING]):
        cases.append((_changed(path, value), 34.73, 36.72))
    for lat, lon in itertools.product([34.73, 34, True, "34.7", None, float("nan"), 95.0],
                                      [36.72, -181.0, float("inf")]):
        cases.append((BASE, lat, lon))
    # two fields wrong at once: the first one in the checked order is the one reported
    for a, b in itertools.combinations(["event_type", "confidence", "quotes", "date", "actors",
                                        "location_precision", "trigger"], 2):
        record = _changed((a,), 7)
        record[b] = 7
        cases.append((record, 34.73, 36.72))
    return cases


def test_base_record_takes_the_fast_path() -> None:
    from geomap.formats.schema import _fast_event

    assert _fast_event(copy.deepcopy(BASE), 34.73, 36.72) == _checked_event(BASE, 34.73, 36.72)


def test_fast_and_checked_paths_agree() -> None:
    cases = _cases()
    differ = []
    for i, (props, lat, lon) in enumerate(cases):
        fast = _outcome(properties_to_event, copy.deepcopy(props), lat, lon)
        checked = _outcome(_checked_event, copy.deepcopy(props), lat, lon)
        if fast != checked:
            differ.append((i, fast, checked))
    assert differ == []
    kinds = {_outcome(_checked_event, p, lat, lon)[0] for p, lat, lon in cases}
    assert kinds == {"event", "error"}  # the cases cover both outcomes


def test_infinite_place_span_is_a_one_line_error() -> None:
    record = _changed(("quotes", 0, "place_spans"), [[1, float("inf")]])
    with pytest.raises(InputError, match="'place_spans' must be a list of"):
        properties_to_event(record, 34.73, 36.72)


def _read_outcome(fn: Any, text: str) -> tuple[str, Any]:
    clear_place_cache()
    try:
        return "events", fn(text, name="f.geojson")
    except InputError as exc:
        return "error", str(exc)


def test_streamed_collection_reads_as_the_whole_text() -> None:
    """parse_geojson decodes a FeatureCollection feature by feature when it can; the result
    (events, or the first problem's message) is what decoding the whole text gives."""
    import json

    from geomap.formats.reader import _parse_whole, _stream_collection, parse_geojson

    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [36.72, 34.73]},
               "properties": BASE}
    bad = {**feature, "properties": {**BASE, "event_type": ""}}
    good = json.dumps({"type": "FeatureCollection", "features": [feature, feature]}, indent=1)
    texts = [
        good,
        json.dumps({"type": "FeatureCollection", "features": [feature] * 3}),
        json.dumps({"type": "FeatureCollection", "features": []}),
        '  {"type" : "FeatureCollection" ,\r\n\t"features":[ ] }  \n',
        good[:-3],  # truncated
        good.replace("}\n ]", "},\n ]"),  # trailing comma
        good[:-1] + ', "features": []}',  # a second 'features' wins in json.loads
        good.replace('"features": [', '"bbox": [1, 2, 3, 4], "features": [', 1),
        good[:-2] + ', "bbox": [0, 0, 1, 1]}',
        good + " x",
        good.replace("34.73", "NaN", 1),
        good.replace('"Battles"', '"Batt\\udc00les"', 1),  # scrubbed, with a warning
        good.replace('"type": "FeatureCollection"', '"type": "Featur\\u0065Collection"'),
        json.dumps({"type": "FeatureCollection", "features": [feature, bad, feature]}),
        json.dumps({"type": "FeatureCollection", "features": [bad]})[:-5],  # bad, then truncated
        json.dumps({"type": "FeatureCollection", "features": [feature, 7]}),
        json.dumps({"type": "FeatureCollection", "features": {"a": feature}}),
        json.dumps(feature),
        "[" + json.dumps(feature) + "]",
        "\ufeff" + good,
    ]
    assert _stream_collection(good, "f.geojson") is not None  # the fast path is taken
    outcomes = set()
    for text in texts:
        whole = _read_outcome(lambda t, name: _parse_whole(t, name), text)
        assert _read_outcome(parse_geojson, text) == whole, text[:80]
        outcomes.add(whole[0])
    assert outcomes == {"events", "error"}


def test_shared_values_stay_bounded_without_clearing(monkeypatch: pytest.MonkeyPatch) -> None:
    from geomap.formats import schema

    monkeypatch.setattr(schema, "_CACHE_MAX", 2)
    clear_place_cache()
    for day in range(1, 6):
        record = _changed(("date",), f"2024-12-0{day}")
        record["actors"] = [{"name": f"Group {day}", "role": "actor", "kind": ""}]
        event = properties_to_event(record, 34.73, 36.72)
        assert event.date is not None and event.date.day == day
        assert event.actors[0].name == f"Group {day}"
    assert 0 < len(schema._DATES) <= 2 and 0 < len(schema._ACTORS) <= 2
    clear_place_cache()
