"""Pack an :class:`EventCollection` into the compact, columnar data blob the map page reads.

Events ship once, as parallel arrays of small integers pointing into shared tables
(points, places, sites, kinds, dates, actor sets, documents) plus the quote texts.
Repeated strings (a place name, a source, a URL) appear once however many events use
them, which is what keeps a 100,000-event page within a few dozen bytes per event
beyond the quotes themselves. ``geomap/templates/geomap.js`` is the only reader.
"""

from __future__ import annotations

import array
import base64
import datetime as dt
import functools
import gc
import json
import re
import sys
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
# Okabe & Ito's colour-blind-safe palette; each type also has a shape of its own, so colour
# is never the only cue (deuteranopes confuse red and green, everyone confuses on grey print).
DEFAULT_COLORS = {
    "Battles": "#d55e00",
    "Explosions/Remote violence": "#e69f00",
    "Violence against civilians": "#cc79a7",
    "Protests": "#009e73",
    "Riots": "#f0e442",
    "Strategic developments": "#0072b2",
    "Movement": "#56b4e9",
    "Statements": "#6b6b6b",
}
DEFAULT_SHAPES = {
    "Battles": "diamond",
    "Explosions/Remote violence": "star",
    "Violence against civilians": "triangle-down",
    "Protests": "circle",
    "Riots": "triangle",
    "Strategic developments": "square",
    "Movement": "hexagon",
    "Statements": "pentagon",
}
SHAPES = ("circle", "square", "triangle", "diamond", "triangle-down", "pentagon", "star",
          "hexagon", "cross")
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
MAP_VERSION = 2
MAX_ALIASES = 20  # a place's other names, searched by the page


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


