"""Read events files written by ``geomap extract`` (GeoJSON or JSON Lines) back into events."""

from __future__ import annotations

import gc
import json
import logging
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

from geomap.errors import InputError
from geomap.formats.schema import clear_place_cache, properties_to_event
from geomap.io import json_error, loads_json
from geomap.textsafe import SURROGATE_ESCAPE, scrub_tree
from geomap.types import Event, EventCollection

log = logging.getLogger(__name__)


def _loads(text: str, where: str, replaced: list[str]) -> Any:
    """Parse JSON; unpaired surrogates in its strings become U+FFFD (noted in ``replaced``)."""
    try:
        value = loads_json(text)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None
    if SURROGATE_ESCAPE.search(text):
        value, changed = scrub_tree(value)
        if changed:
            replaced.append(where)
    return value


def _report(name: str, replaced: list[str]) -> None:
    if replaced:
        log.warning("geomap: %s: unpaired surrogates (invalid Unicode) replaced by U+FFFD "
                    "in %d place(s), first in %s", name, len(replaced), replaced[0])


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected an events file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if b"\x00" in data[:4096]:
        raise InputError(f"{path}: looks binary, expected GeoJSON or JSON Lines text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: is not UTF-8 text") from None
    if not text or text.isspace():  # as "not text.strip()", without copying the text
        raise InputError(f"{path}: is empty")
    return text


def _feature_event(feature: Any, where: str) -> Event:
    if type(feature) is dict:  # what json.loads makes: skip the checks below
        geom = feature.get("geometry")
        if feature.get("type") == "Feature" and type(geom) is dict and geom.get("type") == "Point":
            coords = geom.get("coordinates")
            props = feature.get("properties")
            if type(coords) is list and len(coords) >= 2 and type(props) is dict:
                try:
                    return properties_to_event(props, coords[1], coords[0])
                except InputError as exc:
                    raise InputError(f"{where}: {exc}") from None
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        raise InputError(f"{where}: not a GeoJSON Feature")
    geom = feature.get("geometry")
    if not isinstance(geom, Mapping) or geom.get("type") != "Point":
        raise InputError(f"{where}: geometry must be a Point")
    coords = geom.get("coordinates")
    if not isinstance(coords, list) or len(coords) < 2:
        raise InputError(f"{where}: Point coordinates must be [lon, lat]")
    props = feature.get("properties") or {}
    try:
        return properties_to_event(props, coords[1], coords[0])
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


def parse_geojson(text: str, *, name: str = "<geojson>") -> tuple[Event, ...]:
    """Events of a GeoJSON FeatureCollection (or a single Feature) of Point features."""
    if SURROGATE_ESCAPE.search(text) is None:
        events = _stream_collection(text, name)
        if events is not None:
            return events
    return _parse_whole(text, name)


_WS = re.compile(r"[ \t\n\r]*")  # JSON's whitespace
_COLLECTION_HEAD = re.compile(
    r'[ \t\n\r]*\{[ \t\n\r]*"type"[ \t\n\r]*:[ \t\n\r]*"FeatureCollection"[ \t\n\r]*,'
    r'[ \t\n\r]*"features"[ \t\n\r]*:[ \t\n\r]*\[[ \t\n\r]*')
_DECODER = json.JSONDecoder()  # as json.loads decodes


