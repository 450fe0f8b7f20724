"""A geopy geocoder backed by the offline gazetteer.

Examples
--------
>>> from gazetteer.geocoders import GazetteerGeocoder
>>> geolocator = GazetteerGeocoder()                       # doctest: +SKIP
>>> loc = geolocator.geocode("Tartous")                    # doctest: +SKIP
>>> round(loc.latitude, 2), round(loc.longitude, 2)        # doctest: +SKIP
(34.89, 35.89)
>>> geolocator.reverse((35.40, 35.95)).raw["place_id"]     # doctest: +SKIP
'curated:hmeimim-air-base'
"""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any, Literal, overload

from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from gazetteer.core import Gazetteer
from gazetteer.geometry import place_distance_km
from gazetteer.model import Match, Place
from gazetteer.text import fold

__all__ = ["GazetteerGeocoder"]

# An administrative division this close to a populated place of the same name is that
# city's own district (Paris and the Paris département share one point).
NAMESAKE_KM = 10.0


def _collapse_namesakes(matches: list[Match]) -> list[Match]:
    """Drop an admin division named like a populated place it (nearly) shares a point with.

    ``geocode("Paris", exactly_one=False)`` lists Paris once: the city, not also the
    département named after it at the same point.
    """
    towns = [m.place for m in matches if m.place.feature_class == "P"]
    if not towns:
        return matches

    def is_namesake(place: Place) -> bool:
        if place.feature_class != "A" or not place.feature_code.startswith("ADM"):
            return False
        key = fold(place.name)
        return any(fold(t.name) == key and place_distance_km(t, place) <= NAMESAKE_KM for t in towns)

    return [m for m in matches if not is_namesake(m.place)]


class GazetteerGeocoder(Geocoder):
    """Geocode against the local gazetteer, with geopy's ``geocode``/``reverse`` interface.

    No network is used; ``timeout`` is accepted for compatibility and ignored. It
    works under :class:`geopy.extra.rate_limiter.RateLimiter` like any geocoder
    (use ``min_delay_seconds=0``: there is no service to protect).

    Parameters
    ----------
    gazetteer
        An open :class:`~gazetteer.Gazetteer`; default: :func:`gazetteer.open_gazetteer`
        on first use (which builds the store if needed).
    path
        Store path used when ``gazetteer`` is not given.
    """

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        *,
        path: str | os.PathLike[str] | None = None,
        timeout: Any = DEFAULT_SENTINEL,
        user_agent: str | None = None,
    ) -> None:
        super().__init__(timeout=timeout, user_agent=user_agent or "geomap-gazetteer")
        self._gazetteer = gazetteer
        self._path = path

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            from gazetteer.build import open_gazetteer

            self._gazetteer = open_gazetteer(self._path)
        return self._gazetteer

    @overload
    def geocode(
        self, query: str | dict[str, str], *, exactly_one: Literal[True] = ...,
        timeout: Any = ..., limit: int | None = ..., country_codes: str | list[str] | None = ...,
        feature_class: str | None = ...,
    ) -> Location | None: ...

    @overload
    def geocode(
        self, query: str | dict[str, str], *, exactly_one: Literal[False],
        timeout: Any = ..., limit: int | None = ..., country_codes: str | list[str] | None = ...,
        feature_class: str | None = ...,
    ) -> list[Location] | None: ...

    def geocode(
        self,
        query: str | dict[str, str],
        *,
        exactly_one: bool = True,
        timeout: Any = DEFAULT_SENTINEL,
        limit: int | None = None,
        country_codes: str | list[str] | None = None,
        feature_class: str | None = None,
    ) -> Location | list[Location] | None:
        """Return the best place for a name (or a ranked list), or None if unknown.

        ``"Paris, Texas"`` / ``"Paris, US"`` style queries are understood: the parts
        after the first comma narrow the first part to a country or first-level region.
        A dict query (geopy's structured form) is joined as ``"city, state, country"``.
        """
        if isinstance(query, dict):
            keys = ("query", "amenity", "street", "city", "county", "state", "country")
            text = ", ".join(str(query[k]) for k in keys if query.get(k))
        else:
            text = str(query)
        if isinstance(country_codes, str):
            country_codes = [country_codes]
        n = 1 if exactly_one else (limit or 10)
        # Ask for a few more: collapsing namesakes below may drop some.
        matches = _collapse_namesakes(
            self._candidates(text, country_codes, feature_class, n + 5))
        locations = [self._location(m.place, m) for m in matches[:n]]
        if exactly_one:
            return locations[0] if locations else None
        return locations or None

    def _candidates(
        self, text: str, country_codes: list[str] | None, feature_class: str | None, n: int
    ) -> list[Match]:
        gaz = self.gazetteer
        country = ",".join(country_codes) if country_codes else None
        matches = gaz.lookup(text, country=country, feature_class=feature_class, limit=n,
                             fuzzy=False)
        if matches:
            return matches
        if "," not in text:
            return gaz.lookup(text, country=country, feature_class=feature_class, limit=n)
        head, *context = (part.strip() for part in text.split(","))
        admin1: tuple[str, str] | None = None
        for part in context:
            top = gaz.lookup(part, fuzzy=False, limit=1)
            if not top:
                continue
            place = top[0].place
            if place.feature_code.startswith("PCL") or place.feature_code == "ADM1":
                country = place.country_code
            if place.feature_code == "ADM1":
                admin1 = (place.country_code, place.admin1)
        found = gaz.lookup(head, country=country, feature_class=feature_class, limit=max(n, 50))
        if admin1 is not None:
            inside = [m for m in found if (m.place.country_code, m.place.admin1) == admin1]
            found = inside or found
        return found[:n]

    @overload
    def reverse(
        self, query: Point | tuple[float, float] | str, *, exactly_one: Literal[True] = ...,
        timeout: Any = ..., limit: int | None = ..., feature_class: str | None = ...,
    ) -> Location | None: ...

    @overload
    def reverse(
        self, query: Point | tuple[float, float] | str, *, exactly_one: Literal[False],
        timeout: Any = ..., limit: int | None = ..., feature_class: str | None = ...,
    ) -> list[Location] | None: ...

    def reverse(
        self,
        query: Point | tuple[float, float] | str,
        *,
        exactly_one: bool = True,
        timeout: Any = DEFAULT_SENTINEL,
        limit: int | None = None,
        feature_class: str | None = None,
    ) -> Location | list[Location] | None:
        """Return the nearest place to ``(lat, lon)`` (or the ``limit`` nearest)."""
        point = Point(query)
        k = 1 if exactly_one else (limit or 10)
        near = self.gazetteer.near(point.latitude, point.longitude, k=k,
                                   feature_class=feature_class)
        locations = [self._location(place, None, distance_km=km) for place, km in near]
        if exactly_one:
            return locations[0] if locations else None
        return locations or None

    def _location(
        self, place: Place, match: Match | None, *, distance_km: float | None = None
    ) -> Location:
        raw: dict[str, Any] = asdict(place)
        raw["aliases"] = list(place.aliases)
        if match is not None:
            raw.update(matched_name=match.matched_name, match_type=match.match_type,
                       score=match.score)
        if distance_km is not None:
            raw["distance_km"] = round(distance_km, 3)
        parts = [place.name]
        if place.admin1_name and place.admin1_name != place.name:
            parts.append(place.admin1_name)
        if place.country_code and not place.feature_code.startswith("PCL"):
            country = self.gazetteer.country(place.country_code)
            parts.append(country.name if country else place.country_code)
        return Location(", ".join(parts), Point(place.lat, place.lon), raw)