def assign_shapes(types: list[str]) -> list[str]:
    """A marker shape per type: the default types' own, then the others in turn."""
    out = []
    spare = 0
    for t in types:
        if t in DEFAULT_SHAPES:
            out.append(DEFAULT_SHAPES[t])
        else:
            out.append(SHAPES[spare % len(SHAPES)])
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
    strs: dict[Any, int] = {"": 0}
    kinds: dict[Any, int] = {}
    points: dict[Any, int] = {}
    places: dict[Any, int] = {}
    sites: dict[Any, int] = {}
    dates: dict[Any, int] = {}
    asets: dict[Any, int] = {}
    docs: dict[Any, int] = {}
    confs: dict[float, int] = {}
    modal: dict[str, int] = {"asserted": 0}
    place_by_obj: dict[int, int] = {}
    site_by_key: dict[Any, int] = {}
    doc_by_key: dict[Any, int] = {}
    aset_by_key: dict[Any, int] = {}

    def s_idx(text: str) -> int:
        i = strs.get(text)
        if i is None:
            i = strs[text] = len(strs)
        return i

    def s_opt(text: str | None) -> int:
        return -1 if text is None else s_idx(text)

    def place_index(p: Any) -> int:
        i = place_by_obj.get(id(p))
        if i is not None:
            return i
        pt_key = (p.lat, p.lon)
        pt = points.get(pt_key)
        if pt is None:
            pt = points[pt_key] = len(points)
        key = (pt, p.name, country_name(p.country_code), p.admin1_name, p.place_id,
               p.country_code, p.aliases[:MAX_ALIASES])
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
    ev_trig: list[int] = []
    ev_ids: list[str] = []
    q_text: list[str] = []
    q_doc: list[int] = []
    q_sent: list[int] = []
    q_nspan: list[int] = []
    q_span: list[int] = []
    extra_quotes: list[list[int]] = []  # [event index, quote count] where count != 1
    origins: list[list[int]] = []  # [event index, place index]
    modalities: list[list[int]] = []  # [event index, modality index] where not asserted
    prec_idx = {p: i for i, p in enumerate(LOCATION_PRECISIONS)}
    dprec_idx = {p: i for i, p in enumerate(DATE_PRECISIONS)}
    # place_by_obj and site_by_key are keyed by id(): safe because ``events`` keeps every
    # Place alive meanwhile
    for i, e in enumerate(events):
        key: Any = (e.event_type, e.sub_event_type)
        k = kinds.get(key)
        if k is None:
            k = kinds[key] = len(kinds)
        ev_kind.append(k)
        skey = (id(e.place), e.location_precision, e.region)
        k = site_by_key.get(skey)
        if k is None:
            pl = place_index(e.place)
            key = (pl, prec_idx.get(e.location_precision, 0),
                   s_idx(e.region) if e.region is not None else -1)
            k = sites.get(key)
            if k is None:
                k = sites[key] = len(sites)
            site_by_key[skey] = k
        ev_site.append(k)
        if e.date is not None or e.date_precision is not None:
            key = (e.date, e.date_precision)
            k = dates.get(key)
            if k is None:
                k = dates[key] = len(dates)
            ev_date.append(k)
        else:
            ev_date.append(-1)
        if e.actors:
            key = tuple([x for a in e.actors for x in (a.name, a.role, a.kind)])
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
        k = confs.get(e.confidence)
        if k is None:
            k = confs[e.confidence] = len(confs)
        ev_conf.append(k)
        ev_trig.append(s_idx(e.trigger) if e.trigger else 0)
        ev_ids.append(e.event_id)
        if len(e.quotes) != 1:
            extra_quotes.append([i, len(e.quotes)])
        for q in e.quotes:
            q_text.append(q.text)
            key = (q.doc_id, q.source, q.url)
            k = doc_by_key.get(key)
            if k is None:
                row = (s_idx(q.doc_id), s_idx(q.source) if q.source is not None else -1,
                       s_idx(q.url) if q.url is not None else -1)
                k = docs.get(row)
                if k is None:
                    k = docs[row] = len(docs)
                doc_by_key[key] = k
            q_doc.append(k)
            q_sent.append(q.sentence_index)
            spans = q.place_spans
            if spans:
                q_nspan.append(len(spans))
                if len(spans) == 1 and q.text.isascii():
                    s0, e0 = spans[0]
                    q_span.append(s0)
                    q_span.append(e0 - s0)
                else:
                    q_span += _utf16_spans(q.text, spans)
            else:
                q_nspan.append(0)
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
    # tables as columns (rows would be a million small JSON arrays to parse); strings
    # are indexes into strs, -1 for None
    # (built before the blob: they add to strs)
    places_table = {
        "n": len(place_rows),
        "point": pack_column([r[0] for r in place_rows]),
        "name": pack_column([s_opt(r[1]) for r in place_rows]),
        "country": pack_column([s_opt(r[2]) for r in place_rows]),
        "admin1": pack_column([s_opt(r[3]) for r in place_rows]),
        "id": pack_column([s_opt(r[4]) for r in place_rows]),
        "cc": pack_column([s_opt(r[5]) for r in place_rows]),
        # [place, [other names]] for the places that have any
        "aliases": [[i, list(r[6])] for i, r in enumerate(place_rows) if r[6]],
    }
    blob: dict[str, Any] = {
        "v": MAP_VERSION,
        "title": title,
        "types": types,
        "colors": assign_colors(types, colors),
        "shapes": assign_shapes(types),
        "kinds": [[type_idx[t], s] for t, s in kinds],
        "strs": list(strs),
        "precisions": list(LOCATION_PRECISIONS),
        "datePrecisions": list(DATE_PRECISIONS),
        "modalities": list(modal),
        "points": {"lat": lats, "lon": lons},
        # [point, name, country name, admin1, place id, country code, [aliases]?]
        "places": places_table,
        "sites": {
            "n": len(site_rows),
            "place": pack_column([r[0] for r in site_rows]),
            "prec": pack_column([r[1] for r in site_rows]),
            "region": pack_column([r[2] for r in site_rows]),
        },
        "dates": [
            [(d - _EPOCH).days if d is not None else None, dprec_idx[p] if p else -1]
            for d, p in dates
        ],
        "actorSets": [list(a) for a in asets],
        "docs": {
            "n": len(docs),
            "id": pack_column([r[0] for r in docs]),
            "source": pack_column([r[1] for r in docs]),
            "url": pack_column([r[2] for r in docs]),
        },
        # confidences as Python writes them, so the page's downloads match the Python writers
        "confs": [json.dumps(c) for c in confs],
        "ev": {
            "n": len(events),
            "kind": pack_column(ev_kind),
            "site": pack_column(ev_site),
            "date": pack_column(ev_date),
            "actors": pack_column(ev_aset),
            "conf": pack_column(ev_conf),
            "trigger": pack_column(ev_trig),
            # the ids as one string (page.py moves it to the text block) and their lengths
            "idText": "".join(ev_ids) if any(ev_ids) else None,
            "idLen": pack_column([utf16_len(x) for x in ev_ids]) if any(ev_ids) else None,
            "nq": extra_quotes,
            # movements: their events (ascending) and origin places
            "nOrigin": len(origins),
            "originEv": pack_column([o[0] for o in origins]),
            "originPlace": pack_column([o[1] for o in origins]),
            "modality": modalities,
        },
        "q": {
            "n": len(q_text),
            # one string and the quotes' lengths (UTF-16 units): one JS string to parse and
            # to search, sliced only when a quote is shown
            "text": "".join(q_text),
            "len": pack_column([len(t) if t.isascii() else utf16_len(t) for t in q_text]),
            "doc": pack_column(q_doc, runs=True),
            "sentence": pack_column(q_sent),
            "nspan": pack_column(q_nspan),
            "span": pack_column(q_span),
        },
    }
    return PackedEvents(blob=blob, event_count=len(events), bounds=bounds)


