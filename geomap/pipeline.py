"""The per-document pipeline: parse, split sentences, find and resolve places, detect events."""

from __future__ import annotations

import itertools
import os
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from geomap.errors import InputError, InputTypeError
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


class Pipeline:
    """A model, a gazetteer and a taxonomy; call :meth:`analyze` on documents.

    Each of ``gazetteer`` and ``taxonomy`` is a loaded object, a path, or None for the default.
    Loading is lazy: nothing is read until it is needed (or :meth:`load` is called).
    """

    def __init__(self, *, model: str | None = None,
                 gazetteer: Gazetteer | str | os.PathLike[str] | None = None,
                 taxonomy: Taxonomy | str | os.PathLike[str] | None = None,
                 resolver: Resolver | None = None, detect: bool = True,
                 event_model: Literal["default"] | None = "default") -> None:
        if event_model not in ("default", None):
            from geomap.errors import ModelError

            raise ModelError(f"event_model must be 'default' or None, not {event_model!r}")
        self.model = model
        self.detect = detect
        self.event_model = event_model
        self._gazetteer_arg = gazetteer
        self._taxonomy_arg = taxonomy
        self._resolver = resolver
        self._nlp: Language | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        from gazetteer import Gazetteer, open_gazetteer

        if not isinstance(self._gazetteer_arg, Gazetteer):
            self._gazetteer_arg = (Gazetteer(self._gazetteer_arg) if self._gazetteer_arg is not None
                                   else open_gazetteer())
        return self._gazetteer_arg

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            from geomap.nlp import build_pipeline

            self._nlp = build_pipeline(self.model, str(self.gazetteer.path))
        return self._nlp

    @property
    def taxonomy(self) -> Taxonomy:
        from geomap.taxonomy import Taxonomy, load_taxonomy

        if not isinstance(self._taxonomy_arg, Taxonomy):
            self._taxonomy_arg = load_taxonomy(self._taxonomy_arg)
        return self._taxonomy_arg

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

    def __getstate__(self) -> dict[str, object]:
        # spaCy's worker processes get the pipeline with its analyser when they are not forked
        # (a "forkserver" or "spawn" start method); they need no second copy of the model.
        state = dict(self.__dict__)
        state["_nlp"] = None
        return state

    def analyze_doc(self, doc: Doc, document: Document) -> AnalyzedDocument:
        """Run every stage after spaCy on one parsed document."""
        sentences = sentences_of(doc, doc_id=document.id)
        mentions = extract_mentions(doc, doc_id=document.id, sentences=sentences)
        places = self.resolver.resolve(mentions, text=document.text)
        events: list[Event] = []
        if self.detect:
            from geomap.events import detect_events

            events = detect_events(doc, document, sentences, places, taxonomy=self.taxonomy,
                                   gazetteer=self.gazetteer, model=self.event_model)
        return AnalyzedDocument(document, tuple(sentences), tuple(places), tuple(events))

    def analyze(self, documents: str | Document | Iterable[str | Document], *,
                batch_size: int = DEFAULT_BATCH_SIZE,
                n_process: int = 1) -> Iterator[AnalyzedDocument]:
        """Analyse documents in batches through ``nlp.pipe``, yielding results in input order.

        Documents are read lazily; they wait in a small buffer that spaCy's read-ahead bounds.
        With one process only the texts go through ``nlp.pipe``. With ``n_process > 1`` each
        document travels to spaCy's worker processes as an empty placeholder doc and is
        tokenised, parsed *and* analysed there (places resolved, events detected): the parent
        receives only the results, so it does not compete with its workers for the CPU.

        Strings are accepted as documents (ids ``doc1``, ``doc2``…, as :func:`geomap.process`
        gives them); a text longer than the model's ``max_length`` is an :class:`InputError`.
        """
        documents = _checked_documents(self.nlp, documents)
        if n_process != 1:
            yield from self._analyze_in_workers(documents, batch_size=batch_size,
                                                n_process=n_process)
            return
        texts_src, docs_src = itertools.tee(documents)
        parsed = self.nlp.pipe((d.text for d in texts_src), batch_size=batch_size)
        for doc, document in zip(parsed, docs_src, strict=False):
            yield self.analyze_doc(doc, document)

    def _analyze_in_workers(self, documents: Iterable[Document], *, batch_size: int,
                            n_process: int) -> Iterator[AnalyzedDocument]:
        from geomap.workers import (
            ERROR_KEY,
            RESULT_KEY,
            FinishInWorker,
            cheap_doc_serialization,
            placeholder_doc,
        )

        nlp = self.nlp
        _ = self.resolver  # loaded before spaCy forks its workers: they inherit it
        if self.detect:
            _ = self.taxonomy
        key = f"pipeline:{os.getpid()}:{next(_ANALYZER_KEYS)}"
        finisher = nlp.get_pipe("geomap_finish_in_worker")
        assert isinstance(finisher, FinishInWorker)
        analyzers = finisher.analyzers
        analyzers[key] = self._finish_in_worker
        try:
            with cheap_doc_serialization():
                inputs, docs_src = itertools.tee(documents)
                parsed = nlp.pipe((placeholder_doc(nlp.vocab, d, key) for d in inputs),
                                  batch_size=batch_size, n_process=n_process)
                for doc, document in zip(parsed, docs_src, strict=False):
                    if ERROR_KEY in doc.user_data:
                        raise pickle.loads(doc.user_data[ERROR_KEY])
                    payload = doc.user_data.get(RESULT_KEY)
                    if payload is None:  # not finished in the worker (cannot happen today)
                        yield self.analyze_doc(doc, document)
                    else:
                        sentences, places, events = pickle.loads(payload)
                        yield AnalyzedDocument(document, sentences, places, events)
        finally:
            analyzers.pop(key, None)

    def _finish_in_worker(self, doc: Doc, document: Document) -> bytes:
        result = self.analyze_doc(doc, document)
        return pickle.dumps((result.sentences, result.places, result.events),
                            protocol=pickle.HIGHEST_PROTOCOL)


_ANALYZER_KEYS = itertools.count()


def _checked_documents(nlp: Language,
                       items: str | Document | Iterable[str | Document]) -> Iterator[Document]:
    """``items`` as documents (strings become ``doc1``, ``doc2``…), each within the length
    the model takes."""
    if isinstance(items, str | Document):
        items = [items]
    elif not isinstance(items, Iterable):
        raise InputTypeError("analyze() takes documents or strings, or an iterable of them; "
                             f"got {type(items).__name__}")
    return _documents(nlp, items)


def _documents(nlp: Language, items: Iterable[str | Document]) -> Iterator[Document]:
    ids = itertools.count(1)
    for item in items:
        if isinstance(item, str):
            item = Document(f"doc{next(ids)}", item)
        elif not isinstance(item, Document):
            raise InputTypeError(f"expected a str or Document, got {type(item).__name__}")
        yield _within_limit(nlp, item)


def _within_limit(nlp: Language, document: Document) -> Document:
    """spaCy's length check (``nlp.max_length``) as a one-line error naming the document;
    placeholder docs would otherwise bypass it."""
    if len(document.text) > nlp.max_length:
        raise InputError(
            f"document {document.id!r}: {len(document.text):,} characters is longer than one "
            f"article can be ({nlp.max_length:,}); split it into articles")
    return document
