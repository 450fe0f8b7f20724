"""Finishing documents inside spaCy's worker processes (``nlp.pipe(n_process=N)``).

Two components, no-ops for ordinary docs, registered as factories (importing this module
registers them): ``geomap_deferred_input`` tokenises a placeholder doc's text in the worker and
``geomap_finish_in_worker`` runs geomap's analysis there, sending back only its result.
:func:`cheap_doc_serialization` memoises srsly's msgpack registry lookups meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

#: ``user_data`` key of a placeholder doc: a pickled :class:`geomap.types.Document` whose text
#: spaCy's worker tokenises (``geomap_deferred_input``) instead of the parent process.
INPUT_KEY = "geomap.input"
#: ``user_data`` key naming the analyser (see :class:`FinishInWorker`) that finishes the doc.
ANALYZER_KEY = "geomap.analyzer"
#: ``user_data`` key of the analyser's result (bytes), on the small doc sent back.
RESULT_KEY = "geomap.result"
#: ``user_data`` key of the analyser's exception (pickled), on the small doc sent back.
ERROR_KEY = "geomap.error"


def placeholder_doc(vocab: Any, document: object, analyzer: str) -> Doc:
    """An empty doc that carries ``document`` to a worker, for ``nlp.pipe`` to parse there."""
    doc = Doc(vocab, words=[])
    doc.user_data[INPUT_KEY] = pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)
    doc.user_data[ANALYZER_KEY] = analyzer
    return doc


class DeferredInput:
    """First component: a placeholder doc becomes its document's text, tokenised here.

    The first placeholder a worker process sees also sets the worker up: Ctrl-C is left to
    the parent (which stops the run and reports it once), and srsly's msgpack lookups are
    memoised for the rest of the worker's life (see :func:`cheap_doc_serialization`).
    """

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        self.tokenizer = tokenizer
        self._pid = os.getpid()

    def __call__(self, doc: Doc) -> Doc:
        payload = doc.user_data.get(INPUT_KEY)
        if payload is None or len(doc):
            return doc
        if self._pid != os.getpid():  # first placeholder in a worker process
            self._pid = os.getpid()
            _set_up_worker()
        parsed = self.tokenizer(pickle.loads(payload).text)
        parsed.user_data.update(doc.user_data)
        return parsed


def _set_up_worker() -> None:
    if threading.current_thread() is threading.main_thread():
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    _memoize_msgpack_lookups()


class FinishInWorker:
    """Last component: run the doc's analyser and send back only its result.

    Analysers (``(doc, document) -> bytes``) are registered in :attr:`analyzers` under the
    key that placeholder docs carry; spaCy hands them to its worker processes with the
    component (inherited when forked, pickled otherwise). Docs without a known analyser pass
    through unchanged. An error of the analyser travels back pickled (``ERROR_KEY``) and is
    raised again in the parent, so callers see geomap's own errors, not spaCy's E871.
    """

    def __init__(self) -> None:
        self.analyzers: dict[str, Callable[[Doc, Any], bytes]] = {}

    def __getstate__(self) -> dict[str, object]:
        return {"analyzers": dict(self.analyzers)}

    def __call__(self, doc: Doc) -> Doc:
        analyzer = self.analyzers.get(doc.user_data.get(ANALYZER_KEY, ""))
        payload = doc.user_data.get(INPUT_KEY)
        if analyzer is None or payload is None:
            return doc
        out = Doc(doc.vocab, words=[])
        try:
            out.user_data[RESULT_KEY] = analyzer(doc, pickle.loads(payload))
        except Exception as exc:  # noqa: BLE001 - re-raised in the parent
            try:
                out.user_data[ERROR_KEY] = pickle.dumps(exc)
            except Exception:  # noqa: BLE001 - an exception that does not pickle
                out.user_data[ERROR_KEY] = pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))
        return out


@Language.factory("geomap_deferred_input")
def make_deferred_input(nlp: Language, name: str) -> DeferredInput:
    """Tokenise placeholder docs (see :func:`placeholder_doc`) in the process that parses them."""
    return DeferredInput(nlp.tokenizer)


@Language.factory("geomap_finish_in_worker")
def make_finish_in_worker(nlp: Language, name: str) -> FinishInWorker:
    """Finish placeholder docs with their registered analyser where they were parsed."""
    return FinishInWorker()


@contextlib.contextmanager
def cheap_doc_serialization() -> Iterator[None]:
    """Look srsly's msgpack extensions up once while docs cross process boundaries.

    srsly asks its catalogue registries for msgpack encoders and decoders on every
    ``packb``/``unpackb``; each ask scans all installed entry points and every function
    registered with catalogue (spaCy registers hundreds), and ``Doc.to_bytes``/``from_bytes``
    ask several times: about 0.5 ms per doc, paid by the workers and the parent of
    ``nlp.pipe(n_process=N)``. Within this block the answer is looked up once in this process
    (worker processes do the same for themselves when their first placeholder arrives); the
    registries are restored on exit.
    """
    registries = _memoize_msgpack_lookups()
    try:
        yield
    finally:
        for registry in registries:
            del registry.get_all


def _memoize_msgpack_lookups() -> list[Any]:
    """Memoise srsly's msgpack registry lookups; returns the registries it changed."""
    from srsly import msgpack

    registries = [r for r in (getattr(msgpack, "msgpack_encoders", None),
                              getattr(msgpack, "msgpack_decoders", None))
                  if r is not None and "get_all" not in vars(r)]
    for registry in registries:
        found = registry.get_all()
        registry.get_all = lambda found=found: dict(found)
    return registries
