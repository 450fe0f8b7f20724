"""Distances between places, and whether one place plausibly contains another.

Distances are great-circle distances on a sphere (:class:`geopy.distance.great_circle`).
Two radii are in use: the mean Earth radius (IUGG, geopy's default) for resolving and
scoring, and a round 6371 km where event places are compared; they differ by 9 metres in
a thousand kilometres, and each caller keeps the one its thresholds were tuned with.

Containment by administrative codes alone (country, first-level division) is
:func:`geomap.events.places.admin_contains`; :func:`plausibly_contains` here also accepts
a place near enough to a region or a city.
"""

from __future__ import annotations

import math

from geopy.distance import great_circle

from gazetteer.model import Place

#: Mean Earth radius in km (IUGG): geopy's default.
MEAN_EARTH_RADIUS_KM = 6371.0088
#: The round radius in km that event places are compared with.
ROUND_EARTH_RADIUS_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float, *,
                radius_km: float = MEAN_EARTH_RADIUS_KM) -> float:
    """Great-circle distance in km between two ``(lat, lon)`` points.

    >>> round(distance_km(33.51, 36.29, 55.75, 37.62))
    2475
    """
    return float(great_circle((lat1, lon1), (lat2, lon2), radius=radius_km).km)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km by the haversine formula, with the mean Earth radius.

    The same arithmetic as the shared scorer (../shared/eval/score.py), so that
    :mod:`geomap.evaluate` gives its numbers to the last digit; elsewhere use
    :func:`distance_km` (within a micrometre of this).

    >>> round(haversine_km(33.51, 36.29, 55.75, 37.62))
    2475
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * MEAN_EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def place_distance_km(a: Place, b: Place, *, radius_km: float = MEAN_EARTH_RADIUS_KM) -> float:
    """Great-circle distance in km between two places."""
    return distance_km(a.lat, a.lon, b.lat, b.lon, radius_km=radius_km)


def plausibly_contains(outer: Place, inner: Place) -> bool:
    """Whether ``outer`` plausibly contains ``inner``: the same country for a country, the same
    first-level division or within 150 km for an ADM1/ADM2 region, within 60 km otherwise."""
    if outer.place_id == inner.place_id:
        return False
    if outer.feature_code.startswith("PCL"):
        return bool(outer.country_code) and outer.country_code == inner.country_code
    if outer.feature_code in ("ADM1", "ADM2") and outer.country_code == inner.country_code:
        if outer.admin1 and outer.admin1 == inner.admin1:
            return True
        return place_distance_km(outer, inner) < 150
    return place_distance_km(outer, inner) < 60
