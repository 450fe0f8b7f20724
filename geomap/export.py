"""Saving an event collection: the map for ``.html``, else a format of :mod:`geomap.formats`.

The formats themselves (GeoJSON, CSV, JSON Lines, KML, GeoParquet) live in
:mod:`geomap.formats`; their names still import from here.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from geomap import formats
from geomap.formats import save_events, schema, text, toponyms
from geomap.types import EventCollection


def save(collection: EventCollection, path: str | os.PathLike[str], *, fmt: str | None = None,
         **map_options: Any) -> Path:
    """Write ``collection`` to ``path`` atomically; the format follows the file extension."""
    target = Path(path)
    if target.suffix.lower() in (".html", ".htm"):
        from geomap.render import save_map  # folium loads only for maps

        save_map(collection, target, **map_options)
        return target
    return save_events(collection.events, target, fmt=fmt, title=collection.title)


#: Names that moved to :mod:`geomap.formats`: old name -> (module, new name).
_MOVED: dict[str, tuple[Any, str]] = {
    "FORMATS": (formats, "TEXT_FORMATS"),
    "dumps": (formats, "dumps"),
    "format_for_path": (formats, "format_for_path"),
    "to_geojson": (formats, "to_geojson"),
    "CSV_COLUMNS": (text, "CSV_COLUMNS"),
    "NUMERIC_COLUMNS": (text, "NUMERIC_COLUMNS"),
    "csv_row": (text, "csv_row"),
    "jsonl_record": (text, "jsonl_record"),
    "event_properties": (schema, "event_to_properties"),
    "toponym_record": (toponyms, "toponym_record"),
}
#: Old one-format helpers: :func:`geomap.formats.dumps` with the format fixed.
_DUMPS = {"dumps_geojson": "geojson", "dumps_csv": "csv", "dumps_kml": "kml"}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        module, new = _MOVED[name]
        return getattr(module, new)
    if name in _DUMPS:
        return functools.partial(formats.dumps, fmt=_DUMPS[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
