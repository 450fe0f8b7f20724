"""Sentences and the marking of repeated sentences."""

from __future__ import annotations

import spacy

from geomap.text import mark_copies, normalise_sentence, sentences_of


def _spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for part in text.split("\n"):
        spans.append((start, start + len(part)))
        start += len(part) + 1
    return spans


def test_verbatim_and_near_verbatim_repeats_are_copies() -> None:
    lines = [
        "Crowds gathered in the main square of Nairobi to celebrate the result on Friday.",
        "Police said the crowd was peaceful.",
        "Crowds gathered in the main square of Nairobi to celebrate the result on Friday.",
        "Crowds gathered in the main square of Nairobi, to celebrate the result on Friday!",
        "Crowds gathered in the main square of Mombasa to protest against the result on Friday.",
    ]
    text = "\n".join(lines)
    sentences = mark_copies(_spans(text), text, doc_id="d")
    assert [s.copy_of for s in sentences] == [None, None, 0, 0, None]
    assert all(text[s.start:s.end] == s.text for s in sentences)


def test_short_sentences_need_exact_repeat() -> None:
    text = "He left.\nShe left."
    assert [s.copy_of for s in mark_copies(_spans(text), text, doc_id="d")] == [None, None]


def test_normalise_ignores_case_quotes_and_spacing() -> None:
    assert normalise_sentence("Assad’s  FALL.") == normalise_sentence("assad's fall")
    assert normalise_sentence("A fell.") != normalise_sentence("B fell.")


def test_sentences_of_trims_whitespace_and_keeps_offsets() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    text = "Rain hit Lima.  Rain hit Lima.\nSun in Quito. "
    sentences = sentences_of(nlp(text), doc_id="x")
    assert [s.text for s in sentences] == ["Rain hit Lima.", "Rain hit Lima.", "Sun in Quito."]
    assert [s.copy_of for s in sentences] == [None, 0, None]
    assert all(text[s.start:s.end] == s.text for s in sentences)
