"""Compare two runs: what today's events changed against yesterday's map.

Event ids change when the text changes, so they cannot be the key. Two events match
when they have the same type, lie within 25 km of each other and their dates differ by
at most a day (or both are undated). Pairs are matched greedily, closest first. A
matched pair whose sub-type, place, date or actors differ is *changed*; events of the
new run without a match are *added*, those of the old run *removed*.

>>> from gazetteer.model import Place
>>> from geomap.types import Event, Quote
>>> q = (Quote("Crowds gathered.", "d1"),)
>>> a = Event("Protests", "Peaceful protest", Place("x:1", "Homs", 34.73, 36.71), q)
>>> b = Event("Protests", "Protest with intervention", Place("x:2", "Homs", 34.74, 36.72), q)
>>> [(c.status, c.fields) for c in match_runs([a], [b])]
[('changed', (('sub-type', 'Peaceful protest', 'Protest with intervention'),))]
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geopy.distance import great_circle

from geomap.events.merge import dates_close
from geomap.io import write_text_atomic
from geomap.render.data import pack_column
from geomap.render.page import MapOptions, build_figure, map_options
from geomap.types import Event, EventCollection

MAX_KM = 25.0
MAX_DAYS = 1
STATUSES = ("unchanged", "added", "removed", "changed")
_CELL_DEG = MAX_KM / 111.0  # latitude degrees per grid row: neighbours are one row away


@dataclass(frozen=True, slots=True)
class Change:
    """One event of the compare map: the new run's event (or the old one's when removed)."""

    status: str
    event: Event
    old: Event | None = None
    fields: tuple[tuple[str, str, str], ...] = ()  # (field, old value, new value)


def _actors(e: Event) -> str:
    return ", ".join(a.name for a in e.actors)


def _date(e: Event) -> str:
    return e.date.isoformat() if e.date else "undated"


def _differences(old: Event, new: Event) -> tuple[tuple[str, str, str], ...]:
    out = []
    if old.sub_event_type != new.sub_event_type:
        out.append(("sub-type", old.sub_event_type, new.sub_event_type))
    if (old.place.place_id, old.place.name) != (new.place.place_id, new.place.name):
        out.append(("place", old.place.name, new.place.name))
    if old.date != new.date:
        out.append(("date", _date(old), _date(new)))
    if _actors(old) != _actors(new):
        out.append(("actors", _actors(old) or "none", _actors(new) or "none"))
    return tuple(out)


def _dates_close(a: Event, b: Event) -> bool:
    return dates_close(a.date, b.date, MAX_DAYS)


def match_runs(old: Sequence[Event], new: Sequence[Event]) -> list[Change]:
    """The events of both runs as added, removed, changed or unchanged.

    The new run's events come first, in their order, then the removed ones in the old
    run's order, so the same two runs always give the same list.
    """
    grid: dict[tuple[str, int], list[int]] = defaultdict(list)
    for j, o in enumerate(old):
        grid[(o.event_type, math.floor(o.place.lat / _CELL_DEG))].append(j)
    pairs: list[tuple[float, int, int, int]] = []
    for i, n in enumerate(new):
        row = math.floor(n.place.lat / _CELL_DEG)
        for r in (row - 1, row, row + 1):
            for j in grid.get((n.event_type, r), ()):
                o = old[j]
                if not _dates_close(o, n):
                    continue
                km = great_circle((n.place.lat, n.place.lon), (o.place.lat, o.place.lon)).km
                if km <= MAX_KM:
                    days = abs((o.date - n.date).days) if o.date and n.date else 0
                    pairs.append((km, days, i, j))
    pairs.sort()
    new_match: dict[int, int] = {}
    old_taken: set[int] = set()
    for _km, _days, i, j in pairs:
        if i in new_match or j in old_taken:
            continue
        new_match[i] = j
        old_taken.add(j)
    out = []
    for i, n in enumerate(new):
        k = new_match.get(i)
        if k is None:
            out.append(Change("added", n))
            continue
        diff = _differences(old[k], n)
        out.append(Change("changed" if diff else "unchanged", n, old[k], diff))
    out += [Change("removed", o, o) for j, o in enumerate(old) if j not in old_taken]
    return out


def compare_counts(changes: Sequence[Change]) -> dict[str, int]:
    """How many events of each status, in :data:`STATUSES` order."""
    counts = dict.fromkeys(STATUSES, 0)
    for c in changes:
        counts[c.status] += 1
    return counts


def render_compare(
    old: EventCollection,
    new: EventCollection,
    path: str | Path | None = None,
    *,
    options: MapOptions | None = None,
    **overrides: Any,
) -> str:
    """The compare map of two runs (options as for :func:`~geomap.render.render_map`).

    Added, removed and changed events are drawn in colours and shapes of their own; the
    legend counts and filters them, popups and the table say what changed.
    """
    opts = map_options(options, **overrides)
    keep = opts.include_non_asserted
    old_events = [e for e in old.events if keep or e.modality == "asserted"]
    new_events = [e for e in new.events if keep or e.modality == "asserted"]
    changes = match_runs(old_events, new_events)
    title = opts.title if opts.title is not None else f"{old.title} \u2192 {new.title}"
    blob = {
        "status": pack_column([STATUSES.index(c.status) for c in changes]),
        "diff": [[i, [list(f) for f in c.fields]] for i, c in enumerate(changes) if c.fields],
        "old": old.title,
        "new": new.title,
        "counts": compare_counts(changes),
    }
    collection = EventCollection(events=tuple(c.event for c in changes), title=title)
    fig = build_figure(collection, options=opts, changes=blob, title=title,
                       include_non_asserted=True)
    html_text = fig.render()
    if path is not None:
        write_text_atomic(path, html_text)
    return html_text
