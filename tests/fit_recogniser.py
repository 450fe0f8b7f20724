"""Fit the recogniser's second look (:mod:`geomap.recognition`) and write
``geomap/data/recogniser_weights.json``.

The pipeline runs with the second look off; every name it would look at again
(:meth:`geomap.components.GazetteerRuler.second_look_candidates`) is an example, positive when
it overlaps a gold toponym. A logistic regression (numpy, L2) is fitted on them.

Usage (from the repository root)::

    python tests/fit_recogniser.py ../shared/eval/lgl.jsonl ../shared/eval/trnews.jsonl \
        --decisions tests/placeset/decisions.jsonl
    python tests/fit_recogniser.py LGL TRNEWS --dry-run      # scores only, nothing written

``--decisions`` adds our own annotated examples: names of the written articles
(``tests/eventset/written.jsonl``, ``written_next/``) that the second look reconsiders, each
judged a place or not by an annotator (``tests/placeset/GUIDELINE.md``). They join the fit in
every fold; being only the reconsidered names, not every toponym of their articles, they are
never scored. Each carries a feature of its source (see ``SOURCE``). With them, the script
also prints how the second look decides the decided names of articles it was not fitted on
(:func:`decisions_cv`). ``tests/placeset/list_names.py`` lists the names to decide.

It prints recognition precision / recall / F1 of the recogniser's spans (demonyms included)
by overlap: a span is right when it overlaps a gold toponym, a gold toponym found when a span
overlaps it (not one-to-one like ``geomap eval``, whose figures differ in the third digit),
without the second look and with it: 5-fold cross-validation by document over all corpora for
each threshold and L2 strength (the best mean F1 of the corpora is chosen), then the
cross-corpus rows (fitted on one corpus, scored on the other), then the weights fitted on all
corpora, which are written.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geomap.evaluate import PRF  # noqa: E402
from geomap.io import write_text_atomic  # noqa: E402
from geomap.recognition import WEIGHTS_FILE, RecogniserModel  # noqa: E402

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc as SpacyDoc

    from geomap.components import GazetteerRuler

L2_GRID = (0.3, 1.0, 3.0)
THRESHOLDS = (0.4, 0.5, 0.6, 0.7)
FOLDS = 5
MIN_COUNT = 2


@dataclass
class Doc:
    corpus: str
    id: str
    gold: list[tuple[int, int]]
    found: list[tuple[int, int]]                      # the pipeline's spans without a second look
    cands: list[tuple[int, int, list[str], bool]]      # char start, end, features, gold overlap


def char_span(doc: SpacyDoc, start: int, end: int) -> tuple[int, int]:
    """The character offsets of the tokens ``start:end`` of ``doc``."""
    span = doc[start:end]
    return span.start_char, span.end_char


def _overlaps(a: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < a[1] and a[0] < e for s, e in spans)


def _nlp() -> tuple[Language, GazetteerRuler]:
    """The pipeline's spaCy model and its gazetteer ruler, with the second look off."""
    from geomap.components import GazetteerRuler
    from geomap.pipeline import Pipeline

    nlp = Pipeline().load().nlp
    ruler = nlp.get_pipe("geomap_gazetteer_ruler")
    assert isinstance(ruler, GazetteerRuler)
    ruler.second_look = False
    return nlp, ruler


def load(paths: Sequence[Path],
         model: tuple[Language, GazetteerRuler] | None = None) -> list[Doc]:
    from geomap.components import SPAN_KEY

    nlp, ruler = model or _nlp()
    docs = []
    for path in paths:
        items = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n")
                 if line.strip()]
        for it, doc in zip(items, nlp.pipe(it["text"] for it in items), strict=True):
            gold = [(t["start"], t["end"]) for t in it["toponyms"]]
            found = [(s.start_char, s.end_char) for s in doc.spans[SPAN_KEY]]
            cands = []
            for start, end, _fcl, feats in ruler.second_look_candidates(doc):
                span = char_span(doc, start, end)
                cands.append((span[0], span[1], feats, _overlaps(span, gold)))
            docs.append(Doc(path.stem, str(it["id"]), gold, found, cands))
        print(f"{path.stem}: {len(items)} documents, "
              f"{sum(len(d.cands) for d in docs if d.corpus == path.stem)} names looked at again, "
              f"{sum(c[3] for d in docs if d.corpus == path.stem for c in d.cands)} of them toponyms")
    return docs


