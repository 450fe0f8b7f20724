"""Place mentions of a parsed document: spaCy entities labelled GPE, LOC or FAC."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from spacy.tokens import Doc

from geomap.components import PLACE_LABELS
from geomap.types import Mention, Sentence


def sentence_index_at(sentences: Sequence[Sentence], offset: int) -> int:
    """Index of the sentence that holds character ``offset`` (-1 if none)."""
    starts = [s.start for s in sentences]
    pos = bisect.bisect_right(starts, offset) - 1
    if pos >= 0 and offset < max(sentences[pos].end, sentences[pos].start + 1):
        return sentences[pos].index
    return -1


def extract_mentions(doc: Doc, *, doc_id: str, sentences: Sequence[Sentence] = (),
                     labels: Sequence[str] = PLACE_LABELS) -> list[Mention]:
    """Every place-labelled entity of ``doc`` as a :class:`Mention`, in text order.

    Leading articles ("the Gulf" → "Gulf") and trailing possessives ("Syria's" → "Syria")
    are trimmed so that the surface is the name itself.
    """
    mentions: list[Mention] = []
    for ent in doc.ents:
        if ent.label_ not in labels:
            continue
        span = ent
        if span[0].lower_ == "the" and len(span) > 1:
            span = span[1:]
        if span[-1].tag_ == "POS" and len(span) > 1:
            span = span[:-1]
        start, end = span.start_char, span.end_char
        text = doc.text[start:end]
        for suffix in ("'s", "’s"):
            if text.endswith(suffix) and len(text) > len(suffix):
                end -= len(suffix)
                text = text[: -len(suffix)]
        mentions.append(Mention(doc_id=doc_id, start=start, end=end, surface=text,
                                label=ent.label_,
                                sentence_index=sentence_index_at(sentences, start)))
    return mentions
