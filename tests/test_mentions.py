"""Mentions from place spans: trimming, 'X, Y' splitting, sentence index (spacy.blank, no model)."""

from __future__ import annotations

import pytest
import spacy
from doc_support import labelled_spans
from spacy.tokens import Doc

from geomap.components import SPAN_KEY
from geomap.mentions import extract_mentions, sentence_index_at
from geomap.types import Sentence


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


def _with_spans(nlp, text: str, spans: list[tuple[str, str]]) -> Doc:
    doc = nlp(text)
    doc.spans[SPAN_KEY] = labelled_spans(doc, spans)
    return doc


def test_articles_and_possessives_are_trimmed(nlp) -> None:
    text = "Ships sailed into the Gulf while Syria's army waited."
    doc = _with_spans(nlp, text, [("the Gulf", "LOC"), ("Syria's", "GPE")])
    ms = extract_mentions(doc, doc_id="d")
    assert [m.surface for m in ms] == ["Gulf", "Syria"]
    assert all(text[m.start:m.end] == m.surface for m in ms)


def test_comma_pair_becomes_two_mentions(nlp) -> None:
    text = "A storm hit Paris, Texas on Monday."
    doc = _with_spans(nlp, text, [("Paris, Texas", "GPE")])
    assert [(m.surface, m.start) for m in extract_mentions(doc, doc_id="d")] == [
        ("Paris", 12), ("Texas", 19)]


def test_demonym_label_is_kept_and_sentence_index_set(nlp) -> None:
    text = "Rain fell. Syrian farmers cheered."
    doc = _with_spans(nlp, text, [("Syrian", "NORP")])
    sentences = [Sentence("d", 0, 0, 10, "Rain fell."), Sentence("d", 1, 11, len(text), text[11:])]
    [m] = extract_mentions(doc, doc_id="d", sentences=sentences)
    assert (m.surface, m.label, m.sentence_index) == ("Syrian", "NORP", 1)
    assert extract_mentions(doc, doc_id="d", labels=("GPE",)) == []


def test_sentence_index_outside_any_sentence() -> None:
    assert sentence_index_at([Sentence("d", 0, 5, 9, "abcd")], 2) == -1
