"""geomap — news text to geocoded events on interactive maps.

>>> import geomap
>>> text = "Crowds gathered in Nairobi on Friday."
>>> collection = geomap.process(text, published="2024-06-28")  # doctest: +SKIP
>>> collection.save("maps/nairobi.html")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from geomap import outputs

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


def _save(collection: EventCollection, path: Any, **options: Any) -> Any:
    from geomap.export import save

    return save(collection, path, **options)


def _to_geojson(collection: EventCollection) -> Any:
    from geomap.formats import to_geojson

    return to_geojson(collection)


def _to_map(collection: EventCollection, **options: Any) -> Any:
    from geomap.render import render_map

    return render_map(collection, **options)


# EventCollection's convenience methods write through these (values import nothing above
# them; the package root wires the layers, importing each only when it is used).
outputs.install(save=_save, to_geojson=_to_geojson, to_map=_to_map)


def __getattr__(name: str) -> Any:
    # Lazy imports keep `import geomap` cheap: spaCy loads only when a pipeline runs.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'geomap' has no attribute {name!r}")
