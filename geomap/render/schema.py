"""Moved to :mod:`geomap.formats.schema` (the event schema is shared by every format)."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    from geomap.formats import schema

    return getattr(schema, name)
