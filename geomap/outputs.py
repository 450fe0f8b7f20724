"""Where :class:`~geomap.types.EventCollection`'s convenience methods find the code that writes.

Values (:mod:`geomap.types`) depend on nothing above them, yet ``collection.save(path)``,
``collection.to_geojson()`` and ``collection.to_map()`` are part of the public API. The
package root (``geomap/__init__.py``) installs the implementations here when ``geomap`` is
imported, which always happens before any of its modules; the methods look them up by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_OUTPUTS: dict[str, Callable[..., Any]] = {}


def install(**functions: Callable[..., Any]) -> None:
    """Register implementations by name (``save``, ``to_geojson``, ``to_map``)."""
    _OUTPUTS.update(functions)


def output(name: str) -> Callable[..., Any]:
    """The implementation registered as ``name``."""
    return _OUTPUTS[name]
