"""Fit the resolver's ranking weights on gold corpora and write ``geomap/data/resolver_weights.json``.

The resolver (:class:`geomap.resolve.ContextResolver`) scores each candidate place of a mention
with two linear models over :data:`geomap.resolve.FEATURES`: a *prior* model on the name and
the kind of place alone, whose readings give the document's country/state context, and a *full*
model on every feature. Both are conditional logit (softmax-over-candidates) models: for each
mention that the recogniser found and that overlaps a gold toponym, the candidates within
161 km of the gold point are the right answers, and the fit maximises their summed log
probability minus an L2 penalty ``l2 * |w|^2`` (numpy, full-batch Adam). The penalty is a
fixed Gaussian prior on the weights, not scaled by the number of training decisions, so weights
fitted on a small corpus are shrunk more than weights fitted on a large one. The full model's
proximity feature depends on its own first-pass choices, so it is refitted once after
recomputing the features with the first fit.

Usage (from the repository root)::

    python tests/fit_resolver.py ../shared/eval/lgl.jsonl ../shared/eval/trnews.jsonl
    python tests/fit_resolver.py LGL TRNEWS --l2 0.4              # no cross-validation
    python tests/fit_resolver.py LGL TRNEWS --l2 0.4 --cross-only # only the cross-corpus table
    python tests/fit_resolver.py LGL TRNEWS --l2 0.4 --dry-run --drop near   # an ablation

It prints, for each L2 strength, resolution scores of 5-fold cross-validation by document over
all corpora together; then the cross-corpus numbers (fitted on one corpus, scored on the
other) and the scores of the weights fitted on all corpora, and writes those weights (unless
``--dry-run``). Recognised mentions are cached (``--cache``, keyed by the corpus and the
recogniser's source) because parsing is the slow part.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gazetteer.geometry import distance_km  # noqa: E402
from geomap.evaluate import Toponym, iter_gold, match_lenient, score_corpus  # noqa: E402
from geomap.resolve import (  # noqa: E402
    _N_PRIOR,
    FEATURES,
    PRIOR_FEATURES,
    WEIGHTS_FILE,
    ContextResolver,
    RankingWeights,
)
from geomap.types import Mention  # noqa: E402

ACC_KM = 161.0
CLOSE_KM = 25.0
L2_GRID = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)
#: Cross-validated Acc@161 differences smaller than this are read as ties.
TIE = 0.002
#: Sources whose change alters the recognised mentions (and so invalidates the cache).
RECOGNISER_SOURCES = ("components.py", "mentions.py", "nlp.py", "text.py", "lexicon.py", "types.py",
                      "ruler.py", "workers.py", "recognition.py", "data/recogniser_weights.json")


@dataclass
class Doc:
    corpus: str
    id: str
    text: str
    mentions: list[Mention]
    gold: tuple[Toponym, ...]


def load_corpus(path: Path, cache_dir: Path) -> list[Doc]:
    """Gold documents with the mentions the pipeline recognises in them (cached)."""
    h = hashlib.sha256(path.read_bytes())
    for name in RECOGNISER_SOURCES:
        src = ROOT / "geomap" / name
        if src.exists():
            h.update(src.read_bytes())
    cache = cache_dir / f"{path.stem}-{h.hexdigest()[:16]}.pkl"
    if cache.exists():
        # Plain tuples: a pickled class would be bound to the module that wrote it.
        return [Doc(*t) for t in pickle.loads(cache.read_bytes())]  # noqa: S301 (our own cache)
    from geomap.mentions import extract_mentions
    from geomap.pipeline import Pipeline
    from geomap.text import sentences_of

    golds = list(iter_gold(path))
    nlp = Pipeline(detect=False).load().nlp
    docs = []
    for parsed, g in zip(nlp.pipe((g.text for g in golds), batch_size=32), golds, strict=True):
        sentences = sentences_of(parsed, doc_id=g.id)
        docs.append(Doc(path.stem, g.id, g.text,
                        extract_mentions(parsed, doc_id=g.id, sentences=sentences), g.toponyms))
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps([(d.corpus, d.id, d.text, d.mentions, d.gold) for d in docs]))
    return docs


@dataclass
class Table:
    """Padded candidate rows of every trainable mention: X[m, c, f], valid and right masks."""

    x: np.ndarray
    valid: np.ndarray
    right: np.ndarray


def rows_of(resolver: ContextResolver, docs: Sequence[Doc]) -> Table:
    xs: list[np.ndarray] = []
    rights: list[np.ndarray] = []
    for d in docs:
        pred = [Toponym(m.start, m.end) for m in d.mentions]
        gold_of = {pi: d.gold[gi] for gi, pi in match_lenient(d.gold, pred)}
        seen: set[tuple[object, ...]] = set()
        for cr in resolver.candidate_rows(d.mentions, text=d.text):
            g = gold_of.get(cr.index)
            if g is None or g.lat is None or g.lon is None or len(cr.matches) < 2:
                continue
            # The resolver reads a name once per document (unless a containment cue differs):
            # a name repeated ten times is one decision, not ten examples.
            mention = d.mentions[cr.index]
            decision = (mention.surface, mention.label, cr.rows)
            if decision in seen:
                continue
            seen.add(decision)
            km = np.array([distance_km(g.lat, g.lon, m.place.lat, m.place.lon)
                           for m in cr.matches])
            # Right: within 161 km and about as close as the closest candidate, so that a
            # province does not pass for its capital just because both are within 161 km.
            right = (km <= ACC_KM) & (km <= km.min() + CLOSE_KM)
            if right.any() and not right.all():
                xs.append(np.array(cr.rows, dtype=float))
                rights.append(right)
    width = max(len(r) for r in rights)
    x = np.zeros((len(xs), width, len(FEATURES)))
    valid = np.zeros((len(xs), width), dtype=bool)
    right = np.zeros((len(xs), width), dtype=bool)
    for i, (xi, ri) in enumerate(zip(xs, rights, strict=True)):
        x[i, :len(ri)] = xi
        valid[i, :len(ri)] = True
        right[i, :len(ri)] = ri
    return Table(x, valid, right)


def _logsumexp(s: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = np.where(mask, s, -np.inf)
    top = s.max(axis=1, keepdims=True)
    e = np.exp(s - top)
    total = e.sum(axis=1, keepdims=True)
    return (np.log(total) + top)[:, 0], e / total


#: Features held at weight 0 (``--drop``: ablation, to see what a feature is worth).
DROPPED: set[str] = set()


def fit(table: Table, n_features: int, *, l2: float, steps: int = 2000, lr: float = 0.05) -> np.ndarray:
    """Conditional logit weights over the first ``n_features`` columns (Adam, full batch)."""
    x = table.x[:, :, :n_features].copy()
    for f in DROPPED:
        if FEATURES.index(f) < n_features:
            x[:, :, FEATURES.index(f)] = 0.0
    w = np.zeros(n_features)
    m1 = np.zeros(n_features)
    m2 = np.zeros(n_features)
    n = len(x)
    for t in range(1, steps + 1):
        s = x @ w
        _, p_all = _logsumexp(s, table.valid)
        _, p_right = _logsumexp(s, table.right)
        # d/dw [logsumexp(all) - logsumexp(right)] = E_all[x] - E_right[x]
        grad = (np.einsum("mc,mcf->f", p_all, x) - np.einsum("mc,mcf->f", p_right, x)) / n
        # The penalty is a fixed Gaussian prior on the weights, added to the summed (not the
        # mean) log-likelihood: a smaller corpus is shrunk more towards 0.
        grad += 2 * (l2 / n) * w
        m1 = 0.9 * m1 + 0.1 * grad
        m2 = 0.999 * m2 + 0.001 * grad ** 2
        w -= lr * (m1 / (1 - 0.9 ** t)) / (np.sqrt(m2 / (1 - 0.999 ** t)) + 1e-8)
    return w


def fit_weights(gazetteer: object, docs: Sequence[Doc], *, l2: float) -> RankingWeights:
    """Prior model first (its readings are the context), then the full model twice."""
    start = RankingWeights(tuple([0.0] * _N_PRIOR), tuple([0.0] * len(FEATURES)))
    table = rows_of(ContextResolver(gazetteer, weights=start), docs)  # type: ignore[arg-type]
    prior = fit(table, _N_PRIOR, l2=l2)
    weights = RankingWeights(tuple(prior), tuple(prior) + (0.0,) * (len(FEATURES) - _N_PRIOR))
    for _ in range(2):
        table = rows_of(ContextResolver(gazetteer, weights=weights), docs)  # type: ignore[arg-type]
        full = fit(table, len(FEATURES), l2=l2)
        weights = RankingWeights(tuple(prior), tuple(full))
    return weights


def score(gazetteer: object, docs: Sequence[Doc], weights: RankingWeights) -> dict[str, float]:
    """End-to-end scores of the resolver with ``weights`` on the recognised mentions."""
    resolver = ContextResolver(gazetteer, weights=weights)  # type: ignore[arg-type]
    gold, pred = {}, {}
    for d in docs:
        gold[d.id] = d.gold
        pred[d.id] = [Toponym(rp.mention.start, rp.mention.end,
                              rp.place.lat if rp.place else None,
                              rp.place.lon if rp.place else None)
                      for rp in resolver.resolve(d.mentions, text=d.text)]
    s = score_corpus(gold, pred)
    return {"f1": round(s.lenient.f1, 4), "acc161": round(s.acc161 or 0.0, 4),
            "auc": round(s.auc or 0.0, 4), "e2e_acc161": round(s.e2e_acc161 or 0.0, 4)}


def _rounded(weights: RankingWeights) -> dict[str, dict[str, float]]:
    return {part: {k: round(v, 4) for k, v in ws.items()}
            for part, ws in weights.to_mapping().items()}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpora", nargs="+", type=Path, help="gold JSON Lines (LGL, TR-News, ...)")
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "geomap" / "fit",
                    help="where recognised mentions are cached")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--l2", type=float, help="skip cross-validation and use this L2 strength")
    ap.add_argument("--dry-run", action="store_true", help="do not write the weights file")
    ap.add_argument("--cross-only", action="store_true",
                    help="only print the cross-corpus table (implies --dry-run)")
    ap.add_argument("--drop", action="append", default=[], choices=FEATURES, metavar="FEATURE",
                    help="hold this feature's weight at 0 (repeatable; an ablation)")
    args = ap.parse_args(argv)
    DROPPED.update(args.drop)

    from gazetteer import open_gazetteer

    gazetteer = open_gazetteer()
    corpora = {p.stem: load_corpus(p, args.cache) for p in args.corpora}
    everything = [d for docs in corpora.values() for d in docs]

    l2 = args.l2
    if l2 is None and not args.cross_only:
        rng = np.random.default_rng(16)
        fold_of = {(d.corpus, d.id): int(f) for d, f in
                   zip(everything, rng.integers(0, args.folds, len(everything)), strict=True)}
        results: list[tuple[float, float]] = []
        for cand in L2_GRID:
            held: dict[str, list[Doc]] = {name: [] for name in corpora}
            per_corpus: dict[str, list[dict[str, float]]] = {name: [] for name in corpora}
            for f in range(args.folds):
                train = [d for d in everything if fold_of[(d.corpus, d.id)] != f]
                w = fit_weights(gazetteer, train, l2=cand)
                for name, docs in corpora.items():
                    test = [d for d in docs if fold_of[(d.corpus, d.id)] == f]
                    held[name].extend(test)
                    per_corpus[name].append({"n": len(test), **score(gazetteer, test, w)})
            summary = {name: round(sum(r["acc161"] * r["n"] for r in rows)
                                   / sum(r["n"] for r in rows), 4)
                       for name, rows in per_corpus.items()}
            mean = sum(summary.values()) / len(summary)
            print(f"cv l2={cand}: acc161 by corpus {summary} (mean {mean:.4f})", flush=True)
            results.append((mean, cand))
        # The strongest penalty whose score is within TIE of the best: the simpler model when
        # the data cannot tell them apart.
        top = max(m for m, _ in results)
        l2 = max(c for m, c in results if m >= top - TIE)
        print(f"chosen l2={l2}", flush=True)
    l2 = l2 if l2 is not None else L2_GRID[1]

    cross: dict[str, dict[str, dict[str, float]]] = {}
    if len(corpora) > 1:
        for train_name, train_docs in corpora.items():
            w = fit_weights(gazetteer, train_docs, l2=l2)
            cross[train_name] = {name: score(gazetteer, docs, w) for name, docs in corpora.items()}
            for name, s in cross[train_name].items():
                print(f"fit {train_name:>8} -> {name:<8} {s}", flush=True)
    if args.cross_only:
        return 0
    weights = fit_weights(gazetteer, everything, l2=l2)
    shipped = {name: score(gazetteer, docs, weights) for name, docs in corpora.items()}
    for name, s in shipped.items():
        print(f"fit {'all':>8} -> {name:<8} {s}", flush=True)
    if not args.dry_run:
        out = ROOT / "geomap" / "data" / WEIGHTS_FILE
        out.write_text(json.dumps({
            "about": "Resolver ranking weights fitted by tests/fit_resolver.py; resolution "
                     "scores are on the mentions the recogniser finds.",
            "fitted_on": sorted(corpora), "l2": l2, "features": list(FEATURES),
            "prior_features": list(PRIOR_FEATURES),
            "scores": shipped, "cross_corpus": cross, **_rounded(weights)},
            indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
