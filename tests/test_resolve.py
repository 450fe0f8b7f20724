"""The context resolver, on a tiny in-memory gazetteer (no store, no model)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gazetteer.model import Match, Place
from geomap.resolve import ContextResolver, contains, haversine_km
from geomap.types import Mention

PARIS_FR = Place("geonames:2988507", "Paris", 48.8534, 2.3488, "P", "PPLC", "FR", "11", 2_138_551, "geonames")
PARIS_TX = Place("geonames:4717560", "Paris", 33.6609, -95.5555, "P", "PPLA2", "US", "TX", 24_782, "geonames")
TEXAS = Place("admin1:US.TX", "Texas", 31.25, -99.25, "A", "ADM1", "US", "TX", 29_000_000, "admin1")
FRANCE = Place("geonames:3017382", "France", 46.0, 2.0, "A", "PCLI", "FR", "", 67_000_000, "geonames")
LATAKIA_CITY = Place("geonames:173579", "Latakia", 35.5317, 35.7901, "P", "PPLA", "SY", "02", 383_786,
                     "geonames")
AIRBASE = Place("curated:hmeimim-air-base", "Hmeimim Air Base", 35.4011, 35.9487, "S", "MILB", "SY", "", 0,
                "curated")
HMEIMIM_VILLAGE = Place("geonames:9999999", "Hmeimim", 35.41, 35.95, "P", "PPL", "SY", "02", 0, "geonames")


@dataclass
class FakeGazetteer:
    names: dict[str, list[Place]] = field(default_factory=dict)

    def lookup(self, name: str, *, limit: int = 20, **_: object) -> list[Match]:
        return [Match(p, name, "exact", 1.0) for p in self.names.get(name, [])][:limit]


def _mentions(text: str, *surfaces: str) -> list[Mention]:
    out, pos = [], 0
    for s in surfaces:
        start = text.index(s, pos)
        out.append(Mention("d", start, start + len(s), s))
        pos = start + len(s)
    return out


GAZ = FakeGazetteer({"Paris": [PARIS_FR, PARIS_TX], "Texas": [TEXAS], "France": [FRANCE],
                     "Latakia": [LATAKIA_CITY], "Hmeimim": [HMEIMIM_VILLAGE, AIRBASE]})


def test_population_and_capital_prior_wins_without_context() -> None:
    text = "Officials met in Paris."
    [rp] = ContextResolver(GAZ).resolve(_mentions(text, "Paris"), text=text)  # type: ignore[arg-type]
    assert rp.place == PARIS_FR


def test_containment_phrase_overrides_prior() -> None:
    text = "A storm hit Paris, Texas on Monday."
    rps = ContextResolver(GAZ).resolve(_mentions(text, "Paris", "Texas"), text=text)  # type: ignore[arg-type]
    assert [rp.place for rp in rps] == [PARIS_TX, TEXAS]


def test_curated_facility_beats_an_unpopulated_namesake() -> None:
    text = "Jets left Hmeimim, located in Latakia, at dawn."
    rps = ContextResolver(GAZ).resolve(_mentions(text, "Hmeimim", "Latakia"), text=text)  # type: ignore[arg-type]
    assert rps[0].place == AIRBASE
    assert haversine_km(rps[0].place.lat, rps[0].place.lon, 35.40, 35.95) < 2


def test_unknown_name_is_unresolved_with_a_reason() -> None:
    text = "They reached Atlantis."
    [rp] = ContextResolver(GAZ).resolve(_mentions(text, "Atlantis"), text=text)  # type: ignore[arg-type]
    assert rp.place is None and not rp.resolved
    assert rp.reason and "no gazetteer entry" in rp.reason


def test_one_sense_per_discourse() -> None:
    text = "Paris, Texas flooded. Later, Paris reopened schools."
    rps = ContextResolver(GAZ).resolve(_mentions(text, "Paris", "Texas", "Paris"), text=text)  # type: ignore[arg-type]
    assert rps[0].place == PARIS_TX and rps[2].place == PARIS_TX


def test_contains() -> None:
    assert contains(FRANCE, PARIS_FR) and not contains(FRANCE, PARIS_TX)
    assert contains(TEXAS, PARIS_TX)
    assert contains(LATAKIA_CITY, AIRBASE)  # 20 km apart
    assert not contains(PARIS_FR, PARIS_FR)
