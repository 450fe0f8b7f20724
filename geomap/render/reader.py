"""Moved to :mod:`geomap.formats.reader` (reading events files back into events)."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    from geomap.formats import reader

    return getattr(reader, name)
