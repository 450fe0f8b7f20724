"""Pack an :class:`EventCollection` into the compact, columnar data blob the map page reads.

Events ship once, as parallel arrays of small integers pointing into shared tables
(points, places, sites, kinds, dates, actor sets, documents) plus the quote texts.
Repeated strings (a place name, a source, a URL) appear once however many events use
them, which is what keeps a 100,000-event page within a few dozen bytes per event
beyond the quotes themselves. ``geomap/templates/geomap.js`` is the only reader.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gazetteer.sources import country_names
from geomap.errors import InputError
from geomap.types import DATE_PRECISIONS, LOCATION_PRECISIONS, Event

# ACLED's six types plus the two news-mapping ones, in the order the legend lists them.
TAXONOMY_ORDER = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
    "Movement",
    "Statements",
)
DEFAULT_COLORS = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#8c1d40",
    "Protests": "#2ca02c",
    "Riots": "#e377c2",
    "Strategic developments": "#1f77b4",
    "Movement": "#6a3d9a",
    "Statements": "#b8860b",
}
FALLBACK_COLORS = (
    "#17becf",
    "#8c564b",
    "#7f7f7f",
    "#bcbd22",
    "#393b79",
    "#637939",
    "#843c39",
    "#7b4173",
    "#3182bd",
    "#e6550d",
)
_COLOR_RE = re.compile(
    r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|(rgb|hsl)a?\([0-9.,%\s]{5,40}\))$"
)
_EPOCH = dt.date(1970, 1, 1)
MAP_VERSION = 1


@dataclass(frozen=True, slots=True)
class PackedEvents:
    """The data blob (a JSON-ready dict) and facts the page template needs."""

    blob: dict[str, Any]
    event_count: int
    bounds: tuple[tuple[float, float], tuple[float, float]] | None


@functools.lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """'SY' -> 'Syria' for popups and search; unknown codes are kept as given.

    Names are GeoNames' short English ones, shipped with the gazetteer.
    """
    if not code or len(code) != 2:
        return code
    cc = code.upper()
    return _SHORT_NAMES.get(cc) or country_names().get(cc) or code


# Formal names read oddly in a popup ("Palestinian Territory"); the usual ones instead.
_SHORT_NAMES = {
    "SY": "Syria",
    "RU": "Russia",
    "IR": "Iran",
    "KP": "North Korea",
    "KR": "South Korea",
    "VE": "Venezuela",
    "BO": "Bolivia",
    "TZ": "Tanzania",
    "MD": "Moldova",
    "LA": "Laos",
    "VN": "Vietnam",
    "PS": "Palestine",
    "CD": "DR Congo",
    "NL": "Netherlands",
    "GB": "United Kingdom",
    "US": "United States",
}


def validate_colors(colors: Mapping[str, str] | None) -> dict[str, str]:
    """Check user colours (CSS hex, a colour name, rgb()/hsl()); raise InputError otherwise."""
    out: dict[str, str] = {}
    for name, color in (colors or {}).items():
        if not isinstance(color, str) or not _COLOR_RE.match(color.strip()):
            raise InputError(
                f"colour for {name!r} must be a CSS colour such as '#1f77b4', got {color!r}"
            )
        out[name] = color.strip()
    return out


def type_order(types: Iterable[str]) -> list[str]:
    """Taxonomy types first in their usual order, then any others alphabetically."""
    present = set(types)
    known = [t for t in TAXONOMY_ORDER if t in present]
    return known + sorted(present - set(TAXONOMY_ORDER))


def assign_colors(types: list[str], colors: Mapping[str, str] | None) -> list[str]:
    user = validate_colors(colors)
    out = []
    spare = 0
    for t in types:
        if t in user:
            out.append(user[t])
        elif t in DEFAULT_COLORS:
            out.append(DEFAULT_COLORS[t])
        else:
            out.append(FALLBACK_COLORS[spare % len(FALLBACK_COLORS)])
            spare += 1
    return out


def select_events(events: Iterable[Event], *, include_non_asserted: bool) -> list[Event]:
    return [e for e in events if include_non_asserted or e.modality == "asserted"]


def pack_events(
    events: list[Event],
    *,
    title: str,
    colors: Mapping[str, str] | None = None,
) -> PackedEvents:
    """Build the data blob for ``events`` (already filtered by modality)."""
    # The loop allocates about ten small objects per event while every event stays alive;
    # the cyclic GC would rescan the whole collection several times for nothing (no cycles
    # are made here), which costs a third of the build at 100,000 events.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _pack(events, title=title, colors=colors)
    finally:
        if was_enabled:
            gc.enable()


def _pack(
    events: list[Event],
    *,
    title: str,
    colors: Mapping[str, str] | None = None,
) -> PackedEvents:
    types = type_order(e.event_type for e in events)
    type_idx = {t: i for i, t in enumerate(types)}
    # Tables are dicts from a row to its index; insertion order gives the rows. The loop is
    # written flat (no helper calls) because it runs once per event: 100,000 events must
    # pack well under a second.
    strs: dict[Any, int] = {}
    kinds: dict[Any, int] = {}
    points: dict[Any, int] = {}
    places: dict[Any, int] = {}
    sites: dict[Any, int] = {}
    dates: dict[Any, int] = {}
    asets: dict[Any, int] = {}
    docs: dict[Any, int] = {}
    modal: dict[str, int] = {"asserted": 0}
    place_by_obj: dict[int, int] = {}
    doc_by_key: dict[Any, int] = {}
    aset_by_key: dict[Any, int] = {}

    def s_idx(text: str) -> int:
        i = strs.get(text)
        if i is None:
            i = strs[text] = len(strs)
        return i

    def place_index(p: Any) -> int:
        i = place_by_obj.get(id(p))
        if i is not None:
            return i
        pt_key = (round(p.lat, 5), round(p.lon, 5))
        pt = points.get(pt_key)
        if pt is None:
            pt = points[pt_key] = len(points)
        key = (pt, p.name, country_name(p.country_code), p.admin1_name)
        i = places.get(key)
        if i is None:
            i = places[key] = len(places)
        place_by_obj[id(p)] = i
        return i

    ev_kind: list[int] = []
    ev_site: list[int] = []
    ev_date: list[int] = []
    ev_aset: list[int] = []
    ev_conf: list[int] = []
    q_text: list[str] = []
    q_doc: list[int] = []
    q_span: list[list[int]] = []
    extra_quotes: list[list[int]] = []  # [event index, quote count] where count != 1
    origins: list[list[int]] = []  # [event index, place index]
    modalities: list[list[int]] = []  # [event index, modality index] where not asserted
    prec_idx = {p: i for i, p in enumerate(LOCATION_PRECISIONS)}
    dprec_idx = {p: i for i, p in enumerate(DATE_PRECISIONS)}
    # place_by_obj is keyed by id(): safe because ``events`` keeps every Place alive meanwhile
    for i, e in enumerate(events):
        key: Any = (e.event_type, e.sub_event_type)
        k = kinds.get(key)
        if k is None:
            k = kinds[key] = len(kinds)
        ev_kind.append(k)
        pl = place_by_obj.get(id(e.place))
        if pl is None:
            pl = place_index(e.place)
        key = (pl, prec_idx.get(e.location_precision, 0), s_idx(e.region) if e.region else -1)
        k = sites.get(key)
        if k is None:
            k = sites[key] = len(sites)
        ev_site.append(k)
        if e.date is not None:
            key = (e.date, e.date_precision)
            k = dates.get(key)
            if k is None:
                k = dates[key] = len(dates)
            ev_date.append(k)
        else:
            ev_date.append(-1)
        if e.actors:
            key = tuple([x for a in e.actors for x in (a.name, a.role)])
            k = aset_by_key.get(key)
            if k is None:
                row = tuple(s_idx(x) for x in key)
                k = asets.get(row)
                if k is None:
                    k = asets[row] = len(asets)
                aset_by_key[key] = k
            ev_aset.append(k)
        else:
            ev_aset.append(-1)
        conf = round(e.confidence * 100)
        ev_conf.append(0 if conf < 0 else 100 if conf > 100 else conf)
        if len(e.quotes) != 1:
            extra_quotes.append([i, len(e.quotes)])
        for q in e.quotes:
            q_text.append(q.text)
            key = (q.doc_id, q.source, q.url)
            k = doc_by_key.get(key)
            if k is None:
                row = (s_idx(q.doc_id), s_idx(q.source) if q.source else -1,
                       s_idx(q.url) if q.url else -1)
                k = docs.get(row)
                if k is None:
                    k = docs[row] = len(docs)
                doc_by_key[key] = k
            q_doc.append(k)
            q_span.append(_utf16_spans(q.text, q.place_spans) if q.place_spans else [])
        if e.origin is not None:
            origins.append([i, place_index(e.origin)])
        if e.modality != "asserted":
            m = modal.get(e.modality)
            if m is None:
                m = modal[e.modality] = len(modal)
            modalities.append([i, m])

    point_rows = list(points)
    place_rows = list(places)
    site_rows = list(sites)
    lats = [p[0] for p in point_rows]
    lons = [p[1] for p in point_rows]
    bounds = None
    dest_points = {place_rows[s[0]][0] for s in site_rows}
    if dest_points:
        blat = [lats[p] for p in dest_points]
        blon = [lons[p] for p in dest_points]
        bounds = ((min(blat), min(blon)), (max(blat), max(blon)))
    blob: dict[str, Any] = {
        "v": MAP_VERSION,
        "title": title,
        "types": types,
        "colors": assign_colors(types, colors),
        "kinds": [[type_idx[t], s] for t, s in kinds],
        "strs": list(strs),
        "precisions": list(LOCATION_PRECISIONS),
        "datePrecisions": list(DATE_PRECISIONS),
        "modalities": list(modal),
        "points": {"lat": lats, "lon": lons},
        "places": [list(p) for p in place_rows],
        "sites": [list(s) for s in site_rows],
        "dates": [
            [(d - _EPOCH).days, dprec_idx[p] if p else -1] for d, p in dates
        ],
        "actorSets": [list(a) for a in asets],
        "docs": [list(d) for d in docs],
        "ev": {
            "kind": ev_kind,
            "site": ev_site,
            "date": ev_date,
            "actors": ev_aset,
            "conf": ev_conf,
            "nq": extra_quotes,
            "origin": origins,
            "modality": modalities,
        },
        "q": {"text": q_text, "doc": q_doc, "span": q_span},
    }
    return PackedEvents(blob=blob, event_count=len(events), bounds=bounds)


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _utf16_spans(text: str, spans: tuple[tuple[int, int], ...]) -> list[int]:
    """Spans as flat [start, length, ...] in UTF-16 code units, the unit of JS strings."""
    if text.isascii() or _ASTRAL.search(text) is None:
        return [x for s, e in spans for x in (s, e - s)]
    out = []
    for s, e in spans:
        s16 = len(text[:s].encode("utf-16-le")) // 2
        e16 = len(text[:e].encode("utf-16-le")) // 2
        out += [s16, e16 - s16]
    return out


_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: Any) -> str:
    """JSON text that is safe inside ``<script>``: it cannot close the element or open a comment.

    >>> script_json({"q": "</script><!--"})
    '{"q":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return escape_script_json(text)


def escape_script_json(text: str) -> str:
    """Escape JSON text for a ``<script>`` element (``<``, ``>``, ``&``, U+2028/9)."""
    # str.replace is much faster than str.translate on a 10 MB blob
    for raw, esc in _JSON_ESCAPES.items():
        if raw in text:
            text = text.replace(raw, esc)
    return text
