"""The analyst's map: one self-contained, offline HTML page per event collection.

>>> from geomap.render import render_map
>>> from geomap.types import EventCollection
>>> html = render_map(EventCollection(events=()), title="empty")
>>> html.startswith("<!DOCTYPE html>") and "<title>empty</title>" in html
True
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from jinja2 import Environment, Template

from geomap.formats.reader import read_events
from geomap.formats.schema import event_to_properties, properties_to_event
from geomap.render.page import MapOptions, build_figure, render_map, render_page
from geomap.render.png import render_png
from geomap.types import EventCollection

__all__ = [
    "MapOptions",
    "build_figure",
    "embed_snippet",
    "event_to_properties",
    "properties_to_event",
    "read_events",
    "render_map",
    "render_page",
    "render_png",
    "save_map",
]


def save_map(
    collection: EventCollection,
    path: str | Path,
    **options: Any,
) -> Path:
    """Write the map of ``collection`` to ``path`` (same as ``render_map(collection, path, ...)``)."""
    render_map(collection, path, **options)
    return Path(path)


@functools.lru_cache(maxsize=1)
def _snippet_template() -> Template:
    return Environment(autoescape=True).from_string(
        '<iframe src="{{ src }}" width="{{ width }}" height="{{ height }}" title="{{ title }}" '
        'style="border:0;max-width:100%" loading="lazy" '
        'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox allow-downloads"></iframe>'
    )


def embed_snippet(
    path: str | Path, *, width: int = 900, height: int = 600, title: str = "Map of events"
) -> str:
    """The ``<iframe>`` to paste into a report for an embed page written at ``path``.

    ``path`` is used as given: a relative path stays relative to the report (``geomap map
    --embed`` passes the file name, for a report that sits beside the map), and an
    ``http(s)`` URL is kept as a URL. ``title`` names the frame for screen readers.

    >>> embed_snippet("maps/a b.html", width=640, height=400)[:48]
    '<iframe src="maps/a%20b.html" width="640" height'
    """
    text = str(path)
    if text.startswith(("http://", "https://")):
        src = text.replace(" ", "%20")
    else:
        src = Path(path).as_posix().replace("%", "%25").replace(" ", "%20").replace("#", "%23")
    return _snippet_template().render(src=src, width=int(width), height=int(height), title=title)