def written_files() -> list[Path]:
    """The written articles whose names were decided (``tests/placeset``)."""
    here = ROOT / "tests" / "eventset"
    return [here / "written.jsonl", *sorted((here / "written_next").glob("*.jsonl"))]


# Each decided name carries its source as a feature: a written article's reconsidered name is
# far likelier a place (37% of them) than one of LGL (9%), and that feature, never present at
# run time, takes up most of the difference (it is penalised like every weight), so the
# shipped intercept stays close to the corpora's.
SOURCE = "source=decisions"


@dataclass
class Decisions:
    """The decided names of one file, by article: ``(start, end)`` -> place or not."""

    path: Path
    decided: dict[str, dict[tuple[int, int], bool]]
    texts: dict[str, str]


def read_decisions(path: Path, texts: Sequence[Path] | None = None) -> Decisions:
    """Read and check the decisions (cheap: no text is processed). One JSON line per name,
    ``{"article", "start", "end", "name", "label"}`` with label ``place``, ``not`` or
    ``unsure`` (left out), offsets into the article's text in ``texts`` (default
    :func:`written_files`). ValueError for a bad label, a name decided twice, a name not at its
    offsets, an article in no written file, or a file that decides no name."""
    decided: dict[str, dict[tuple[int, int], bool]] = {}
    names: dict[tuple[str, int, int], str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row["label"] not in ("place", "not", "unsure"):
            raise ValueError(f"line {n}: label must be place, not or unsure")
        key = (str(row["article"]), row["start"], row["end"])
        if key in names:
            raise ValueError(f"line {n}: {row['name']!r} at {key[1]}:{key[2]} of article "
                             f"{key[0]!r} is decided twice")
        names[key] = row["name"]
        if row["label"] != "unsure":
            decided.setdefault(key[0], {})[key[1], key[2]] = row["label"] == "place"
    if not decided:
        raise ValueError("the file decides no name (empty, or every name unsure)")
    by_id: dict[str, str] = {}
    for t in written_files() if texts is None else texts:
        for line in t.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                it = json.loads(line)
                by_id.setdefault(str(it["id"]), it["text"])
    for article, start, end in names:
        if article not in by_id:
            raise ValueError(f"article {article!r} is in no written file")
        if by_id[article][start:end] != names[article, start, end]:
            raise ValueError(f"{names[article, start, end]!r} is not at {start}:{end} of "
                             f"article {article!r}")
    # in the written files' order (the fit's folds follow it)
    return Decisions(path, decided, {a: text for a, text in by_id.items() if a in decided})


def decision_docs(decisions: Decisions,
                  model: tuple[Language, GazetteerRuler] | None = None) -> list[Doc]:
    """The decided names as fitting examples: the articles are processed again and each name
    the second look reconsiders takes its decision (with :data:`SOURCE` among its features).
    A decided name it no longer reconsiders (the pipeline changed since) is left out and
    counted; ValueError when none is left."""
    nlp, ruler = model or _nlp()
    ids = list(decisions.texts)
    docs = []
    for article, doc in zip(ids, nlp.pipe(decisions.texts[a] for a in ids), strict=True):
        spans = decisions.decided[article]
        cands = []
        for start, end, _fcl, feats in ruler.second_look_candidates(doc):
            span = char_span(doc, start, end)
            if span in spans:
                cands.append((span[0], span[1], [*feats, SOURCE], spans[span]))
        docs.append(Doc("decisions", article, [], [], cands))
    used = sum(len(d.cands) for d in docs)
    if not used:
        raise ValueError("no decided name is one the second look reconsiders now")
    left = sum(len(v) for v in decisions.decided.values()) - used
    print(f"{decisions.path.name}: {len(docs)} articles, {used} decided names looked at again, "
          f"{sum(c[3] for d in docs for c in d.cands)} of them places"
          + (f" ({left} decided names no longer reconsidered, left out)" if left else ""))
    return docs


def load_decisions(path: Path, texts: Sequence[Path] | None = None) -> list[Doc]:
    """:func:`read_decisions` then :func:`decision_docs`."""
    return decision_docs(read_decisions(path, texts))


def fit(docs: Sequence[Doc], *, l2: float, epochs: int = 400, lr: float = 0.5,
        threshold: float = 0.5) -> RecogniserModel:
    """L2-penalised logistic regression (the penalty on the summed log-likelihood)."""
    rows = [(c[2], c[3]) for d in docs for c in d.cands]
    seen: dict[str, int] = {}
    for feats, _ in rows:
        for f in feats:
            seen[f] = seen.get(f, 0) + 1
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in seen.items() if n >= MIN_COUNT))}
    r = np.array([i for i, (feats, _) in enumerate(rows) for f in feats if f in vocab], dtype=np.int64)
    c = np.array([vocab[f] for feats, _ in rows for f in feats if f in vocab], dtype=np.int64)
    y = np.array([1.0 if lab else 0.0 for _, lab in rows])
    w = np.zeros(len(vocab))
    n = max(1, len(rows))
    for _ in range(epochs):
        s = np.zeros(len(rows))
        np.add.at(s, r, w[c])
        p = 1.0 / (1.0 + np.exp(-np.clip(s, -50, 50)))
        g = np.zeros_like(w)
        np.add.at(g, c, p[r] - y[r])
        w -= lr * (g + l2 * w) / n
    inv = {i: f for f, i in vocab.items()}
    weights = {inv[i]: round(float(x), 4) for i, x in enumerate(w)
               if inv[i] != "bias" and abs(x) >= 5e-4}
    return RecogniserModel(dict(sorted(weights.items())), round(float(w[vocab["bias"]]), 4)
                           if "bias" in vocab else 0.0, threshold)


