"""geomap — news text to geocoded events on interactive maps.

>>> import geomap
>>> text = "Crowds gathered in Nairobi on Friday."
>>> collection = geomap.process(text, published="2024-06-28")  # doctest: +SKIP
>>> collection.save("maps/nairobi.html")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Document", "Event", "EventCollection", "GeomapError", "Pipeline", "ResolvedPlace",
           "__version__", "process", "toponyms"]

if TYPE_CHECKING:
    from geomap.api import process, toponyms
    from geomap.errors import GeomapError
    from geomap.pipeline import Pipeline
    from geomap.types import Document, Event, EventCollection, ResolvedPlace

_LAZY = {
    "process": "geomap.api", "toponyms": "geomap.api", "Pipeline": "geomap.pipeline",
    "GeomapError": "geomap.errors", "Document": "geomap.types", "Event": "geomap.types",
    "EventCollection": "geomap.types", "ResolvedPlace": "geomap.types",
}


def __getattr__(name: str) -> Any:
    # Lazy imports keep `import geomap` cheap: spaCy loads only when a pipeline runs.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'geomap' has no attribute {name!r}")
