"""An exact JSON codec for geomap's values: what :func:`to_json` writes, :func:`from_json`
gives back equal (dataclasses, tuples, dates), driven by the type hints.

The corpus runner's partial file keeps per-document events with it, so a resumed run
gives the same events as an uninterrupted one.

>>> import datetime as dt
>>> from geomap.types import Actor
>>> from_json(Actor, to_json(Actor("police", "subject")))
Actor(name='police', role='subject', kind='')
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

from geomap.types import Event


def to_json(value: Any) -> Any:
    """A JSON-ready form of a geomap value (dataclasses, tuples, dates): equal when read back."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Fields outside equality (a place's aliases) change no result and would dominate
        # the size of the partial file.
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.compare}
    if isinstance(value, tuple | list):
        return [to_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def from_json(tp: Any, value: Any) -> Any:
    """Rebuild a value of type ``tp`` from :func:`to_json` output (driven by type hints)."""
    origin = get_origin(tp)
    if origin is Union or origin is types.UnionType:
        options = [a for a in get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return from_json(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_json(args[0], v) for v in value)
        return tuple(from_json(a, v) for a, v in zip(args, value, strict=True))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        return tp(**{f.name: from_json(hints[f.name], value[f.name])
                     for f in dataclasses.fields(tp) if f.init and f.name in value})
    if tp is dt.date:
        return dt.date.fromisoformat(value)
    if tp is float and isinstance(value, int):
        return float(value)
    return value


def event_from_json(record: dict[str, Any]) -> Event:
    event: Event = from_json(Event, record)
    return event