def score(docs: Sequence[Doc], model: RecogniserModel | None) -> tuple[float, float, float, int]:
    """Lenient recognition P, R, F1 and the number of names the second look added."""
    return _pooled([(list(docs), model)])


def _line(name: str, docs: Sequence[Doc], model: RecogniserModel | None) -> str:
    p, r, f1, added = score(docs, model)
    return f"{name}: P={p:.3f} R={r:.3f} F1={f1:.3f} (+{added})"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpora", nargs="+", type=Path)
    ap.add_argument("--decisions", type=Path, help="our annotated second-look decisions "
                    "(tests/placeset/decisions.jsonl): fitted on in every fold, never scored")
    ap.add_argument("--dry-run", action="store_true", help="print the scores, write nothing")
    ap.add_argument("--l2", type=float, nargs="*", default=list(L2_GRID))
    ap.add_argument("--threshold", type=float, nargs="*", default=list(THRESHOLDS))
    args = ap.parse_args(argv)
    for path in args.corpora:
        if not path.is_file():
            ap.error(f"{path}: no such corpus file")
    if args.decisions is not None and not args.decisions.is_file():
        ap.error(f"{args.decisions}: no such decisions file")
    if not args.l2 or any(not 0 < v < float("inf") for v in args.l2):
        ap.error("--l2 takes positive numbers")
    if not args.threshold or any(not 0 < v <= 1 for v in args.threshold):
        ap.error("--threshold takes numbers in (0, 1]")
    errors = (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError)
    try:  # checked first: cheap, and the corpora take minutes
        decisions = None if args.decisions is None else read_decisions(args.decisions)
    except errors as exc:
        ap.error(f"cannot read the decisions ({type(exc).__name__}: {exc})")
    nlp = _nlp()
    try:
        docs = load(args.corpora, nlp)
    except errors as exc:
        ap.error(f"cannot read the corpora as gold JSON Lines ({type(exc).__name__}: {exc})")
    try:
        extra = [] if decisions is None else decision_docs(decisions, nlp)
    except errors as exc:
        ap.error(f"cannot use the decisions ({type(exc).__name__}: {exc})")
    corpora = sorted({d.corpus for d in docs})
    print("without the second look:")
    for name in corpora:
        print("  " + _line(name, [d for d in docs if d.corpus == name], None))
    fold_of = _fold_of(len(docs))
    best, best_f1 = (args.l2[0], args.threshold[0]), -1.0
    print(f"{FOLDS}-fold cross-validation by document over {', '.join(corpora)}:")
    for l2 in args.l2:
        models = [fit([d for i, d in enumerate(docs) if fold_of[i] != k] + extra, l2=l2)
                  for k in range(FOLDS)]
        for th in args.threshold:
            f1s, parts = [], []
            for name in corpora:
                sub = [(i, d) for i, d in enumerate(docs) if d.corpus == name]
                per_fold: list[tuple[list[Doc], RecogniserModel | None]] = []
                for k in range(FOLDS):
                    m = models[k]
                    fold_docs = [d for i, d in sub if fold_of[i] == k]
                    per_fold.append((fold_docs, RecogniserModel(m.weights, m.bias, th)))
                p, r, f1, added = _pooled(per_fold)
                f1s.append(f1)
                parts.append(f"{name} P={p:.3f} R={r:.3f} F1={f1:.3f} (+{added})")
            mean = sum(f1s) / len(f1s)
            print(f"  l2={l2:g} threshold={th:.2f}  {'; '.join(parts)}; mean F1={mean:.4f}")
            if mean > best_f1:
                best, best_f1 = (l2, th), mean
    l2, th = best
    print(f"chosen: l2={l2:g} threshold={th:.2f}")
    if len(corpora) > 1:
        print("fitted on one corpus, scored on the other:")
        for name in corpora:
            train = [d for d in docs if d.corpus != name] + extra
            model = fit(train, l2=l2, threshold=th)
            print("  " + _line(f"{name} (unseen)", [d for d in docs if d.corpus == name], model))
    if extra:
        decisions_cv(docs, extra, l2=l2, threshold=th)
    shipped = fit(docs + extra, l2=l2, threshold=th)
    print("fitted on all (shipped):")
    for name in corpora:
        print("  " + _line(name, [d for d in docs if d.corpus == name], shipped))
    if not args.dry_run:
        out = ROOT / "geomap" / "data" / WEIGHTS_FILE
        weights = {k: v for k, v in shipped.weights.items() if k != SOURCE}
        write_text_atomic(out, json.dumps({
            "about": "The recogniser's second look, fitted by tests/fit_recogniser.py; "
                     "do not edit by hand.",
            "fitted_on": corpora + ([args.decisions.stem] if extra else []), "l2": l2,
            "threshold": th, "bias": shipped.bias, "weights": weights},
            indent=1, sort_keys=True) + "\n")
        print(f"wrote {out.relative_to(ROOT)} ({len(weights)} weights)")
    return 0


