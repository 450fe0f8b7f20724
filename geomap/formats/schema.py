"""The event record schema shared by GeoJSON/JSONL exports and the map reader.

One event is one flat-ish JSON object (the GeoJSON ``properties``; JSONL adds ``lat`` and
``lon``). :func:`event_to_properties` and :func:`properties_to_event` are inverses, so an
analyst can export events, correct them in QGIS or a spreadsheet and render them again.

>>> from gazetteer.model import Place
>>> from geomap.types import Event, Quote
>>> ev = Event("Protests", "Peaceful protest",
...            Place("geonames:170654", "Damascus", 33.51, 36.29, country_code="SY"),
...            (Quote("Crowds gathered in Damascus.", "d1", 0, place_spans=((19, 27),)),))
>>> props = event_to_properties(ev)
>>> props["place_name"], props["quotes"][0]["place_spans"]
('Damascus', [[19, 27]])
>>> properties_to_event(props, 33.51, 36.29) == ev
True
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Mapping
from typing import Any, cast

from gazetteer.errors import GazetteerError
from gazetteer.model import Place
from geomap.errors import InputError
from geomap.io import parse_date
from geomap.types import (
    DATE_PRECISIONS,
    LOCATION_PRECISIONS,
    Actor,
    DatePrecision,
    Event,
    LocationPrecision,
    Modality,
    Quote,
)

PROPERTY_NAMES = (
    "event_id",
    "event_type",
    "sub_event_type",
    "place_name",
    "place_id",
    "country_code",
    "admin1_name",
    "location_precision",
    "region",
    "date",
    "date_precision",
    "actors",
    "origin",
    "quotes",
    "doc_id",
    "sources",
    "confidence",
    "modality",
    "trigger",
)


def _place_json(place: Place) -> dict[str, Any]:
    return {
        "name": place.name,
        "place_id": place.place_id,
        "lat": place.lat,
        "lon": place.lon,
        "country_code": place.country_code,
        "admin1_name": place.admin1_name,
    }


def event_to_properties(event: Event) -> dict[str, Any]:
    """Return the JSON-ready properties of ``event`` (no coordinates; those go in the geometry).

    Keys are always present (``None`` when unknown) and in the order of ``PROPERTY_NAMES``.
    """
    return {
        "event_id": event.event_id,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "place_name": event.place.name,
        "place_id": event.place.place_id,
        "country_code": event.place.country_code,
        "admin1_name": event.place.admin1_name,
        "location_precision": event.location_precision,
        "region": event.region,
        "date": event.date.isoformat() if event.date else None,
        "date_precision": event.date_precision,
        "actors": [{"name": a.name, "role": a.role, "kind": a.kind} for a in event.actors],
        "origin": _place_json(event.origin) if event.origin else None,
        "quotes": [
            {
                "text": q.text,
                "doc_id": q.doc_id,
                "sentence_index": q.sentence_index,
                "source": q.source,
                "url": q.url,
                "place_spans": [[s, e] for s, e in q.place_spans],
            }
            for q in event.quotes
        ],
        "doc_id": event.quotes[0].doc_id if event.quotes else None,
        "sources": list(event.sources),
        "confidence": event.confidence,
        "modality": event.modality,
        "trigger": event.trigger,
    }


def actors_text(event: Event) -> str:
    """The actors of ``event`` as one line of text: "name (role); name (role)"."""
    return "; ".join(f"{a.name} ({a.role})" for a in event.actors)


def quotes_text(event: Event) -> str:
    """The quotes of ``event`` as one line of text, separated by " | "."""
    return " | ".join(q.text for q in event.quotes)


def _str(props: Mapping[str, Any], key: str, default: str | None = None) -> str | None:
    value = props.get(key, default)
    if value is None or type(value) is str:
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InputError(f"property {key!r} must be a string, got {type(value).__name__}")
    return value


def _req_str(props: Mapping[str, Any], key: str, default: str = "") -> str:
    value = props.get(key, default)
    if type(value) is str:
        return value
    value = _str(props, key, default)
    return default if value is None else value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _coord(value: Any, what: str) -> float:
    if isinstance(value, bool):  # float(True) is 1.0: a boolean is no coordinate
        raise InputError(f"{what} must be a number, got {value!r}")
    try:
        f = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{what} must be a number, got {_short(value)}") from None
    if not math.isfinite(f):
        raise InputError(f"{what} must be finite, got {_short(value)}")
    return f


@functools.lru_cache(maxsize=65536)  # as _CACHE_MAX
def _place(
    name: str, place_id: str | None, lat: float, lon: float, country: str, admin1: str
) -> Place:
    # Cached: a file repeats the same places many times, and shared Place objects also
    # make the map packing faster. Rows edited in a spreadsheet may lose the id; a
    # coordinate-derived one keeps them usable.
    pid = place_id if place_id and ":" in place_id else f"point:{lat:.5f},{lon:.5f}"
    try:
        return Place(pid, name, lat, lon, country_code=country, admin1_name=admin1)
    except GazetteerError as exc:
        raise InputError(str(exc)) from None


def _place_of(record: Mapping[str, Any], name_key: str, lat: float, lon: float) -> Place:
    """The place a record describes (an event's properties, or its origin object)."""
    return _place(
        _req_str(record, name_key, "") or f"{lat:.4f}, {lon:.4f}",
        _str(record, "place_id"),
        lat,
        lon,
        _req_str(record, "country_code", ""),
        _req_str(record, "admin1_name", ""),
    )


def clear_place_cache() -> None:
    """Forget the places, actors and dates shared while reading one file
    (see :func:`geomap.formats.read_events`)."""
    _place.cache_clear()
    _ACTORS.clear()
    _DATES.clear()


# Immutable values a file repeats many times, shared while reading it (cleared with the places)
_CACHE_MAX = 65536
_ACTORS: dict[tuple[str, str, str], Actor] = {}
_DATES: dict[str, dt.date | None] = {}


def _actors(value: Any) -> tuple[Actor, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InputError("property 'actors' must be a list of {name, role} objects")
    out = []
    for a in value:
        if isinstance(a, str):
            out.append(Actor(a))
        elif isinstance(a, Mapping) and isinstance(a.get("name"), str):
            out.append(
                Actor(a["name"], _req_str(a, "role", "actor"), _req_str(a, "kind", ""))
            )
        else:
            raise InputError("each actor must be a string or an object with a 'name'")
    return tuple(out)


def _spans(value: Any, text: str) -> tuple[tuple[int, int], ...]:
    if value is None:
        return ()
    spans = []
    try:
        for s, e in value:
            s, e = int(s), int(e)
            if 0 <= s < e <= len(text):
                spans.append((s, e))
            # spans that no longer fit an edited quote are dropped rather than failing the file
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(Infinity)
        raise InputError("'place_spans' must be a list of [start, end] pairs") from None
    return tuple(spans)


def _quotes(props: Mapping[str, Any]) -> tuple[Quote, ...]:
    value = props.get("quotes")
    doc_default = _req_str(props, "doc_id", "") or "unknown"
    if isinstance(value, str):
        value = [{"text": value}]
    if not value:
        raise InputError("an event needs at least one quote ('quotes' is empty or missing)")
    if not isinstance(value, list):
        raise InputError("property 'quotes' must be a list")
    out = []
    for q in value:
        if isinstance(q, str):
            q = {"text": q}
        if not isinstance(q, Mapping) or not isinstance(q.get("text"), str):
            raise InputError("each quote must be a string or an object with a 'text'")
        text = q["text"]
        try:
            index = int(q.get("sentence_index", 0) or 0)
        except (TypeError, ValueError, OverflowError):
            raise InputError("quote 'sentence_index' must be an integer") from None
        out.append(
            Quote(
                text=text,
                doc_id=_req_str(q, "doc_id", doc_default) or doc_default,
                sentence_index=index,
                source=_str(q, "source"),
                url=_str(q, "url"),
                place_spans=_spans(q.get("place_spans"), text),
            )
        )
    return tuple(out)


def properties_to_event(props: Mapping[str, Any], lat: float, lon: float) -> Event:
    """Rebuild an :class:`~geomap.types.Event` from its properties and coordinates.

    Raises :class:`~geomap.errors.InputError` (a one-line message) when a field is unusable.
    """
    if type(props) is dict:
        try:
            event = _fast_event(props, lat, lon)
        except (InputError, GazetteerError, KeyError):
            event = None  # the checked path below finds the same problem and says it first
        if event is not None:
            return event
    return _checked_event(props, lat, lon)


def _fast_event(props: dict[str, Any], lat: Any, lon: Any) -> Event | None:
    """The event of well-typed properties, as :func:`_checked_event` builds it, or None.

    Files written by ``geomap extract`` hold exactly the JSON types the schema names, so
    each field is taken after one ``type()`` test; anything else (a number where a string
    belongs, a missing key, a bad value) returns None, or raises, and the caller reads the
    record again with :func:`_checked_event`, whose checks and messages stay the only ones.
    """
    if type(lat) is not float or type(lon) is not float or not (
            -_INF < lat < _INF and -_INF < lon < _INF):
        return None
    event_type = props["event_type"]
    name = props["place_name"]
    place_id = props["place_id"]
    country = props["country_code"]
    admin1 = props["admin1_name"]
    if (type(event_type) is not str or not event_type or type(name) is not str
            or not (place_id is None or type(place_id) is str)
            or type(country) is not str or type(admin1) is not str):
        return None
    place = _place(name or f"{lat:.4f}, {lon:.4f}", place_id, lat, lon, country, admin1)
    origin_raw = props["origin"]
    origin = None
    if origin_raw:
        if type(origin_raw) is not dict:
            return None
        olat, olon = origin_raw["lat"], origin_raw["lon"]
        if type(olat) is not float or type(olon) is not float or not (
                -_INF < olat < _INF and -_INF < olon < _INF):
            return None
        oname = origin_raw["name"]
        oid = origin_raw["place_id"]
        ocountry = origin_raw["country_code"]
        oadmin1 = origin_raw["admin1_name"]
        if (type(oname) is not str or not (oid is None or type(oid) is str)
                or type(ocountry) is not str or type(oadmin1) is not str):
            return None
        origin = _place(oname or f"{olat:.4f}, {olon:.4f}", oid, olat, olon, ocountry, oadmin1)
    conf = props["confidence"]
    if type(conf) is not float or not 0.0 <= conf <= 1.0:
        return None
    sub = props["sub_event_type"]
    date_text = props["date"]
    date_precision = props["date_precision"]
    location_precision = props["location_precision"]
    region = props["region"]
    trigger = props["trigger"]
    modality = props["modality"]
    event_id = props["event_id"]
    if (type(sub) is not str or type(trigger) is not str or type(event_id) is not str
            or location_precision not in LOCATION_PRECISIONS
            or not (date_precision is None or date_precision in DATE_PRECISIONS)
            or not (region is None or type(region) is str) or type(modality) is not str
            or not modality or not (date_text is None or type(date_text) is str)):
        return None
    date = None
    if date_text is not None:
        if date_text in _DATES:
            date = _DATES[date_text]
        else:
            if len(_DATES) >= _CACHE_MAX:  # bounded for callers that never clear it
                _DATES.clear()
            date = _DATES[date_text] = parse_date(date_text, what="'date'")
    quotes = _fast_quotes(props["quotes"], props["doc_id"])
    if quotes is None:
        return None
    actors_raw = props["actors"]
    actors: tuple[Actor, ...] = ()
    if actors_raw:
        if type(actors_raw) is not list:
            return None
        found = []
        for a in actors_raw:
            if type(a) is not dict:
                return None
            name, role, kind = a["name"], a["role"], a["kind"]
            if type(name) is not str or type(role) is not str or type(kind) is not str:
                return None
            key = (name, role, kind)
            actor = _ACTORS.get(key)
            if actor is None:
                if len(_ACTORS) >= _CACHE_MAX:
                    _ACTORS.clear()
                actor = _ACTORS[key] = Actor(name, role, kind)
            found.append(actor)
        actors = tuple(found)
    elif actors_raw is not None and actors_raw != []:
        return None
    return Event(event_type, sub, place, quotes, date, date_precision, actors, origin,
                 location_precision, region or None, trigger, conf, cast("Modality", modality),
                 event_id)


_INF = math.inf


def _fast_quotes(value: Any, doc_id: Any) -> tuple[Quote, ...] | None:
    """The quotes :func:`_quotes` reads from a well-typed list of quote objects, or None."""
    if type(value) is not list or not value or type(doc_id) is not str:
        return None
    doc_default = doc_id or "unknown"
    out = []
    for q in value:
        if type(q) is not dict:
            return None
        text = q["text"]
        qdoc = q["doc_id"]
        index = q["sentence_index"]
        source = q["source"]
        url = q["url"]
        spans_raw = q["place_spans"]
        if (type(text) is not str or type(qdoc) is not str or type(index) is not int
                or not (source is None or type(source) is str)
                or not (url is None or type(url) is str)):
            return None
        spans: tuple[tuple[int, int], ...] = ()
        if spans_raw:
            if type(spans_raw) is not list:
                return None
            n = len(text)
            kept = []
            for pair in spans_raw:
                if type(pair) is not list or len(pair) != 2:
                    return None
                s, e = pair
                if type(s) is not int or type(e) is not int:
                    return None
                if 0 <= s < e <= n:
                    kept.append((s, e))
            spans = tuple(kept)
        elif spans_raw is not None and spans_raw != []:
            return None
        out.append(Quote(text, qdoc or doc_default, index, source, url, spans))
    return tuple(out)


def _checked_event(props: Mapping[str, Any], lat: float, lon: float) -> Event:
    """:func:`properties_to_event` with every field checked and converted in turn."""
    if type(props) is not dict and not isinstance(props, Mapping):
        raise InputError("event properties must be a JSON object")
    lat = _coord(lat, "latitude")
    lon = _coord(lon, "longitude")
    event_type = _req_str(props, "event_type")
    if not event_type:
        raise InputError("property 'event_type' is missing or empty")
    place = _place_of(props, "place_name", lat, lon)
    origin_raw = props.get("origin")
    origin = None
    if origin_raw:
        if not isinstance(origin_raw, Mapping):
            raise InputError("property 'origin' must be an object with name, lat, lon")
        olat = _coord(origin_raw.get("lat"), "origin latitude")
        olon = _coord(origin_raw.get("lon"), "origin longitude")
        origin = _place_of(origin_raw, "name", olat, olon)
    confidence = props.get("confidence", 0.5)
    conf = 0.5 if confidence in (None, "") else _coord(confidence, "confidence")
    return Event(
        event_type=event_type,
        sub_event_type=_req_str(props, "sub_event_type", ""),
        place=place,
        quotes=_quotes(props),
        date=parse_date(props.get("date"), what="'date'"),
        date_precision=cast("DatePrecision | None", _str(props, "date_precision") or None),
        actors=_actors(props.get("actors")),
        origin=origin,
        location_precision=cast("LocationPrecision",
                                _req_str(props, "location_precision", "exact") or "exact"),
        region=_str(props, "region") or None,
        trigger=_req_str(props, "trigger", ""),
        confidence=conf,
        modality=cast("Modality", _req_str(props, "modality", "asserted") or "asserted"),
        event_id=_req_str(props, "event_id", ""),
    )
