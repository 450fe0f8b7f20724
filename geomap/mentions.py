"""Place mentions of a parsed document: the ruler's place spans (or GPE/LOC/FAC entities)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from spacy.tokens import Doc, Span

from geomap.components import DEMONYM_LABEL, PLACE_LABELS, SPAN_KEY, place_spans
from geomap.types import Mention, Sentence

_LEADING = frozenset({"the", "a", "an"})
_POSSESSIVE = ("'s", "’s", "'", "’")


def sentence_index_at(sentences: Sequence[Sentence], offset: int) -> int:
    """Index of the sentence that holds character ``offset`` (-1 if none)."""
    starts = [s.start for s in sentences]
    pos = bisect.bisect_right(starts, offset) - 1
    if pos >= 0 and offset < max(sentences[pos].end, sentences[pos].start + 1):
        return sentences[pos].index
    return -1


def _trim(span: Span, text: str) -> tuple[int, int] | None:
    """Character bounds of the name in ``span`` without articles, possessives and punctuation."""
    while len(span) > 1 and (span[0].lower_ in _LEADING or span[0].is_punct):
        span = span[1:]
    while len(span) > 1 and (span[-1].tag_ == "POS" or span[-1].is_punct and span[-1].text != "."):
        span = span[:-1]
    start, end = span.start_char, span.end_char
    name = text[start:end]
    for suffix in _POSSESSIVE:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            end -= len(suffix)
            break
    return (start, end) if end > start else None


def _split_commas(span: Span) -> list[Span]:
    """'Paris, Texas' tagged as one entity → 'Paris' and 'Texas' (each is a toponym)."""
    parts: list[Span] = []
    start = span.start
    for tok in span:
        if tok.text == "," and tok.i > start:
            parts.append(span.doc[start:tok.i])
            start = tok.i + 1
    if start < span.end:
        parts.append(span.doc[start:span.end])
    return [p for p in parts if len(p)] or [span]


def extract_mentions(doc: Doc, *, doc_id: str, sentences: Sequence[Sentence] = (),
                     labels: Sequence[str] = (*PLACE_LABELS, DEMONYM_LABEL),
                     spans_key: str = SPAN_KEY) -> list[Mention]:
    """Every place span of ``doc`` as a :class:`Mention`, in text order.

    Leading articles ("the Gulf" → "Gulf") and trailing possessives ("Syria's" → "Syria")
    are trimmed so that the surface is the name itself; "Paris, Texas" tagged as one
    entity becomes two mentions. Demonym mentions ("Syrian") carry the label ``NORP`` and the
    kind ``demonym``; facilities the kind ``facility``. ``spans_key`` is the ruler's span group.
    """
    mentions: list[Mention] = []
    text = doc.text  # built from the tokens on every access: read it once
    for span in place_spans(doc, labels, spans_key=spans_key):
        for part in _split_commas(span):
            bounds = _trim(part, text)
            if bounds is None:
                continue
            start, end = bounds
            mentions.append(Mention(doc_id=doc_id, start=start, end=end,
                                    surface=text[start:end], label=span.label_,
                                    sentence_index=sentence_index_at(sentences, start)))
    return mentions
