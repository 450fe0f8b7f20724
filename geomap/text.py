"""Sentences of a document, with verbatim and near-verbatim repeats marked as copies."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz

from geomap.types import Sentence

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
#: Two sentences whose normalised forms are at least this similar (0-100) report the same thing.
NEAR_DUPLICATE_RATIO = 92.0


def normalise_sentence(text: str) -> str:
    """A key under which copy-pasted variants of one sentence compare equal.

    >>> a, b = "Crowds  gathered in ‘Damascus’.", "crowds gathered in 'Damascus'"
    >>> normalise_sentence(a) == normalise_sentence(b)
    True
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", folded).strip()


def mark_copies(spans: Iterable[tuple[int, int]], text: str, *, doc_id: str) -> list[Sentence]:
    """Build :class:`Sentence` values from character spans, marking repeats of earlier sentences.

    A sentence is a copy when its normalised text equals, or is nearly equal to, the normalised
    text of an earlier sentence of the same document. ``copy_of`` is the index of that first
    occurrence.
    """
    sentences: list[Sentence] = []
    first_by_key: dict[str, int] = {}
    keys: list[str] = []
    for index, (start, end) in enumerate(spans):
        sent_text = text[start:end]
        key = normalise_sentence(sent_text)
        copy_of = first_by_key.get(key)
        if copy_of is None and len(key) >= 40:
            # Near-verbatim copies: same length class and almost the same characters.
            for earlier, earlier_key in enumerate(keys):
                if (abs(len(earlier_key) - len(key)) <= 0.1 * len(key)
                        and fuzz.ratio(key, earlier_key) >= NEAR_DUPLICATE_RATIO):
                    first = sentences[earlier].copy_of
                    copy_of = earlier if first is None else first
                    break
        if copy_of is None and key:
            first_by_key[key] = index
        keys.append(key)
        sentences.append(Sentence(doc_id=doc_id, index=index, start=start, end=end,
                                  text=sent_text, copy_of=copy_of))
    return sentences


def sentences_of(doc: object, *, doc_id: str) -> list[Sentence]:
    """Sentences of a parsed spaCy ``Doc`` (trailing whitespace trimmed), copies marked."""
    spans = []
    for sent in doc.sents:  # type: ignore[attr-defined]
        start, end = sent.start_char, sent.end_char
        chunk = sent.text
        stripped = chunk.rstrip()
        end = start + len(stripped)
        lead = len(stripped) - len(stripped.lstrip())
        start += lead
        if end > start:
            spans.append((start, end))
    return mark_copies(spans, doc.text, doc_id=doc_id)  # type: ignore[attr-defined]
