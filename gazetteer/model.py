"""Value types of the gazetteer: a place and a lookup match."""

from __future__ import annotations

from dataclasses import dataclass, field

from gazetteer.errors import GazetteerError

MATCH_TYPES = ("exact", "alternate", "folded", "demonym", "abbreviation", "fuzzy")


@dataclass(frozen=True, slots=True)
class Place:
    """One place in the gazetteer.

    Coordinates are WGS84 ``(lat, lon)`` floats.

    Examples
    --------
    >>> Place("geonames:170654", "Damascus", 33.5102, 36.29128, "P", "PPLC", "SY").lat
    33.5102
    """

    place_id: str
    name: str
    lat: float
    lon: float
    feature_class: str = ""
    feature_code: str = ""
    country_code: str = ""
    admin1: str = ""
    population: int = 0
    source: str = ""
    admin1_name: str = ""
    aliases: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0) or not (-180.0 <= self.lon <= 180.0):
            raise GazetteerError(
                f"place {self.place_id!r} has coordinates out of range: {self.lat}, {self.lon}"
            )
        if not self.place_id or ":" not in self.place_id:
            raise GazetteerError(f"place id must look like 'source:id', got {self.place_id!r}")


@dataclass(frozen=True, slots=True)
class Match:
    """A gazetteer candidate for a name, with how it matched and a match score in [0, 1]."""

    place: Place
    matched_name: str
    match_type: str
    score: float = 1.0
