"""Scoring a geoparser against a gold corpus: recognition P/R/F1 and resolution error.

The metrics are those of the shared evaluation scorer (``score.py`` beside the LGL and
TR-News corpora), re-implemented here so that ``geomap eval`` needs nothing outside the
package:

* recognition, exact: one-to-one matches on identical ``(start, end)``;
* recognition, lenient: one-to-one, greedy — exact pairs first, then the largest overlap;
* resolution over lenient pairs: Acc@161 km, mean and median error, and the AUC of the
  sorted ``ln(1 + error_km)`` curve (Gritta et al. 2018; 0 is perfect, 1 worst);
* end-to-end Acc@161: correct pairs over all gold toponyms.

A predicted toponym without coordinates is a recognised span with the maximum error.

Examples
--------
>>> gold = {"a": [Toponym(0, 6, 51.5, -0.12)]}
>>> s = score_corpus(gold, {"a": [Toponym(0, 6, 51.6, -0.1)]})
>>> s.lenient.f1, s.acc161
(1.0, 1.0)
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gazetteer.geometry import haversine_km
from geomap.errors import InputError

if TYPE_CHECKING:
    from geomap.pipeline import AnalyzedDocument, Pipeline
    from geomap.types import Document

MAX_ERROR_KM = 20039.0
ACC_KM = 161.0


@dataclass(frozen=True, slots=True)
class Toponym:
    """A gold or predicted toponym: a character span and, if resolved, a point."""

    start: int
    end: int
    lat: float | None = None
    lon: float | None = None
    name: str = ""
    kind: str = "place"

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Toponym:
        lat, lon = record.get("lat"), record.get("lon")
        return cls(int(record["start"]), int(record["end"]),
                   float(lat) if lat is not None else None,
                   float(lon) if lon is not None else None, str(record.get("name") or ""))


@dataclass(frozen=True, slots=True)
class PRF:
    """Matched count, precision, recall and F1 of one matching mode."""

    tp: int
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, tp: int, n_pred: int, n_gold: int) -> PRF:
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        return cls(tp, p, r, 2 * p * r / (p + r) if p + r else 0.0)


@dataclass(frozen=True, slots=True)
class Scores:
    """Every number of one evaluation run (the shared scorer's, same names)."""

    gold_docs: int
    pred_docs_matched: int
    pred_docs_not_in_gold: int
    gold_toponyms: int
    pred_toponyms: int
    exact: PRF
    lenient: PRF
    n_resolved: int
    acc161: float | None
    mean_km: float | None
    median_km: float | None
    auc: float | None
    e2e_acc161: float | None

    def to_dict(self) -> dict[str, Any]:
        """The same JSON layout as the shared scorer's output."""
        return {
            "gold_docs": self.gold_docs, "pred_docs_matched": self.pred_docs_matched,
            "pred_docs_not_in_gold": self.pred_docs_not_in_gold,
            "gold_toponyms": self.gold_toponyms, "pred_toponyms": self.pred_toponyms,
            "exact": asdict(self.exact), "lenient": asdict(self.lenient),
            "resolution": {"n": self.n_resolved, "acc161": self.acc161, "mean_km": self.mean_km,
                           "median_km": self.median_km, "auc": self.auc},
            "e2e_acc161": self.e2e_acc161,
        }


def error_km(gold: Toponym, pred: Toponym) -> float:
    """Distance between gold and predicted points, capped; the cap if either has no point."""
    if (gold.lat is None or gold.lon is None or pred.lat is None or pred.lon is None
            or math.isnan(pred.lat) or math.isnan(pred.lon)):
        return MAX_ERROR_KM
    return min(MAX_ERROR_KM, haversine_km(gold.lat, gold.lon, pred.lat, pred.lon))


def auc_log_error(errors: Sequence[float]) -> float | None:
    """Area under the sorted ln(1 + error) curve, normalised to [0, 1] (trapezoidal rule)."""
    if not errors:
        return None
    ys = sorted(math.log1p(e) for e in errors)
    if len(ys) == 1:
        return ys[0] / math.log(MAX_ERROR_KM)
    area = sum((ys[i] + ys[i + 1]) / 2.0 for i in range(len(ys) - 1))
    return area / (math.log(MAX_ERROR_KM) * (len(ys) - 1))


def _median(xs: Sequence[float]) -> float | None:
    if not xs:
        return None
    s, n = sorted(xs), len(xs)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2.0


def match_exact(gold: Sequence[Toponym], pred: Sequence[Toponym]) -> list[tuple[int, int]]:
    """One-to-one pairs ``(gold index, pred index)`` with identical spans."""
    by_span: dict[tuple[int, int], list[int]] = {}
    for gi, g in enumerate(gold):
        by_span.setdefault((g.start, g.end), []).append(gi)
    pairs = []
    for pi, p in enumerate(pred):
        waiting = by_span.get((p.start, p.end))
        if waiting:
            pairs.append((waiting.pop(0), pi))
    return pairs


def match_lenient(gold: Sequence[Toponym], pred: Sequence[Toponym]) -> list[tuple[int, int]]:
    """One-to-one pairs of overlapping spans: exact pairs first, then by largest overlap."""
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            overlap = min(g.end, p.end) - max(g.start, p.start)
            if overlap > 0:
                exact = (g.start, g.end) == (p.start, p.end)
                cands.append((0 if exact else 1, -overlap, g.start, p.start, gi, pi))
    cands.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for *_, gi, pi in cands:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gi, pi))
    return pairs


