"""The map page, built from folium/branca elements and Jinja templates.

The page is a :class:`branca.element.Figure` holding a :class:`GeomapMap` (a folium map
without CDN links), inlined Leaflet, the geomap runtime (``templates/geomap.js``) and
three data blocks (HTML comments, see :class:`DataBlock`): the events' tables (JSON), one
string with the quotes' text and the events' base64 columns, and the basemap (JSON). Element ids
come from a counter, so the same input always gives the same bytes.

Data never passes through a MacroElement macro: branca re-parses a macro's output as a
Jinja template, so ``{{ ... }}`` in news text would be evaluated. Data goes into plain
:class:`~branca.element.Element` children whose output is used verbatim.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from geomap.errors import InputError
from geomap.io import write_text_atomic
from geomap.render.data import (
    escape_script_json,
    pack_events,
    script_json,
    select_events,
    utf16_len,
)
from geomap.types import EventCollection

LEAFLET_VERSION = "1.9.3"
MAX_ZOOM = 18
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
_CLOSERS = re.compile(r"</(script|style)|<!--", re.IGNORECASE)


def _template_text(name: str) -> str:
    return resources.files("geomap").joinpath("templates", name).read_text(encoding="utf-8")


@functools.cache
def _asset(kind: str) -> str:
    """Inlined library code, checked once: it must not be able to close its own element."""
    if kind == "leaflet.js":
        import xstatic.pkg.leaflet as xl

        text = Path(xl.BASE_DIR, "leaflet.js").read_text(encoding="utf-8")
    elif kind == "leaflet.css":
        import xstatic.pkg.leaflet as xl

        text = Path(xl.BASE_DIR, "leaflet.css").read_text(encoding="utf-8")
        # the default-marker and layers images are never used; drop their relative URLs
        text = re.sub(r"url\((?!data:)[^)]*\)", "none", text)
    else:
        text = _template_text(kind)
    if _CLOSERS.search(text):
        raise InputError(f"inlined asset {kind} contains a closing tag and cannot be inlined")
    return text


@functools.lru_cache(maxsize=1)
def _basemap_json() -> str:
    # outlines as projected SVG path text (geomap/render/basemap.py)
    raw = resources.files("geomap").joinpath("data", "basemap_paths.json").read_text("utf-8")
    return escape_script_json(raw.strip())


class InlineScript(Element):
    """A ``<script>`` with library code from a file (already checked by :func:`_asset`)."""

    _template = Template("<script>{{ this.code }}</script>")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "InlineScript"
        self.code = code


class InlineStyle(Element):
    _template = Template("<style>{{ this.code }}</style>")

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "InlineStyle"
        self.code = code


class PageSecurity(Element):
    """A Content-Security-Policy that lets the page fetch nothing but its tiles (if any).

    Defence in depth: the page is built so that text never becomes markup, and with this
    policy even a mistake could not load or send anything over the network.
    """

    _template = Template(
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "img-src data:{% if this.tile_origin %} {{ this.tile_origin|e }}{% endif %}; "
        "base-uri 'none'; form-action 'none'\">"
    )

    def __init__(self, tile_origin: str | None) -> None:
        super().__init__()
        self._name = "PageSecurity"
        self.tile_origin = tile_origin


class NoScript(Element):
    _template = Template(
        '<noscript><p style="padding:1em;font:14px sans-serif">'
        "This map needs JavaScript to draw its events.</p></noscript>"
    )


class PageTitle(Element):
    _template = Template("<title>{{ this.title|e }}</title>")

    def __init__(self, title: str) -> None:
        super().__init__()
        self._name = "PageTitle"
        self.title = title


class DataBlock(Element):
    """Data in an HTML comment inside a hidden ``<div>`` (the page reads the comment's ``data``).

    The browser's tokenizer reads a comment a quarter faster than the same text in a
    ``<script type="application/json">`` (whose script-data states look for ``</script>`` and
    ``<!--``), which is a fifth of the load time of a 1,000,000-event page. The payload is
    :func:`script_json` text or :func:`comment_text`; neither holds ``<``, ``>``, CR or NUL,
    so it cannot end the comment (only ``-->`` and ``--!>`` do) or open any markup, and the
    parser hands it to the page unchanged (it would rewrite CR and NUL).
    """

    _template = Template('<div hidden id="{{ this.dom_id|e }}"><!--{{ this.payload }}--></div>')

    def __init__(self, payload: str) -> None:
        super().__init__()
        if any(c in payload for c in _COMMENT_UNSAFE):
            raise InputError("data block text must be escaped for an HTML comment")
        self._name = "JsonData"
        self.payload = payload

    @property
    def dom_id(self) -> str:
        return self.get_name().replace("_", "-")


class GeomapMap(folium.Map):
    """A folium map with no CDN links that fills its window (or its iframe, with ``embed``)."""

    _template = Template("")  # the real one is loaded in __init__, not at import time

    def __init__(self, *, embed: bool, max_zoom: int) -> None:
        super().__init__(
            location=None,
            tiles=None,
            max_zoom=max_zoom,
            min_zoom=1,
            zoom_control=True,
            prefer_canvas=True,
            world_copy_jump=False,
        )
        self.default_js = []
        self.default_css = []
        self._template = _map_template()
        self.embed = embed
        self.map_options = {
            "center": [20.0, 10.0],
            "zoom": 2,
            "minZoom": 1,
            "maxZoom": max_zoom,
            "preferCanvas": True,
            "zoomControl": True,
            "attributionControl": True,
        }


@functools.lru_cache(maxsize=1)
def _map_template() -> Template:
    return Template(_template_text("map.j2"))


class EventsLayer(MacroElement):
    """Starts the geomap runtime on the parent map with the data and basemap blocks."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "geomap.init({{ this._parent.get_name() }}, {{ this.data_id|tojson }}, "
        "{{ this.base_id|tojson }}, {{ this.text_id|tojson }}, {{ this.cols_id|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "EventsLayer"
        # element ids, filled in once the tree has its counter-based ids
        self.data_id = ""
        self.base_id: str | None = None
        self.text_id: str | None = None
        self.cols_id: str | None = None


def _tiles_option(tiles: str | None, attribution: str | None) -> dict[str, str] | None:
    if tiles is None:
        return None
    if tiles == "osm":
        return {"url": OSM_TILES, "attribution": OSM_ATTRIBUTION}
    host = tiles.split("/")[2] if tiles.count("/") >= 3 else ""
    if (
        not re.match(r"^https?://", tiles)
        or "{z}" not in tiles
        or not re.fullmatch(r"(\{s\}\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?", host)
    ):
        raise InputError(
            "tiles must be 'osm' or an http(s) URL template with {z}/{x}/{y}, "
            f"got {tiles!r}"
        )
    # Leaflet inserts attribution as HTML, so user text is escaped here
    return {"url": tiles, "attribution": html.escape(attribution or tiles.split("/")[2])}


_COMMENT_UNSAFE = ("<", ">", "\r", "\0")


def comment_text(text: str) -> tuple[str, list[list[int]]]:
    """``text`` made safe for a :class:`DataBlock` without escaping it as JSON (which the page
    would have to parse): each ``<``, ``>``, CR and NUL becomes a space, and the list of
    ``[position in UTF-16 units, character code]`` puts them back (``page.js`` ``unfix``)."""
    if not any(c in text for c in _COMMENT_UNSAFE):
        return text, []
    fixes = []
    astral = 0  # characters before the match that take two UTF-16 units
    last = 0
    for m in re.finditer(r"[<>\r\0]", text):
        if m.start() > last:
            astral += len(_ASTRAL.findall(text, last, m.start()))
        last = m.start()
        fixes.append([m.start() + astral, ord(m.group())])
    return re.sub(r"[<>\r\0]", " ", text), fixes


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _move_to_text(blob: dict[str, Any]) -> tuple[str, str]:
    """Take the quotes' text and the events' ids out of ``blob`` as one string, and every
    base64 column as another (the page reads the first only when a popup, the search or a
    download needs it). ``q.text`` becomes ``q.textLen``, the ids ``ev.idAt``/``ev.idChars``,
    and columns keep ``at``/``n`` (their place in the second string) instead of ``b``;
    places and lengths count UTF-16 units, as JS strings do."""
    quotes: str = blob["q"]["text"]
    text_parts = [quotes]
    blob["q"]["text"] = None
    blob["q"]["textLen"] = utf16_len(quotes)
    ids = blob["ev"].pop("idText", None)
    if ids:  # the events' ids, one after the other (ev.idLen cuts them)
        text_parts.append(ids)
        blob["ev"]["idAt"], blob["ev"]["idChars"] = blob["q"]["textLen"], utf16_len(ids)
    parts: list[str] = []
    offset = 0
    # every column, also those inside another (a column of runs), in a fixed order
    stack = [blob.get(group) or {} for group in ("changes", "docs", "sites", "places", "q", "ev")]
    while stack:
        node = stack.pop()
        for col in node.values():
            if isinstance(col, dict) and isinstance(col.get("b"), str):
                b64 = col.pop("b")
                col["at"], col["n"] = offset, len(b64)
                parts.append(b64)
                offset += len(b64)
            elif isinstance(col, dict):
                stack.append(col)
    return "".join(text_parts), "".join(parts)


def _assign_ids(root: Element) -> None:
    """Replace branca's random element ids by a counter, in tree order."""
    counter = 0
    stack: list[Element] = [root]
    seen: set[int] = set()
    while stack:
        el = stack.pop(0)
        if id(el) in seen:
            continue
        seen.add(id(el))
        counter += 1
        el._id = str(counter)
        kids: list[Element] = []
        if isinstance(el, Figure):
            kids += [el.header, el.html, el.script]
        kids += list(el._children.values())
        stack[0:0] = kids


@dataclass(frozen=True)
class MapOptions:
    """Every option of the map page, written once (:func:`render_map` takes them as keywords).

    Attributes
    ----------
    title
        Page and legend title; defaults to ``collection.title``.
    embed
        A page meant for an ``<iframe>``: it fills its frame, folds its controls on narrow
        frames, and zooms with the wheel only after a click (so the report scrolls).
    width, height
        The iframe size :func:`embed_snippet` suggests (pixels); the page itself fills its frame.
    tiles
        ``None`` (offline: shipped country outlines only), ``"osm"`` (OpenStreetMap tiles,
        needs network when viewed) or an ``http(s)`` URL template with ``{z}/{x}/{y}``.
    attribution
        Attribution text for a custom ``tiles`` URL (escaped).
    include_non_asserted
        Also draw events whose modality is not 'asserted' (negated, hypothetical, future, background).
    colors
        Event type to CSS colour, overriding the defaults.
    basemap
        Ship the offline country outlines (turn off only for tests and tiny pages).
    """

    title: str | None = None
    embed: bool = False
    width: int = 900
    height: int = 600
    tiles: str | None = None
    attribution: str | None = None
    include_non_asserted: bool = False
    colors: Mapping[str, str] | None = None
    basemap: bool = True


def map_options(options: MapOptions | None = None, **overrides: Any) -> MapOptions:
    """``options`` (or the defaults) with keyword ``overrides``; unknown names are an error."""
    base = options if options is not None else MapOptions()
    unknown = sorted(set(overrides) - {f.name for f in fields(MapOptions)})
    if unknown:
        raise InputError(f"unknown map option(s): {', '.join(unknown)}")
    return replace(base, **overrides) if overrides else base


def render_map(
    collection: EventCollection,
    path: str | Path | None = None,
    *,
    options: MapOptions | None = None,
    **overrides: Any,
) -> str:
    """The map page of ``collection`` as HTML text (same input, same bytes).

    Options are the fields of :class:`MapOptions`, given as an object, as keywords, or both
    (keywords win). With ``path`` the page is also written there atomically.
    """
    opts = map_options(options, **overrides)
    html_text = build_figure(collection, options=opts).render()
    if path is not None:
        write_text_atomic(path, html_text)
    return html_text


def build_figure(
    collection: EventCollection,
    *,
    options: MapOptions | None = None,
    changes: dict[str, Any] | None = None,
    **overrides: Any,
) -> Figure:
    """Assemble the page as a branca Figure (not yet rendered).

    ``changes`` is the compare view's extra data block part (see :mod:`geomap.render.compare`).
    """
    o = map_options(options, **overrides)
    width, height = o.width, o.height
    if width < 200 or height < 150:
        raise InputError(f"map size must be at least 200x150 pixels, got {width}x{height}")
    page_title = o.title if o.title is not None else (collection.title or "geomap")
    events = select_events(collection.events, include_non_asserted=o.include_non_asserted)
    if changes is not None and len(events) != len(collection.events):
        raise InputError("a compare map draws every event; include_non_asserted must be True")
    packed = pack_events(events, title=page_title, colors=o.colors)
    tile_opt = _tiles_option(o.tiles, o.attribution)

    fig = Figure()
    tile_origin = None
    if tile_opt is not None:
        parts = tile_opt["url"].split("/")
        # {s} subdomains become a wildcard host: https://*.tile.example
        tile_origin = parts[0] + "//" + re.sub(r"^\{s\}", "*", parts[2])
    fig.header.add_child(PageSecurity(tile_origin))
    fig.header.add_child(PageTitle(page_title))
    fig.header.add_child(InlineStyle(_asset("leaflet.css")))
    fig.header.add_child(InlineStyle(_asset("geomap.css")))
    fig.header.add_child(InlineScript(_asset("leaflet.js")))
    fig.header.add_child(InlineScript(_asset("geomap.js")))
    gmap = GeomapMap(embed=o.embed, max_zoom=MAX_ZOOM)
    fig.add_child(gmap)
    fig.html.add_child(NoScript())
    # View options travel in the data block, never through a macro (see the module docstring)
    packed.blob["view"] = {
        "tiles": tile_opt,
        "fitMaxZoom": 8,
        "embed": o.embed,
        "bounds": [list(packed.bounds[0]), list(packed.bounds[1])] if packed.bounds else None,
    }
    if changes is not None:
        packed.blob["changes"] = changes
    # the quotes' text and the base64 columns as one string of their own, not JSON: the page
    # takes the comment's text as it is (no million small strings, no parse of 100 MB)
    quotes_text, columns_text = _move_to_text(packed.blob)
    safe_text, packed.blob["textFix"] = comment_text(quotes_text)
    text = DataBlock(safe_text)
    cols = DataBlock(columns_text)
    data = DataBlock(script_json(packed.blob))
    fig.html.add_child(data)
    fig.html.add_child(cols)
    fig.html.add_child(text)
    base = DataBlock(_basemap_json()) if o.basemap else None
    if base is not None:
        fig.html.add_child(base)
    layer = EventsLayer()
    gmap.add_child(layer)
    _assign_ids(fig)
    layer.data_id = data.dom_id
    layer.base_id = base.dom_id if base is not None else None
    layer.text_id = text.dom_id
    layer.cols_id = cols.dom_id
    return fig


def render_page(collection: EventCollection, **options: Any) -> str:
    """Old name of :func:`render_map` (kept for existing callers)."""
    return render_map(collection, **options)
