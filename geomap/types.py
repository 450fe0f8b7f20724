"""Typed values that flow through the pipeline (see DESIGN.md, "Data flow").

All coordinates are ``(lat, lon)`` WGS84 floats; GeoJSON/KML swap them at the edge only.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from gazetteer.model import Place
from geomap.errors import InputError, InputTypeError
from geomap.outputs import output
from geomap.textsafe import scrub_surrogates

#: How exactly an event's place is known: at it, near it, somewhere in a region or a country.
LocationPrecision = Literal["exact", "nearby", "region", "country"]
#: How exactly an event's date is known.
DatePrecision = Literal["day", "week", "month", "year"]
#: Whether an event is reported as having happened (only 'asserted' events are drawn by default).
Modality = Literal["asserted", "negated", "hypothetical", "future", "background"]

#: What a place mention is: the proper name of a place ("Damascus", "Latakia province"), a
#: demonym or adjective of a place ("Syrian", "Americans", "French"), or a facility (an air
#: base, airport, port, building). Corpora differ on whether demonyms count as toponyms.
MentionKind = Literal["place", "demonym", "facility"]
#: The kind of a mention from its span label (NORP: demonym; FAC: facility; else place).
KIND_OF_LABEL: dict[str, MentionKind] = {"NORP": "demonym", "FAC": "facility"}

MENTION_KINDS: tuple[MentionKind, ...] = get_args(MentionKind)
LOCATION_PRECISIONS: tuple[LocationPrecision, ...] = get_args(LocationPrecision)
DATE_PRECISIONS: tuple[DatePrecision, ...] = get_args(DatePrecision)


@dataclass(frozen=True, slots=True)
class Document:
    """One article.

    >>> Document("a1", "Crowds gathered in Damascus.").id
    'a1'
    """

    id: str
    text: str
    source: str | None = None
    published: dt.date | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        # Values come from users and files: check types here, once, with a clear message,
        # rather than meet an AttributeError deep in the pipeline.
        doc_id = self.id
        if isinstance(doc_id, int) and not isinstance(doc_id, bool):
            doc_id = str(doc_id)
        if not isinstance(doc_id, str):
            raise InputTypeError(f"Document id must be a string, got {type(doc_id).__name__}")
        if not isinstance(self.text, str):
            raise InputTypeError(f"document {doc_id!r}: text must be a string, "
                                 f"got {type(self.text).__name__}")
        for name in ("source", "url"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise InputTypeError(f"document {doc_id!r}: {name} must be a string or None, "
                                     f"got {type(value).__name__}")
        set_ = object.__setattr__  # frozen: normalise in place, once
        set_(self, "published", as_date(self.published, f"document {doc_id!r}: published"))
        # Unpaired surrogates ("\udc00" in JSON) cannot be written as UTF-8: replace them.
        set_(self, "id", scrub_surrogates(doc_id))
        set_(self, "text", scrub_surrogates(self.text))
        for name in ("source", "url"):
            value = getattr(self, name)
            if value is not None:
                set_(self, name, scrub_surrogates(value))


def as_date(value: object, what: str) -> dt.date | None:
    """A date from a ``date``, a ``datetime`` (its date) or an ISO ``YYYY-MM-DD`` string."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            raise InputError(f"{what} {value!r} is not a date; use YYYY-MM-DD") from None
    raise InputTypeError(f"{what} must be a date or a 'YYYY-MM-DD' string, "
                         f"got {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a document; ``copy_of`` is the index of its first verbatim occurrence."""

    doc_id: str
    index: int
    start: int
    end: int
    text: str
    copy_of: int | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """A place name found in a document: character offsets into ``Document.text``.

    ``kind`` (:data:`MentionKind`) defaults to what the span ``label`` says:

    >>> Mention("d", 0, 6, "Syrian", label="NORP").kind
    'demonym'
    >>> Mention("d", 0, 8, "Damascus").kind
    'place'
    """

    doc_id: str
    start: int
    end: int
    surface: str
    label: str = "GPE"
    sentence_index: int = -1
    kind: MentionKind = None  # type: ignore[assignment]  # set from ``label`` when not given

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise InputError(f"mention span ({self.start}, {self.end}) is empty or negative")
        if len(self.surface) != self.end - self.start:
            raise InputError(f"mention surface {self.surface!r} does not fit its span")
        if self.kind is None:
            object.__setattr__(self, "kind", KIND_OF_LABEL.get(self.label, "place"))
        elif self.kind not in MENTION_KINDS:
            raise InputError(f"unknown mention kind {self.kind!r} (one of {', '.join(MENTION_KINDS)})")


@dataclass(frozen=True, slots=True)
class ResolvedPlace:
    """A mention and where it was resolved. ``place`` is None when unresolved; ``reason`` says why."""

    mention: Mention
    place: Place | None
    score: float = 0.0
    reason: str | None = None

    @property
    def resolved(self) -> bool:
        return self.place is not None

    @property
    def kind(self) -> MentionKind:
        """The mention's kind; a place name that resolved to a facility is a ``facility``.

        >>> base = Place("curated:hmeimim", "Hmeimim Air Base", 35.4, 35.95, "S", "MILB", "SY")
        >>> ResolvedPlace(Mention("d", 0, 7, "Hmeimim"), base).kind
        'facility'
        """
        if self.mention.kind == "place" and self.place is not None and self.place.feature_class == "S":
            return "facility"
        return self.mention.kind


@dataclass(frozen=True, slots=True)
class Actor:
    """A person, organisation or group tied to an event, with its role (e.g. 'subject')."""

    name: str
    role: str = "actor"
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Quote:
    """A sentence that reports an event; ``place_spans`` are offsets of place names in ``text``."""

    text: str
    doc_id: str
    sentence_index: int
    source: str | None = None
    url: str | None = None
    place_spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened somewhere.

    ``place`` is where it happened; ``origin`` is set for movements. ``modality`` is
    'asserted' for events reported as having happened, otherwise 'negated',
    'hypothetical' or 'future' (kept off the map by default).
    """

    event_type: str
    sub_event_type: str
    place: Place
    quotes: tuple[Quote, ...]
    date: dt.date | None = None
    date_precision: DatePrecision | None = None
    actors: tuple[Actor, ...] = ()
    origin: Place | None = None
    location_precision: LocationPrecision = "exact"
    region: str | None = None
    trigger: str = ""
    confidence: float = 0.5
    modality: Modality = "asserted"
    event_id: str = ""

    def __post_init__(self) -> None:
        if self.location_precision not in LOCATION_PRECISIONS:
            raise InputError(f"unknown location precision {self.location_precision!r}")
        if self.date_precision is not None and self.date_precision not in DATE_PRECISIONS:
            raise InputError(f"unknown date precision {self.date_precision!r}")
        if not self.quotes:
            raise InputError("an event needs at least one quote")
        conf = self.confidence
        if isinstance(conf, bool) or not isinstance(conf, int | float):
            raise InputTypeError(f"event confidence must be a number, got {type(conf).__name__}")
        if not 0.0 <= conf <= 1.0:  # also refuses NaN, which JSON cannot hold
            raise InputError(f"event confidence must be a number in [0, 1], got {conf!r}")

    @property
    def doc_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.doc_id for q in self.quotes))

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.source for q in self.quotes if q.source))


@dataclass(frozen=True)
class EventCollection:
    """The result of :func:`geomap.process`: events, every resolved place and what stayed unresolved."""

    events: tuple[Event, ...]
    places: tuple[ResolvedPlace, ...] = ()
    unresolved: tuple[ResolvedPlace, ...] = ()
    documents: tuple[Document, ...] = field(default=(), repr=False)
    title: str = "geomap"

    def to_geojson(self) -> dict[str, Any]:
        """The events as an RFC 7946 FeatureCollection (a dict ready for ``json.dump``)."""
        result: dict[str, Any] = output("to_geojson")(self)
        return result

    def to_map(self, **options: Any) -> str:
        """The events as a self-contained Leaflet map (HTML text)."""
        _check_map_options(options)
        html: str = output("to_map")(self, **options)
        return html

    def save(self, path: str | os.PathLike[str], **options: Any) -> Path:
        """Write to ``path``: .html map, .geojson, .csv, .jsonl, .kml or .parquet, atomically."""
        _check_map_options(options)
        written: Path = output("save")(self, path, **options)
        return written


def _check_map_options(options: dict[str, Any]) -> None:
    colors = options.get("colors")
    if colors is not None and not (isinstance(colors, Mapping) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in colors.items())):
        raise InputTypeError("colors must map event type names to CSS colours, e.g. "
                             f"{{'Protests': '#2980b9'}}; got {type(colors).__name__}")