def score_corpus(gold_docs: Mapping[str, Sequence[Toponym]],
                 pred_docs: Mapping[str, Sequence[Toponym]]) -> Scores:
    """Score predictions against gold, both keyed by document id (micro-averaged)."""
    n_gold = n_pred = tp_exact = tp_lenient = 0
    errors: list[float] = []
    for doc_id, gold in gold_docs.items():
        pred = pred_docs.get(doc_id, ())
        n_gold += len(gold)
        n_pred += len(pred)
        tp_exact += len(match_exact(gold, pred))
        pairs = match_lenient(gold, pred)
        tp_lenient += len(pairs)
        errors.extend(error_km(gold[gi], pred[pi]) for gi, pi in pairs)
    correct = sum(1 for e in errors if e <= ACC_KM)
    return Scores(
        gold_docs=len(gold_docs),
        pred_docs_matched=sum(1 for d in gold_docs if d in pred_docs),
        pred_docs_not_in_gold=sum(1 for d in pred_docs if d not in gold_docs),
        gold_toponyms=n_gold, pred_toponyms=n_pred,
        exact=PRF.of(tp_exact, n_pred, n_gold), lenient=PRF.of(tp_lenient, n_pred, n_gold),
        n_resolved=len(errors),
        acc161=correct / len(errors) if errors else None,
        mean_km=sum(errors) / len(errors) if errors else None,
        median_km=_median(errors), auc=auc_log_error(errors),
        e2e_acc161=correct / n_gold if n_gold else None,
    )


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """A document of an evaluation corpus with its gold toponyms."""

    id: str
    text: str
    toponyms: tuple[Toponym, ...]


def iter_gold(path: str | os.PathLike[str]) -> Iterator[GoldDocument]:
    """Read a gold corpus: JSON Lines of ``{id, text, toponyms: [{start, end, lat, lon}]}``."""
    p = Path(path)
    try:
        fh = p.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    with fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                toponyms = tuple(Toponym.from_record(t) for t in record.get("toponyms") or ())
                yield GoldDocument(str(record["id"]), str(record.get("text") or ""), toponyms)
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise InputError(f"{p}:{lineno}: not a gold record with id, text and toponyms "
                                 f"({type(exc).__name__}: {exc})") from None