_WIDTHS = (("B", "u8", 0xFF), ("H", "u16", 0xFFFF), ("I", "u24", 0xFFFFFF),
           ("I", "u32", 0xFFFFFFFF))


def pack_column(values: list[int], *, runs: bool = False) -> dict[str, Any]:
    """A column of integers >= -1 for the page: a constant, or base64 of little-endian
    unsigned integers holding ``value + 1`` in the smallest width that fits (8, 16, 24 or
    32 bits); ``"o": 0`` marks values stored as they are (none was -1).

    With ``runs``, a column that changes value at most every fourth row ships as runs:
    ``{"r": values, "l": lengths, "nr": count}`` (the quotes' documents: a document's
    quotes come together).

    >>> pack_column([-1, 0, 5])
    {'t': 'u8', 'b': 'AAEG'}
    >>> pack_column([3, 3])
    {'c': 3}
    >>> pack_column([7] * 8 + [9] * 8, runs=True)
    {'r': {'t': 'u8', 'b': 'Bwk=', 'o': 0}, 'l': {'c': 8}, 'nr': 2}
    """
    if not values:
        return {"c": 0}
    lo, hi = min(values), max(values)
    if lo == hi:
        return {"c": lo}
    if lo < -1:
        raise ValueError("column values must be >= -1")
    if runs:
        starts = [0] + [i for i in range(1, len(values)) if values[i] != values[i - 1]]
        if 4 * len(starts) <= len(values):
            ends = starts[1:] + [len(values)]
            return {"r": pack_column([values[i] for i in starts]),
                    "l": pack_column([e - b for b, e in zip(starts, ends, strict=True)]),
                    "nr": len(starts)}
    for code, name, top in _WIDTHS:
        if hi + 1 <= top:
            arr = array.array(code, [v + 1 for v in values] if lo < 0 else values)
            if sys.byteorder != "little":
                arr.byteswap()
            raw = arr.tobytes()
            if name == "u24":  # the low three bytes of each 32-bit value
                packed = bytearray(3 * len(arr))
                for k in range(3):
                    packed[k::3] = raw[k::4]
                raw = bytes(packed)
            out: dict[str, Any] = {"t": name, "b": base64.b64encode(raw).decode("ascii")}
            if lo >= 0:
                out["o"] = 0  # stored as is, not shifted by one
            return out
    raise ValueError("column value too large for the map")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of JS string offsets."""
    if text.isascii() or _ASTRAL.search(text) is None:
        return len(text)
    return len(text.encode("utf-16-le")) // 2


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
