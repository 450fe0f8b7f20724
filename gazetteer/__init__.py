"""geomap's offline gazetteer: a fast SQLite place store built from PyPI-shipped data.

Standalone (no spaCy, no folium). Typical use::

    from gazetteer import open_gazetteer
    gaz = open_gazetteer()          # builds the store on first use (about half a minute)
    gaz.lookup("Tartous")[0].place  # Place(place_id='geonames:163345', name='Ţarţūs', ...)

See :class:`Gazetteer` for lookup, :mod:`gazetteer.importers` for adding your own
places and :mod:`gazetteer.geocoders` for the geopy geocoder.
"""

from gazetteer.build import build_gazetteer, default_path, open_gazetteer
from gazetteer.core import Gazetteer
from gazetteer.errors import GazetteerError, GazetteerUnavailable
from gazetteer.model import MATCH_TYPES, Match, Place

__all__ = [
    "MATCH_TYPES",
    "Gazetteer",
    "GazetteerError",
    "GazetteerUnavailable",
    "Match",
    "Place",
    "build_gazetteer",
    "default_path",
    "open_gazetteer",
]
