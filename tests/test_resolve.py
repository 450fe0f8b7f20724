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


GEORGIA_GE = Place("geonames:614540", "Georgia", 42.0, 43.5, "A", "PCLI", "GE", "", 3_700_000, "geonames")
GEORGIA_US = Place("admin1:US.GA", "Georgia", 32.75, -83.5, "A", "ADM1", "US", "GA", 0, "admin1")
ATLANTA = Place("geonames:4180439", "Atlanta", 33.749, -84.388, "P", "PPLA", "US", "GA", 463_878, "geonames")
KANSAS = Place("admin1:US.KS", "Kansas", 38.5, -98.5, "A", "ADM1", "US", "KS", 0, "admin1")
LATAKIA_PROVINCE = Place("admin1:SY.02", "Latakia", 35.6, 36.0, "A", "ADM1", "SY", "02", 0, "admin1")
SYRIA = Place("geonames:163843", "Syria", 35.0, 38.0, "A", "PCLI", "SY", "", 22_000_000, "geonames")


@dataclass
class TypedGazetteer:
    """Lookup by name with an explicit match type, filtered by country and class like the store."""

    names: dict[str, list[tuple[Place, str]]] = field(default_factory=dict)

    def lookup(self, name: str, *, limit: int = 20, country: str | None = None,
               feature_class: str | None = None, **_: object) -> list[Match]:
        return [Match(p, name, t, 1.0) for p, t in self.names.get(name, [])
                if (country is None or p.country_code == country)
                and (feature_class is None or p.feature_class in feature_class)][:limit]


TGAZ = TypedGazetteer({
    "Georgia": [(GEORGIA_GE, "exact"), (GEORGIA_US, "exact")], "Atlanta": [(ATLANTA, "exact")],
    "Kansas": [(KANSAS, "exact")], "Latakia": [(LATAKIA_PROVINCE, "exact"), (LATAKIA_CITY, "exact")],
    "Syrian": [(SYRIA, "demonym")], "Syria": [(SYRIA, "exact")],
})


def test_document_country_context_picks_the_us_state() -> None:
    text = "Storms hit Atlanta and much of Georgia."
    rps = ContextResolver(TGAZ).resolve(_mentions(text, "Atlanta", "Georgia"), text=text)  # type: ignore[arg-type]
    assert rps[1].place == GEORGIA_US
    alone = "Talks in Georgia."
    [rp] = ContextResolver(TGAZ).resolve(_mentions(alone, "Georgia"), text=alone)  # type: ignore[arg-type]
    assert rp.place == GEORGIA_GE


def test_state_abbreviation_resolves_to_the_state() -> None:
    text = "He lives in Wichita, Kan. now."
    [rp] = ContextResolver(TGAZ).resolve(_mentions(text, "Kan."), text=text)  # type: ignore[arg-type]
    assert rp.place == KANSAS


def test_capital_city_beats_its_same_named_province() -> None:
    text = "Protests spread in Latakia."
    [rp] = ContextResolver(TGAZ).resolve(_mentions(text, "Latakia"), text=text)  # type: ignore[arg-type]
    assert rp.place == LATAKIA_CITY


def test_demonym_mention_resolves_to_the_country_with_confidence() -> None:
    text = "Syrian troops left Latakia."
    ms = [Mention("d", 0, 6, "Syrian", "NORP"), Mention("d", 19, 26, "Latakia")]
    rps = ContextResolver(TGAZ).resolve(ms, text=text)  # type: ignore[arg-type]
    assert rps[0].place == SYRIA and 0.5 < rps[0].score <= 1.0
    assert rps[1].place == LATAKIA_CITY


def test_own_name_without_accents_beats_another_places_alternate_name() -> None:
    cancun = Place("geonames:3531673", "Cancún", 21.17, -86.85, "P", "PPL", "MX", "23", 888_797, "geonames")
    changchun = Place("geonames:2038180", "Changchun", 43.88, 125.32, "P", "PPL", "CN", "05", 4_714_996,
                      "geonames")
    gaz = TypedGazetteer({"Cancun": [(changchun, "alternate"), (cancun, "alternate")]})
    text = "They flew to Cancun."
    [rp] = ContextResolver(gaz).resolve(_mentions(text, "Cancun"), text=text)  # type: ignore[arg-type]
    assert rp.place == cancun
