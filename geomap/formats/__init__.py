"""Events as data: the event schema, the events-file reader and one writer per format.

The registry :data:`FORMATS` is the one list of output formats; each has one streaming
writer ``(events, fh, title)``. ``geomap extract``, :meth:`EventCollection.save
<geomap.types.EventCollection.save>`, the corpus runner and Dask partitions all write
through :func:`write_events`/:func:`save_events`; :func:`dumps` is the writer aimed at a
buffer.

>>> dumps([], "csv").splitlines()[0][:30]
'event_id,event_type,sub_event_'
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from geomap.errors import InputError
from geomap.formats import parquet, text
from geomap.formats.reader import parse_geojson, parse_jsonl, read_events
from geomap.formats.schema import PROPERTY_NAMES, event_to_properties, properties_to_event
from geomap.io import atomic_writer
from geomap.types import Event, EventCollection

#: A writer: events, an open file handle (text, or bytes for binary formats) and a title.
Writer = Callable[[Iterable[Event], IO[Any], str], None]


@dataclass(frozen=True, slots=True)
class Format:
    """An output format: its name (also its file extension) and its one writer."""

    name: str
    write: Writer
    binary: bool = False


#: Every output format, in the order the command line lists them.
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("geojson", text.write_geojson),
    Format("csv", text.write_csv),
    Format("jsonl", text.write_jsonl),
    Format("kml", text.write_kml),
    Format("parquet", parquet.write_parquet, binary=True),
)}
#: The names of every output format.
FORMAT_NAMES = tuple(FORMATS)
#: The formats that are text (they can go to standard output or a string).
TEXT_FORMATS = tuple(name for name, f in FORMATS.items() if not f.binary)
#: File extensions that name a format other than their own.
SUFFIX_ALIASES = {"json": "geojson", "ndjson": "jsonl", "geoparquet": "parquet"}

__all__ = [
    "FORMATS",
    "FORMAT_NAMES",
    "PROPERTY_NAMES",
    "TEXT_FORMATS",
    "Format",
    "dumps",
    "event_to_properties",
    "format_for_path",
    "get_format",
    "parse_geojson",
    "parse_jsonl",
    "properties_to_event",
    "read_events",
    "save_events",
    "to_geojson",
    "write_events",
]


def get_format(name: str) -> Format:
    """The registered format ``name``; :class:`InputError` naming the choices otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        raise InputError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}") from None


def format_for_path(path: str | os.PathLike[str], default: str | None = None) -> str:
    """The export format an output file name asks for (``.geojson``/``.json``, ``.csv``, …)."""
    suffix = Path(path).suffix.lower().lstrip(".")
    fmt = SUFFIX_ALIASES.get(suffix, suffix)
    if fmt in FORMATS:
        return fmt
    if default is not None:
        return default
    raise InputError(f"{path}: cannot tell the format from the extension; use "
                     f"{', '.join('.' + name for name in FORMATS)} or .html, or pass --format")


def write_events(events: Iterable[Event], fh: IO[str], *, fmt: str,
                 title: str = "geomap") -> None:
    """Stream ``events`` to a text file handle in the text format ``fmt``."""
    if fmt not in TEXT_FORMATS:
        raise InputError(f"cannot stream {fmt!r} as text; choose one of {', '.join(TEXT_FORMATS)}")
    FORMATS[fmt].write(events, fh, title)


def dumps(events: EventCollection | Iterable[Event], fmt: str, *, title: str | None = None) -> str:
    """The events in the text format ``fmt``, as a string (the writer aimed at a buffer).

    ``title`` (KML's document name) defaults to the collection's title.
    """
    if isinstance(events, EventCollection):
        title = title or events.title
        events = events.events
    if fmt not in TEXT_FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(TEXT_FORMATS)}")
    buffer = io.StringIO()
    FORMATS[fmt].write(events, buffer, title or "geomap")
    return buffer.getvalue()


def save_events(events: Iterable[Event], path: str | os.PathLike[str], *, fmt: str | None = None,
                title: str = "geomap") -> Path:
    """Write ``events`` to ``path`` atomically (temp file, then rename); the format follows
    the extension unless ``fmt`` is given."""
    found = get_format(fmt or format_for_path(path))
    with atomic_writer(path, binary=found.binary) as fh:
        found.write(events, fh, title)
    return Path(path)


def to_geojson(collection: EventCollection | Iterable[Event]) -> dict[str, Any]:
    """A FeatureCollection of Point features, one per event (a dict ready for ``json.dump``)."""
    events = collection.events if isinstance(collection, EventCollection) else collection
    return {"type": "FeatureCollection", "features": [text.geojson_feature(e) for e in events]}
