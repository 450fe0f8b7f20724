"""Merge reports of one event: within an article (repeated mentions) and across articles."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Iterable

from geomap.types import Actor, Event, Quote

PRECISION_ORDER = {"exact": 0, "nearby": 1, "region": 2, "country": 3}
_DATE_ORDER = {"day": 0, "week": 1, "month": 2, "year": 3, None: 4}


def actor_key(actor: Actor) -> str:
    """A loose identity for actors: 'Bashar Al-Assad', 'Al-Assad' and 'Assad' are one person."""
    words = re.findall(r"[\w'-]+", actor.name.lower())
    if not words:
        return ""
    last = words[-1]
    for prefix in ("al-", "el-", "ad-", "as-", "ash-", "an-", "ar-"):
        if last.startswith(prefix) and len(last) > len(prefix) + 2:
            last = last[len(prefix):]
    return last.rstrip("s") if actor.kind == "group" else last


def actors_overlap(a: tuple[Actor, ...], b: tuple[Actor, ...]) -> bool:
    """True when either side names nobody, or both share an actor."""
    if not a or not b:
        return True
    return bool({actor_key(x) for x in a} & {actor_key(y) for y in b})


def merge_quotes(*groups: Iterable[Quote]) -> tuple[Quote, ...]:
    seen: dict[tuple[str, int, str], Quote] = {}
    for group in groups:
        for q in group:
            seen.setdefault((q.doc_id, q.sentence_index, q.text), q)
    return tuple(sorted(seen.values(), key=lambda q: (q.doc_id, q.sentence_index)))


def merge_actors(*groups: Iterable[Actor]) -> tuple[Actor, ...]:
    out: list[Actor] = []
    keys: set[tuple[str, str]] = set()
    for group in groups:
        for a in group:
            k = (actor_key(a), a.role)
            if k not in keys:
                keys.add(k)
                out.append(a)
    return tuple(out)


def combine(events: list[Event], *, sub_event_type: str | None = None) -> Event:
    """One event from several reports of it; the most confident report leads."""
    lead = sorted(events, key=lambda e: (-e.confidence, e.event_id))[0]
    if len(events) == 1 and sub_event_type is None:
        return lead
    dated = sorted(events, key=lambda e: (_DATE_ORDER[e.date_precision], e.event_id))[0]
    located = sorted(events, key=lambda e: (PRECISION_ORDER[e.location_precision], e.event_id))[0]
    docs = {d for e in events for d in e.doc_ids}
    ids = sorted(e.event_id for e in events)
    return dataclasses.replace(
        lead,
        sub_event_type=sub_event_type or lead.sub_event_type,
        quotes=merge_quotes(*(e.quotes for e in sorted(events, key=lambda e: e.event_id))),
        actors=merge_actors(*(e.actors for e in sorted(events, key=lambda e: e.event_id))),
        date=dated.date, date_precision=dated.date_precision,
        location_precision=located.location_precision,
        region=lead.region or next((e.region for e in events if e.region), None),
        origin=lead.origin or next((e.origin for e in events if e.origin is not None), None),
        confidence=round(min(0.99, max(e.confidence for e in events) + 0.05 * (len(docs) - 1)), 3),
        event_id=ids[0] if len(ids) == 1 else hashlib.sha1("|".join(ids).encode()).hexdigest()[:16],
    )


def dates_close(a: dt.date | None, b: dt.date | None, window: int) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs((a - b).days) <= window


def _origins_agree(a: Event, b: Event) -> bool:
    if a.origin is None or b.origin is None:
        return True
    return a.origin.place_id == b.origin.place_id


def merge_events(events: Iterable[Event], *, window_days: int = 1) -> list[Event]:
    """Merge events that several articles report: same type, place, modality, date within
    ``window_days``, overlapping actors (or none named). Every quote and source is kept.

    Events of one article are never merged with each other here (:func:`detect_events`
    already did that); the result is sorted by date, type, place name and id.
    """
    ordered = sorted(events, key=lambda e: (e.event_type, e.place.place_id, e.modality,
                                            e.date or dt.date.min, e.event_id))
    clusters: list[list[Event]] = []
    open_by_key: dict[tuple[str, str, str], list[list[Event]]] = {}
    for e in ordered:
        key = (e.event_type, e.place.place_id, e.modality)
        for cluster in open_by_key.setdefault(key, []):
            docs = {d for m in cluster for d in m.doc_ids}
            if docs & set(e.doc_ids):
                continue
            if any(dates_close(m.date, e.date, window_days) and actors_overlap(m.actors, e.actors)
                   and _origins_agree(m, e) for m in cluster):
                cluster.append(e)
                break
        else:
            cluster = [e]
            open_by_key[key].append(cluster)
            clusters.append(cluster)
    merged = [combine(c) for c in clusters]
    return sorted(merged, key=lambda e: (e.date is None, e.date or dt.date.min, e.event_type,
                                         e.place.name, e.event_id))
