"""Building spaCy docs with hand-made spans for the component and mention tests."""

from __future__ import annotations

from spacy.tokens import Doc, Span


def labelled_spans(doc: Doc, spans: list[tuple[str, str]]) -> list[Span]:
    """Spans of ``doc`` given as (surface, label), each found after the previous one."""
    out, pos = [], 0
    for surface, label in spans:
        start = doc.text.index(surface, pos)
        span = doc.char_span(start, start + len(surface), label=label)
        assert span is not None, surface
        out.append(span)
        pos = start + len(surface)
    return out
