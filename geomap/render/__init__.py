"""The analyst's map: one self-contained, offline HTML page per event collection.

>>> from geomap.render import render_map
>>> from geomap.types import EventCollection
>>> html = render_map(EventCollection(events=()), title="empty")
>>> html.startswith("<!DOCTYPE html>") and "<title>empty</title>" in html
True
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

from jinja2 import Environment, Template

from geomap.formats.reader import read_events
from geomap.formats.schema import event_to_properties, properties_to_event
from geomap.io import write_text_atomic
from geomap.render.page import render_page
from geomap.render.png import render_png
from geomap.types import EventCollection

__all__ = [
    "embed_snippet",
    "event_to_properties",
    "properties_to_event",
    "read_events",
    "render_map",
    "render_png",
    "save_map",
]


def render_map(
    collection: EventCollection,
    *,
    title: str | None = None,
    embed: bool = False,
    width: int = 900,
    height: int = 600,
    tiles: str | None = None,
    attribution: str | None = None,
    include_non_asserted: bool = False,
    colors: Mapping[str, str] | None = None,
) -> str:
    """Return the map page for ``collection`` as HTML text (same input, same bytes).

    Parameters
    ----------
    collection
        The events to draw.
    title
        Page and legend title; defaults to ``collection.title``.
    embed
        Write a fixed-size page (``width`` x ``height`` pixels) meant for an iframe.
    tiles
        ``None`` (offline: shipped country outlines only), ``"osm"`` (OpenStreetMap tiles,
        needs network when viewed) or an ``http(s)`` URL template with ``{z}/{x}/{y}``.
    attribution
        Attribution text for a custom ``tiles`` URL (escaped).
    include_non_asserted
        Also draw events whose modality is not 'asserted' (negated, hypothetical, future).
    colors
        Event type to CSS colour, overriding the defaults.
    """
    return render_page(
        collection,
        title=title,
        embed=embed,
        width=width,
        height=height,
        tiles=tiles,
        attribution=attribution,
        include_non_asserted=include_non_asserted,
        colors=colors,
    )


def save_map(
    collection: EventCollection,
    path: str | Path,
    **options: object,
) -> Path:
    """Render the map (options as in :func:`render_map`) and write it atomically to ``path``."""
    html = render_map(collection, **options)  # type: ignore[arg-type]
    return write_text_atomic(path, html)


@functools.lru_cache(maxsize=1)
def _snippet_template() -> Template:
    return Environment(autoescape=True).from_string(
        '<iframe src="{{ src }}" width="{{ width }}" height="{{ height }}" title="{{ title }}" '
        'style="border:0;max-width:100%" loading="lazy" '
        'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"></iframe>'
    )


def embed_snippet(
    path: str | Path, *, width: int = 900, height: int = 600, title: str = "Map of events"
) -> str:
    """The ``<iframe>`` to paste into a report for an embed page written at ``path``.

    ``path`` is used as given (relative paths stay relative to the report).

    >>> embed_snippet("maps/a b.html", width=640, height=400)[:48]
    '<iframe src="maps/a%20b.html" width="640" height'
    """
    src = Path(path).as_posix().replace("%", "%25").replace(" ", "%20").replace("#", "%23")
    return _snippet_template().render(src=src, width=int(width), height=int(height), title=title)