def _stream_collection(text: str, name: str) -> tuple[Event, ...] | None:
    """The events of ``{"type": "FeatureCollection", "features": [...]}`` (as written by
    ``geomap extract``), each feature decoded and converted in turn, or None for anything else.

    Decoding one feature at a time and dropping it once converted is a third faster than
    decoding the whole file first (the memory in use stays small). Any problem (bad JSON, a
    bad feature, other keys) returns None: :func:`_parse_whole` then reads the text again
    and reports the problem it meets first, so messages do not depend on this path.
    """
    head = _COLLECTION_HEAD.match(text)
    if head is None:
        return None
    i = head.end()
    # the pattern matches anywhere (maybe nothing): never None
    skip = cast("Callable[[str, int], re.Match[str]]", _WS.match)
    decode = _DECODER.raw_decode
    events: list[Event] = []
    if text.startswith("]", i):
        i = skip(text, i + 1).end()
    else:
        while True:
            try:
                feature, i = decode(text, i)
                events.append(_feature_event(feature, f"{name}: feature {len(events) + 1}"))
            except (ValueError, RecursionError, InputError):  # JSONDecodeError is a ValueError
                return None
            i = skip(text, i).end()
            sep = text[i:i + 1]
            i = skip(text, i + 1).end()
            if sep == "]":
                break
            if sep != ",":
                return None
    if text[i:i + 1] != "}" or skip(text, i + 1).end() != len(text):
        return None
    return tuple(events)


def _parse_whole(text: str, name: str) -> tuple[Event, ...]:
    replaced: list[str] = []
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: invalid JSON at line {exc.lineno}: {json_error(exc)}") from None
    except (RecursionError, ValueError):
        doc = _loads(text, name, replaced)  # the same error, as one line
    if SURROGATE_ESCAPE.search(text):
        doc, changed = scrub_tree(doc)
        if changed:
            replaced.append(name)
    _report(name, replaced)
    if isinstance(doc, Mapping) and doc.get("type") == "Feature":
        return (_feature_event(doc, f"{name}: feature 1"),)
    if not isinstance(doc, Mapping) or doc.get("type") != "FeatureCollection":
        raise InputError(f"{name}: expected a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list):
        raise InputError(f"{name}: 'features' must be a list")
    return tuple(_feature_event(f, f"{name}: feature {i}") for i, f in enumerate(features, 1))


def parse_jsonl(text: str, *, name: str = "<jsonl>") -> tuple[Event, ...]:
    """Events of JSON Lines text: one object per line with the properties plus ``lat``/``lon``."""
    events = []
    replaced: list[str] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        obj = _loads(line, f"{name}: line {lineno}", replaced)
        if not isinstance(obj, Mapping):
            raise InputError(f"{name}: line {lineno}: expected a JSON object")
        if obj.get("type") == "Feature":
            events.append(_feature_event(obj, f"{name}: line {lineno}"))
            continue
        if "lat" not in obj or "lon" not in obj:
            raise InputError(f"{name}: line {lineno}: missing 'lat'/'lon'")
        try:
            events.append(properties_to_event(obj, obj["lat"], obj["lon"]))
        except InputError as exc:
            raise InputError(f"{name}: line {lineno}: {exc}") from None
    _report(name, replaced)
    return tuple(events)


def read_events(path: str | Path, *, title: str | None = None) -> EventCollection:
    """Read a GeoJSON or JSON Lines events file into an :class:`EventCollection`.

    The format comes from the extension (.geojson; .jsonl/.ndjson), else from the content.
    Raises :class:`~geomap.errors.InputError` with a one-line message (line number for
    JSON Lines) when the file is missing, empty, binary or malformed.
    """
    # no cycles are made while reading; skip the GC's rescans of the growing event list
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _read_events(Path(path), title=title)
    finally:
        clear_place_cache()  # share Place objects within one file, keep nothing after
        if was_enabled:
            gc.enable()


def _read_events(p: Path, *, title: str | None) -> EventCollection:
    text = _read_text(p)
    suffix = p.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        events = parse_jsonl(text, name=str(p))
    elif suffix in (".geojson",):
        events = parse_geojson(text, name=str(p))
    else:
        try:
            whole = json.loads(text)
        except (json.JSONDecodeError, RecursionError, ValueError):
            whole = None
        if isinstance(whole, Mapping) and whole.get("type") in ("FeatureCollection", "Feature"):
            events = parse_geojson(text, name=str(p))
        else:
            events = parse_jsonl(text, name=str(p))
    return EventCollection(events=events, title=title or p.stem)
