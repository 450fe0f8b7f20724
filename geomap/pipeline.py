"""The per-document pipeline: parse, split sentences, find and resolve places, detect events."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from geomap.mentions import extract_mentions
from geomap.resolve import ContextResolver, Resolver
from geomap.text import sentences_of
from geomap.types import Document, Event, ResolvedPlace, Sentence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from gazetteer import Gazetteer
    from geomap.taxonomy import Taxonomy

DEFAULT_BATCH_SIZE = 32


@dataclass(frozen=True, slots=True)
class AnalyzedDocument:
    """Everything geomap found in one document."""

    document: Document
    sentences: tuple[Sentence, ...]
    places: tuple[ResolvedPlace, ...]
    events: tuple[Event, ...] = ()


@dataclass
class Pipeline:
    """A loaded model, gazetteer and taxonomy; call :meth:`analyze` on documents.

    Loading is lazy: nothing is read until the first document arrives.
    """

    model: str | None = None
    gazetteer_path: str | None = None
    taxonomy_path: str | None = None
    detect: bool = True
    _nlp: Language | None = field(default=None, init=False, repr=False)
    _gazetteer: Gazetteer | None = field(default=None, init=False, repr=False)
    _taxonomy: Taxonomy | None = field(default=None, init=False, repr=False)
    _resolver: Resolver | None = field(default=None, init=False, repr=False)

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            from geomap.nlp import build_pipeline

            self._nlp = build_pipeline(self.model, self.gazetteer_path)
        return self._nlp

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            from gazetteer import Gazetteer, open_gazetteer

            self._gazetteer = Gazetteer(self.gazetteer_path) if self.gazetteer_path else open_gazetteer()
        return self._gazetteer

    @property
    def taxonomy(self) -> Taxonomy:
        if self._taxonomy is None:
            from geomap.taxonomy import load_taxonomy

            self._taxonomy = load_taxonomy(self.taxonomy_path)
        return self._taxonomy

    @property
    def resolver(self) -> Resolver:
        if self._resolver is None:
            self._resolver = ContextResolver(self.gazetteer)
        return self._resolver

    def load(self) -> Pipeline:
        """Load model, gazetteer (building it if needed) and taxonomy now, so errors surface early."""
        _ = self.gazetteer, self.nlp
        if self.detect:
            _ = self.taxonomy
        return self

    def analyze_doc(self, doc: Doc, document: Document) -> AnalyzedDocument:
        """Run every stage after spaCy on one parsed document."""
        sentences = sentences_of(doc, doc_id=document.id)
        mentions = extract_mentions(doc, doc_id=document.id, sentences=sentences)
        places = self.resolver.resolve(mentions, text=document.text)
        events: list[Event] = []
        if self.detect:
            from geomap.events import detect_events

            events = detect_events(doc, document, sentences, places, taxonomy=self.taxonomy,
                                   gazetteer=self.gazetteer)
        return AnalyzedDocument(document, tuple(sentences), tuple(places), tuple(events))

    def analyze(self, documents: Iterable[Document], *, batch_size: int = DEFAULT_BATCH_SIZE,
                n_process: int = 1) -> Iterator[AnalyzedDocument]:
        """Analyse documents in batches through ``nlp.pipe``, yielding results in input order."""
        pairs = ((d.text, d) for d in documents)
        for doc, document in self.nlp.pipe(pairs, as_tuples=True, batch_size=batch_size,
                                           n_process=n_process):
            yield self.analyze_doc(doc, document)
