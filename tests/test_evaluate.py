"""The scorer of ``geomap eval`` against hand-computed values and the shared evaluation scorer."""

from __future__ import annotations

import importlib.util
import json
import math
import random
from pathlib import Path

import pytest
from shared_support import SHARED, require_shared

from gazetteer.geometry import haversine_km
from geomap.evaluate import (
    MAX_ERROR_KM,
    Toponym,
    auc_log_error,
    iter_gold,
    match_exact,
    match_lenient,
    score_corpus,
)

SHARED_SCORER = SHARED / "eval" / "score.py"

GOLD = {
    "a": [Toponym(0, 6, 51.50853, -0.12574, "London"), Toponym(11, 16, 48.85341, 2.3488, "Paris")],
    "b": [Toponym(3, 16, 15.47, 120.75, "Central Luzon")],
    "c": [],
}
PRED = {
    "a": [Toponym(0, 6, 51.5, -0.12), Toponym(11, 20, 45.75, 4.85), Toponym(30, 35, 0.0, 0.0)],
}


def test_perfect_system_scores_one_and_zero_error() -> None:
    s = score_corpus(GOLD, GOLD)
    assert s.exact.f1 == s.lenient.f1 == 1.0
    assert s.acc161 == 1.0 and s.e2e_acc161 == 1.0
    assert s.auc == 0.0 and s.mean_km == 0.0


def test_partial_system_by_hand() -> None:
    s = score_corpus(GOLD, PRED)
    assert (s.exact.tp, s.lenient.tp) == (1, 2)
    assert s.exact.precision == pytest.approx(1 / 3) and s.exact.recall == pytest.approx(1 / 3)
    assert s.lenient.precision == pytest.approx(2 / 3) and s.lenient.recall == pytest.approx(2 / 3)
    assert s.acc161 == 0.5 and s.e2e_acc161 == pytest.approx(1 / 3)
    lyon = haversine_km(48.85341, 2.3488, 45.75, 4.85)
    london = haversine_km(51.50853, -0.12574, 51.5, -0.12)
    assert 380 < lyon < 400
    assert s.auc == pytest.approx((math.log1p(london) + math.log1p(lyon)) / 2 / math.log(MAX_ERROR_KM))
    assert s.pred_docs_matched == 1 and s.gold_docs == 3


def test_unresolved_prediction_counts_as_maximum_error() -> None:
    s = score_corpus({"a": [Toponym(0, 5, 10.0, 10.0)]}, {"a": [Toponym(0, 5, None, None)]})
    assert s.lenient.tp == 1 and s.acc161 == 0.0 and s.mean_km == MAX_ERROR_KM


def test_lenient_matching_is_one_to_one_exact_first() -> None:
    gold = [Toponym(0, 10), Toponym(12, 20)]
    pred = [Toponym(0, 20), Toponym(12, 20)]
    assert match_exact(gold, pred) == [(1, 1)]
    assert sorted(match_lenient(gold, pred)) == [(0, 0), (1, 1)]


def test_auc_of_one_error() -> None:
    assert auc_log_error([MAX_ERROR_KM]) == pytest.approx(math.log1p(MAX_ERROR_KM) / math.log(MAX_ERROR_KM))
    assert auc_log_error([]) is None


def test_iter_gold_reads_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps({"id": 7, "text": "In Paris.", "toponyms": [
        {"start": 3, "end": 8, "name": "Paris", "lat": 48.85, "lon": 2.35}]}) + "\n\n")
    [doc] = list(iter_gold(path))
    assert doc.id == "7" and doc.toponyms[0] == Toponym(3, 8, 48.85, 2.35, "Paris")


def _random_corpus(rng: random.Random) -> tuple[dict[str, list[Toponym]], dict[str, list[Toponym]]]:
    gold: dict[str, list[Toponym]] = {}
    pred: dict[str, list[Toponym]] = {}
    for d in range(40):
        spans = sorted(rng.sample(range(0, 400, 10), rng.randint(0, 6)))
        gold[str(d)] = [Toponym(s, s + rng.randint(3, 9), rng.uniform(-60, 60), rng.uniform(-170, 170))
                        for s in spans]
        if rng.random() < 0.1:
            continue  # a document without predictions
        out = []
        for g in gold[str(d)]:
            r = rng.random()
            if r < 0.2:
                continue  # missed
            start = g.start + (0 if r < 0.6 else rng.randint(-2, 2))
            point = (None, None) if rng.random() < 0.05 else (
                g.lat + rng.uniform(-3, 3) if g.lat is not None else 0.0,
                g.lon + rng.uniform(-3, 3) if g.lon is not None else 0.0)
            out.append(Toponym(max(0, start), max(start + 1, g.end + rng.randint(-1, 2)), *point))
        out += [Toponym(s, s + 4, 0.0, 0.0) for s in rng.sample(range(401, 600), rng.randint(0, 2))]
        pred[str(d)] = out
    pred["not-in-gold"] = [Toponym(0, 3, 1.0, 1.0)]
    return gold, pred


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_numbers_as_the_shared_scorer(seed: int) -> None:
    spec = importlib.util.spec_from_file_location("shared_score", require_shared(SHARED_SCORER))
    assert spec is not None and spec.loader is not None
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    gold, pred = _random_corpus(random.Random(seed))

    def as_dicts(docs: dict[str, list[Toponym]]) -> dict[str, list[dict[str, object]]]:
        return {k: [{"start": t.start, "end": t.end, "lat": t.lat, "lon": t.lon} for t in v]
                for k, v in docs.items()}

    theirs = shared.score(as_dicts(gold), as_dicts(pred))
    ours = score_corpus(gold, pred).to_dict()
    assert ours["lenient"]["tp"] > 0 and ours["resolution"]["n"] > 0
    assert json.dumps(ours, sort_keys=True) == json.dumps(theirs, sort_keys=True)


@pytest.mark.model
def test_geomap_eval_command_prints_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from geomap.cli import main

    text = "Protesters marched in Paris on Monday. Later, crowds gathered in Berlin."
    corpus = tmp_path / "gold.jsonl"
    corpus.write_text(json.dumps({"id": "d1", "text": text, "toponyms": [
        {"start": 22, "end": 27, "name": "Paris", "lat": 48.85341, "lon": 2.3488},
        {"start": 65, "end": 71, "name": "Berlin", "lat": 52.52437, "lon": 13.41053}]}) + "\n")
    preds = tmp_path / "pred.jsonl"
    assert main(["eval", str(corpus), "--json", "--predictions", str(preds)]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["gold_toponyms"] == 2 and result["lenient"]["tp"] == 2
    assert result["resolution"]["acc161"] == 1.0
    [record] = [json.loads(line) for line in preds.read_text().splitlines()]
    assert [t["name"] for t in record["toponyms"]] == ["Paris", "Berlin"]
    assert main(["eval", str(corpus), "--limit", "0"]) == 1