def predicted_toponyms(analyzed: AnalyzedDocument, *, demonyms: bool = True) -> list[Toponym]:
    """The toponyms a pipeline found in one document (unresolved ones have no point).

    ``demonyms=False`` leaves out mentions of kind ``demonym`` ("Syrian", "Americans").
    """
    return [Toponym(rp.mention.start, rp.mention.end,
                    rp.place.lat if rp.place else None, rp.place.lon if rp.place else None,
                    rp.mention.surface, rp.kind) for rp in analyzed.places
            if demonyms or rp.kind != "demonym"]


@dataclass(frozen=True, slots=True)
class EvalRun:
    """Scores of one run plus what is needed to inspect its errors."""

    scores: Scores
    gold: dict[str, tuple[Toponym, ...]]
    predictions: dict[str, list[Toponym]]
    seconds: float
    characters: int


def evaluate(pipeline: Pipeline, corpus: str | os.PathLike[str], *, limit: int | None = None,
             n_process: int = 1, batch_size: int = 32,
             progress: Callable[[Iterator[Document]], Iterable[Document]] | None = None,
             demonyms: bool = True) -> EvalRun:
    """Run ``pipeline`` over the texts of a gold corpus and score its toponyms.

    Parameters
    ----------
    pipeline
        A :class:`geomap.pipeline.Pipeline` (``detect=False`` is enough and faster).
    corpus
        Gold JSON Lines (the format of the LGL/TR-News files).
    limit
        Score only the first ``limit`` documents.
    demonyms
        Whether demonym mentions ("Syrian") count as predicted toponyms.
    """
    import itertools
    import time

    from geomap.types import Document  # noqa: F811  (runtime import of the typing-only name)

    gold_docs = iter_gold(corpus)
    if limit is not None:
        gold_docs = itertools.islice(gold_docs, limit)
    gold: dict[str, tuple[Toponym, ...]] = {}
    chars = 0

    def documents() -> Iterator[Document]:
        nonlocal chars
        for g in gold_docs:
            if g.id in gold:
                raise InputError(f"{corpus}: duplicate document id {g.id!r}")
            gold[g.id] = g.toponyms
            chars += len(g.text)
            yield Document(g.id, g.text)

    docs: Iterable[Document] = documents()
    if progress is not None:
        docs = progress(docs)  # type: ignore[arg-type]
    predictions: dict[str, list[Toponym]] = {}
    t0 = time.perf_counter()
    for analyzed in pipeline.analyze(docs, batch_size=batch_size, n_process=n_process):
        predictions[analyzed.document.id] = predicted_toponyms(analyzed, demonyms=demonyms)
    seconds = time.perf_counter() - t0
    return EvalRun(score_corpus(gold, predictions), gold, predictions, seconds, chars)


def _fmt(x: float | None, nd: int = 4) -> str:
    return "n/a" if x is None else f"{x:.{nd}f}"


def format_scores(s: Scores, *, title: str = "") -> str:
    """A readable table of the scores (the layout of the shared scorer)."""
    lines = [title] if title else []
    lines.append(f"docs: gold {s.gold_docs}, with predictions {s.pred_docs_matched} | "
                 f"toponyms: gold {s.gold_toponyms}, pred {s.pred_toponyms}")
    lines.append(f"{'recognition':<22} {'tp':>8} {'precision':>10} {'recall':>8} {'f1':>8}")
    for name, m in (("exact", s.exact), ("lenient", s.lenient)):
        lines.append(f"{name:<22} {m.tp:>8d} {_fmt(m.precision):>10} {_fmt(m.recall):>8} "
                     f"{_fmt(m.f1):>8}")
    lines.append(f"{'resolution (lenient)':<22} {'n':>8} {'acc@161':>10} {'mean_km':>8} "
                 f"{'median':>8} {'auc':>8}")
    lines.append(f"{'':<22} {s.n_resolved:>8d} {_fmt(s.acc161):>10} {_fmt(s.mean_km, 1):>8} "
                 f"{_fmt(s.median_km, 1):>8} {_fmt(s.auc):>8}")
    lines.append(f"{'end-to-end acc@161':<22} {_fmt(s.e2e_acc161)}")
    return "\n".join(lines)