def decisions_cv(docs: Sequence[Doc], extra: Sequence[Doc], *, l2: float,
                 threshold: float) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """How the second look decides the written articles' names it was not fitted on: each fifth
    of the decided articles is scored with weights fitted on the corpora and the other four
    fifths, and with weights fitted on the corpora alone. Prints and returns the P, R, F1 of
    ``place`` of both."""
    print("the written articles' decided names, each scored by weights not fitted on it:")
    fold_of = _fold_of(len(extra))
    alone = fit(docs, l2=l2, threshold=threshold)
    pairs: dict[str, list[tuple[bool, bool]]] = {"alone": [], "with": []}
    for k in range(FOLDS):
        held = [d for i, d in enumerate(extra) if fold_of[i] == k]
        model = fit(list(docs) + [d for i, d in enumerate(extra) if fold_of[i] != k],
                    l2=l2, threshold=threshold)
        for d in held:
            for _, _, feats, label in d.cands:
                run = [f for f in feats if f != SOURCE]  # as at run time
                pairs["alone"].append((alone.probability(run) >= threshold, label))
                pairs["with"].append((model.probability(run) >= threshold, label))
    out = []
    for name, what in (("alone", f"fitted on the corpora alone (L2 {l2:g}, threshold "
                                 f"{threshold:.2f})"),
                       ("with", f"{FOLDS}-fold by article, the other folds' decisions fitted")):
        s = PRF.of(sum(p and g for p, g in pairs[name]), sum(p for p, _ in pairs[name]),
                   sum(g for _, g in pairs[name]))
        print(f"  decided names, {what}: P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f}")
        out.append((s.precision, s.recall, s.f1))
    return out[0], out[1]


def _fold_of(n: int) -> dict[int, int]:
    """Each of ``n`` documents' fold, at random (seed 7) and in turn."""
    rng = random.Random(7)
    order = list(range(n))
    rng.shuffle(order)
    return {i: k % FOLDS for k, i in enumerate(order)}


def _pooled(per_fold: Sequence[tuple[list[Doc], RecogniserModel | None]]
            ) -> tuple[float, float, float, int]:
    """:func:`score` over several (documents, model) pairs pooled: each fold's documents
    with the model fitted without them."""
    tp_pred = pred = found_gold = gold = added = 0
    for fold_docs, model in per_fold:
        for d in fold_docs:
            new = [] if model is None else [(s, e) for s, e, feats, _ in d.cands
                                             if model.probability(feats) >= model.threshold]
            spans = list(d.found) + new
            added += len(new)
            pred += len(spans)
            tp_pred += sum(_overlaps(s, d.gold) for s in spans)
            gold += len(d.gold)
            found_gold += sum(_overlaps(g, spans) for g in d.gold)
    p = tp_pred / pred if pred else 0.0
    r = found_gold / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), added


if __name__ == "__main__":
    raise SystemExit(main())
