"""The public entry point: :func:`process` turns texts or documents into an EventCollection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import count

from geomap.errors import InputTypeError
from geomap.io import unique_ids
from geomap.pipeline import DEFAULT_BATCH_SIZE, AnalyzedDocument, Pipeline
from geomap.types import Document, Event, EventCollection, ResolvedPlace, as_date


def as_documents(items: str | Document | Iterable[str | Document], *,
                 published: dt.date | str | None = None) -> list[Document]:
    """Normalise strings and documents into :class:`Document` values with a published date."""
    pub = as_date(published, "published")
    if isinstance(items, str | Document):
        items = [items]
    elif not isinstance(items, Iterable):
        raise InputTypeError(f"expected a str, a Document or an iterable of them, "
                             f"got {type(items).__name__}")
    docs: list[Document] = []
    ids = count(1)
    for item in items:
        if isinstance(item, Document):
            if item.published is None and pub is not None:
                item = Document(item.id, item.text, item.source, pub, item.url)
            docs.append(item)
        elif isinstance(item, str):
            docs.append(Document(id=f"doc{next(ids)}", text=item, published=pub))
        else:
            raise InputTypeError(f"expected a str or Document, got {type(item).__name__}")
    return list(unique_ids(docs))


def collect(results: Iterable[AnalyzedDocument], *, title: str = "geomap") -> EventCollection:
    """Gather analysed documents into one collection, merging events reported more than once."""
    from geomap.events import merge_events

    documents: list[Document] = []
    events: list[Event] = []
    places: list[ResolvedPlace] = []
    unresolved: list[ResolvedPlace] = []
    for result in results:
        documents.append(result.document)
        events.extend(result.events)
        for rp in result.places:
            (places if rp.resolved else unresolved).append(rp)
    return EventCollection(events=tuple(merge_events(events)), places=tuple(places),
                           unresolved=tuple(unresolved), documents=tuple(documents), title=title)


def process(texts_or_documents: str | Document | Iterable[str | Document], *,
            published: dt.date | str | None = None, model: str | None = None,
            gazetteer_path: str | None = None, taxonomy_path: str | None = None,
            title: str = "geomap", batch_size: int = DEFAULT_BATCH_SIZE,
            n_process: int = 1, pipeline: Pipeline | None = None) -> EventCollection:
    """Find the places and events in news texts.

    Parameters
    ----------
    texts_or_documents
        A string, a :class:`~geomap.types.Document`, or an iterable of either.
    published
        Publication date for texts that carry none (``date`` or ``"YYYY-MM-DD"``); relative
        dates ("on Sunday") are resolved against it.

    Examples
    --------
    >>> events = process("Protesters gathered in Nairobi on Friday.", published="2024-06-28")
    >>> [(e.event_type, e.place.name) for e in events.events]       # doctest: +SKIP
    [('Protests', 'Nairobi')]
    """
    docs = as_documents(texts_or_documents, published=published)
    pipe = pipeline or Pipeline(model=model, gazetteer=gazetteer_path, taxonomy=taxonomy_path)
    return collect(pipe.analyze(docs, batch_size=batch_size, n_process=n_process), title=title)


def toponyms(texts_or_documents: str | Document | Iterable[str | Document], *,
             model: str | None = None, gazetteer_path: str | None = None,
             pipeline: Pipeline | None = None, demonyms: bool = True) -> list[list[ResolvedPlace]]:
    """Every place mention of each text with where it was resolved (no event detection).

    Each :class:`~geomap.types.ResolvedPlace` has a ``kind`` (place, demonym or facility);
    ``demonyms=False`` leaves out the demonyms ("Syrian", "Americans").
    """
    docs = as_documents(texts_or_documents)
    pipe = pipeline or Pipeline(model=model, gazetteer=gazetteer_path, detect=False)
    return [[rp for rp in r.places if demonyms or rp.kind != "demonym"]
            for r in pipe.analyze(docs)]
