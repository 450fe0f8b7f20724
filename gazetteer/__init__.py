"""geomap's offline gazetteer: a fast SQLite place store built from PyPI-shipped data.

Standalone (no spaCy, no folium). Typical use::

    from gazetteer import open_gazetteer
    gaz = open_gazetteer()          # builds the store on first use (about half a minute)
    gaz.lookup("Tartous")[0].place  # Place(place_id='geonames:163345', name='Ţarţūs', ...)

See :class:`Gazetteer` for lookup, :func:`import_file` (:mod:`gazetteer.importers`)
for adding your own places and :class:`GazetteerGeocoder` (:mod:`gazetteer.geocoders`)
for the geopy geocoder.
"""

from typing import TYPE_CHECKING, Any

from gazetteer.build import build_gazetteer, open_gazetteer
from gazetteer.core import Gazetteer
from gazetteer.errors import GazetteerError, GazetteerUnavailable, GeomapBaseError
from gazetteer.importers import ImportResult, import_file
from gazetteer.model import MATCH_TYPES, Match, Place
from gazetteer.paths import build_lock, default_path

if TYPE_CHECKING:
    from gazetteer.geocoders import GazetteerGeocoder


def __getattr__(name: str) -> Any:
    # The geocoder imports geopy; load it only when asked for.
    if name == "GazetteerGeocoder":
        from gazetteer.geocoders import GazetteerGeocoder

        return GazetteerGeocoder
    raise AttributeError(f"module 'gazetteer' has no attribute {name!r}")

__all__ = [
    "MATCH_TYPES",
    "Gazetteer",
    "GazetteerError",
    "GazetteerGeocoder",
    "GazetteerUnavailable",
    "GeomapBaseError",
    "ImportResult",
    "Match",
    "Place",
    "build_gazetteer",
    "build_lock",
    "default_path",
    "import_file",
    "open_gazetteer",
]
