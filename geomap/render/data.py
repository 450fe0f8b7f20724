"""Pack an :class:`EventCollection` into the compact, columnar data blob the map page reads.

Events ship once, as parallel arrays of small integers pointing into shared tables
(points, places, sites, kinds, dates, actor sets, documents) plus the quote texts.
Repeated strings (a place name, a source, a URL) appear once however many events use
them, which is what keeps a 100,000-event page within a few dozen bytes per event
beyond the quotes themselves. ``geomap/templates/geomap.js`` is the only reader.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

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


class _Table:
    """Assigns consecutive indices to distinct hashable rows, in first-seen order."""

    __slots__ = ("index", "rows")

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}
        self.rows: list[Any] = []

    def get(self, row: Any) -> int:
        i = self.index.get(row)
        if i is None:
            i = self.index[row] = len(self.rows)
            self.rows.append(row)
        return i


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
    types = type_order(e.event_type for e in events)
    type_idx = {t: i for i, t in enumerate(types)}
    strs = _Table()  # low-cardinality strings shared by every table
    kinds = _Table()
    points = _Table()
    places = _Table()
    sites = _Table()
    dates = _Table()
    asets = _Table()
    docs = _Table()
    modal = _Table()
    modal.get("asserted")

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

    def place_index(p: Any) -> int:
        pt = points.get((round(p.lat, 5), round(p.lon, 5)))
        return places.get((pt, p.name, p.country_code, p.admin1_name))

    for i, e in enumerate(events):
        ev_kind.append(kinds.get((type_idx[e.event_type], e.sub_event_type)))
        pl = place_index(e.place)
        region = strs.get(e.region) if e.region else -1
        ev_site.append(sites.get((pl, prec_idx.get(e.location_precision, 0), region)))
        if e.date is not None:
            prec = dprec_idx[e.date_precision] if e.date_precision else -1
            ev_date.append(dates.get(((e.date - _EPOCH).days, prec)))
        else:
            ev_date.append(-1)
        if e.actors:
            ev_aset.append(
                asets.get(tuple(x for a in e.actors for x in (strs.get(a.name), strs.get(a.role))))
            )
        else:
            ev_aset.append(-1)
        ev_conf.append(max(0, min(100, round(e.confidence * 100))))
        if len(e.quotes) != 1:
            extra_quotes.append([i, len(e.quotes)])
        for q in e.quotes:
            q_text.append(q.text)
            q_doc.append(
                docs.get(
                    (
                        strs.get(q.doc_id),
                        strs.get(q.source) if q.source else -1,
                        strs.get(q.url) if q.url else -1,
                    )
                )
            )
            q_span.append([x for s, t in q.place_spans for x in (s, t - s)])
        if e.origin is not None:
            origins.append([i, place_index(e.origin)])
        if e.modality != "asserted":
            modalities.append([i, modal.get(e.modality)])

    lats = [p[0] for p in points.rows]
    lons = [p[1] for p in points.rows]
    bounds = None
    dest_points = {places.rows[s[0]][0] for s in sites.rows}
    if dest_points:
        blat = [lats[p] for p in dest_points]
        blon = [lons[p] for p in dest_points]
        bounds = ((min(blat), min(blon)), (max(blat), max(blon)))
    blob: dict[str, Any] = {
        "v": MAP_VERSION,
        "title": title,
        "types": types,
        "colors": assign_colors(types, colors),
        "kinds": [[t, s] for t, s in kinds.rows],
        "strs": strs.rows,
        "precisions": list(LOCATION_PRECISIONS),
        "datePrecisions": list(DATE_PRECISIONS),
        "modalities": modal.rows,
        "points": {"lat": lats, "lon": lons},
        "places": [list(p) for p in places.rows],
        "sites": [list(s) for s in sites.rows],
        "dates": [list(d) for d in dates.rows],
        "actorSets": [list(a) for a in asets.rows],
        "docs": [list(d) for d in docs.rows],
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


_JSON_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(value: Any) -> str:
    """JSON text that is safe inside ``<script>``: it cannot close the element or open a comment.

    >>> script_json({"q": "</script><!--"})
    '{"q":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.translate(_JSON_ESCAPES)
