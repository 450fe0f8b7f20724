"""The event sets' own plumbing: adjudication covers exactly the disputed articles, and the
written training articles are built with offsets that point at their words."""

from __future__ import annotations

import json
import sys
from pathlib import Path

EVENTSET = Path(__file__).resolve().parent / "eventset"
sys.path.insert(0, str(EVENTSET))

from disagreements import disputed, passes  # noqa: E402


def _ev(etype: str, place: str, quote: str) -> dict[str, str]:
    return {"type": etype, "sub_type": "x", "place": place, "place_quote": quote}


def test_disputed_means_no_one_to_one_pairing_on_type_and_place() -> None:
    a = _ev("Protests", "Dayton", "in Dayton on")
    assert not disputed([], [])
    assert not disputed([a], [_ev("Protests", "dayton", "near Dayton")])
    assert disputed([a], [])
    assert disputed([a], [_ev("Riots", "Dayton", "in Dayton on")])
    assert disputed([a], [a, _ev("Protests", "Xenia", "in Xenia")])


def test_adjudicated_articles_are_exactly_the_disputed_ones() -> None:
    first, second = passes()
    assert set(first) == set(second)  # every article was read twice
    wanted = {k for k in first if disputed(first[k], second[k])}
    done = set()
    for path in sorted((EVENTSET / "adjudicated").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                done.add((rec["corpus"], rec["id"]))
    assert wanted and done == wanted


def test_written_training_file_is_current_and_its_offsets_point_at_the_words() -> None:
    built = {}
    for line in (EVENTSET / "written.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        built[item["id"]] = item
    raw = {}
    for path in sorted((EVENTSET / "written").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                raw[rec["id"]] = rec
    assert raw and set(raw) == set(built)
    for key, rec in raw.items():
        item = built[key]
        assert item["text"] == rec["text"] and len(item["events"]) == len(rec["events"])
        for ev, src in zip(item["events"], rec["events"], strict=True):
            assert item["text"][ev["trigger_start"]:ev["trigger_end"]] == src["trigger"]
            assert item["text"][ev["place_start"]:ev["place_end"]] == src["place"]
            assert (ev["lat"] is None) == (ev["coord_source"] is None)


def test_a_gold_place_without_coordinates_matches_no_prediction() -> None:
    from types import SimpleNamespace

    from eval_events import place_ok

    pred = SimpleNamespace(place=SimpleNamespace(lat=0.0, lon=0.0, country_code="GH",
                                                 feature_code="PPL"))
    assert place_ok({"lat": 0.1, "lon": 0.1}, pred)
    # geopy reads None as 0: a missing point must not match a prediction at 0, 0
    assert not place_ok({"lat": None, "lon": None, "country": "GH"}, pred)


def test_a_gold_event_without_a_point_leaves_the_gold_and_excuses_one_prediction_of_its_type(
        ) -> None:
    from types import SimpleNamespace

    from eval_events import counts

    def pred(etype: str, lat: float) -> SimpleNamespace:
        return SimpleNamespace(event_type=etype, date=None, place=SimpleNamespace(
            lat=lat, lon=10.0, country_code="KE", feature_code="PPL"))

    here = {"type": "Protests", "place": "Brindle", "lat": 1.0, "lon": 10.0}
    nowhere = {"type": "Battles", "place": "Vassel Ridge", "lat": None, "lon": None}
    # the protest is placed right; one battle is excused, the second battle and the
    # attack are false
    got = [pred("Protests", 1.0), pred("Battles", 5.0), pred("Battles", 6.0),
           pred("Violence against civilians", 7.0)]
    c = counts([here, nowhere], got)
    assert (c.gold, c.pred, c.strict, c.excused) == (1, 3, 1, 1)
    assert (c.type_right, c.place_right) == (1, 1)  # the excused pair is in neither
    # without the unlocated event nothing is excused
    c = counts([here], got)
    assert (c.gold, c.pred, c.strict, c.excused) == (1, 4, 1, 0)
    # an unlocated event never takes the prediction a located one places right
    c = counts([nowhere, {**here, "type": "Battles"}], [pred("Battles", 1.0)])
    assert (c.gold, c.pred, c.strict, c.excused) == (1, 1, 1, 0)
