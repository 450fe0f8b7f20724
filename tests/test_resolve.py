"""The context resolver, on a tiny in-memory gazetteer (no store, no model)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gazetteer.geometry import distance_km, plausibly_contains
from gazetteer.model import Match, Place
from geomap.resolve import ContextResolver
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
    assert distance_km(rps[0].place.lat, rps[0].place.lon, 35.40, 35.95) < 2


def test_unknown_name_is_unresolved_with_a_reason() -> None:
    text = "They reached Atlantis."
    [rp] = ContextResolver(GAZ).resolve(_mentions(text, "Atlantis"), text=text)  # type: ignore[arg-type]
    assert rp.place is None and not rp.resolved
    assert rp.reason and "no gazetteer entry" in rp.reason


def test_one_sense_per_discourse() -> None:
    text = "Paris, Texas flooded. Later, Paris reopened schools."
    rps = ContextResolver(GAZ).resolve(_mentions(text, "Paris", "Texas", "Paris"), text=text)  # type: ignore[arg-type]
    assert rps[0].place == PARIS_TX and rps[2].place == PARIS_TX


def test_a_thing_named_after_a_town_lies_in_the_town_the_text_places_it_in() -> None:
    # "Paris Park" is no gazetteer name: read as the town that opens it, Paris, it would lie
    # far from the town the text puts it in; the name's later mentions follow
    text = "Police were called to Paris Park in Latakia on Monday. Paris Park was closed."
    rps = ContextResolver(GAZ).resolve(  # type: ignore[arg-type]
        _mentions(text, "Paris Park", "Latakia", "Paris Park"), text=text)
    assert [rp.place for rp in rps] == [LATAKIA_CITY, LATAKIA_CITY, LATAKIA_CITY]
    assert rps[0].mention.surface == "Paris Park"
    # a township after the town's name is a place of its own; ", the Latakia team" does not
    # put the park in Latakia
    for text, names in (("Paris Township, Latakia voted.", ("Paris Township", "Latakia")),
                        ("Paris Park, the Latakia team won.", ("Paris Park", "Latakia"))):
        rps = ContextResolver(GAZ).resolve(_mentions(text, *names), text=text)  # type: ignore[arg-type]
        assert rps[0].place == PARIS_FR, text
    # a town within 25 km of the one the text names keeps its reading (Hmeimim, near Latakia)
    text = "Jets used Hmeimim Field in Latakia."
    rps = ContextResolver(GAZ).resolve(_mentions(text, "Hmeimim Field", "Latakia"), text=text)  # type: ignore[arg-type]
    assert rps[0].place in (HMEIMIM_VILLAGE, AIRBASE)
    # without a container the longer name keeps the town's reading
    text = "Police were called to Paris Park on Monday."
    [rp] = ContextResolver(GAZ).resolve(_mentions(text, "Paris Park"), text=text)  # type: ignore[arg-type]
    assert rp.place == PARIS_FR


def test_plausibly_contains() -> None:
    assert plausibly_contains(FRANCE, PARIS_FR) and not plausibly_contains(FRANCE, PARIS_TX)
    assert plausibly_contains(TEXAS, PARIS_TX)
    assert plausibly_contains(LATAKIA_CITY, AIRBASE)  # 20 km apart
    assert not plausibly_contains(PARIS_FR, PARIS_FR)


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


GAZA_PROVINCE = Place("admin1:MZ.02", "Gaza", -24.69, 33.53, "A", "ADM1", "MZ", "02", 323_730, "admin1")
GAZA_CITY = Place("geonames:281133", "Gaza", 31.50, 34.47, "P", "PPL", "PS", "GZ", 410_000, "geonames")
MAPUTO = Place("geonames:1040652", "Maputo", -25.97, 32.58, "P", "PPLC", "MZ", "04", 1_191_613, "geonames")
VICTORIA_AU = Place("admin1:AU.07", "Victoria", -37.0, 144.0, "A", "ADM1", "AU", "07", 10_415_531, "admin1")
VICTORIA_CA = Place("geonames:6174041", "Victoria", 48.43, -123.37, "P", "PPL", "CA", "02", 289_625,
                    "geonames")
CHITTAGONG_DIV = Place("admin1:BD.84", "Chittagong", 22.5, 91.5, "A", "ADM1", "BD", "84", 5_810_370, "admin1")
CHATTOGRAM = Place("geonames:1205733", "Chattogram", 22.33, 91.84, "P", "PPLA", "BD", "84", 3_920_222,
                   "geonames")
DHAKA = Place("geonames:1185241", "Dhaka", 23.71, 90.41, "P", "PPLC", "BD", "81", 10_356_500, "geonames")
NEW_YORK_STATE = Place("admin1:US.NY", "New York", 43.0, -75.5, "A", "ADM1", "US", "NY", 25_371_908, "admin1")
NYC = Place("geonames:5128581", "New York City", 40.71, -74.01, "P", "PPL", "US", "NY", 8_804_190, "geonames")

RGAZ = TypedGazetteer({
    "Gaza": [(GAZA_PROVINCE, "exact"), (GAZA_CITY, "exact")], "Maputo": [(MAPUTO, "exact")],
    "Victoria": [(VICTORIA_AU, "exact"), (VICTORIA_CA, "exact")],
    "Chittagong": [(CHATTOGRAM, "alternate"), (CHITTAGONG_DIV, "exact")], "Dhaka": [(DHAKA, "exact")],
    "New York": [(NYC, "alternate"), (NEW_YORK_STATE, "exact")],
})


def test_more_populous_foreign_city_beats_a_same_named_province(gaz) -> None:  # type: ignore[no-untyped-def]
    # The store's own candidates (Gaza Strip, Gaza province of Mozambique, Gaza city), not a
    # hand-ordered list: the fitted weights read the store's lookup order as a feature.
    text = "Hundreds rallied in Gaza."
    [rp] = ContextResolver(gaz).resolve(_mentions(text, "Gaza"), text=text)
    assert rp.place is not None and rp.place.country_code == "PS"
    assert distance_km(rp.place.lat, rp.place.lon, GAZA_CITY.lat, GAZA_CITY.lon) < 20


def test_document_country_still_picks_the_province() -> None:
    text = "Floods hit Maputo and Gaza."
    rps = ContextResolver(RGAZ).resolve(_mentions(text, "Maputo", "Gaza"), text=text)  # type: ignore[arg-type]
    assert rps[1].place == GAZA_PROVINCE


def test_populous_region_keeps_its_weight_against_a_smaller_foreign_city() -> None:
    text = "Bushfires spread across Victoria."
    [rp] = ContextResolver(RGAZ).resolve(_mentions(text, "Victoria"), text=text)  # type: ignore[arg-type]
    assert rp.place == VICTORIA_AU


def test_seat_known_by_the_division_name_beats_the_division() -> None:
    text = "Floods hit Dhaka and Chittagong."
    rps = ContextResolver(RGAZ).resolve(_mentions(text, "Dhaka", "Chittagong"), text=text)  # type: ignore[arg-type]
    assert rps[1].place == CHATTOGRAM


def test_bare_name_of_an_x_city_means_the_region() -> None:
    text = "Lawmakers in New York passed the bill."
    [rp] = ContextResolver(RGAZ).resolve(_mentions(text, "New York"), text=text)  # type: ignore[arg-type]
    assert rp.place == NEW_YORK_STATE


@dataclass
class ScoredGazetteer:
    """Lookup returning fixed (place, match type, score) triples."""

    names: dict[str, list[tuple[Place, str, float]]] = field(default_factory=dict)

    def lookup(self, name: str, *, limit: int = 20, fuzzy: bool = True, **_: object) -> list[Match]:
        return [Match(p, name, t, s) for p, t, s in self.names.get(name, [])
                if fuzzy or t != "fuzzy"][:limit]


KOULOUAN = Place("geonames:2570408", "Koulouan", 7.1, -7.6, "P", "PPL", "CI", "", 7_785, "geonames")
BAMAKO = Place("geonames:2460596", "Bamako", 12.65, -8.0, "P", "PPLC", "ML", "", 1_297_281, "geonames")
KOULIKORO = Place("geonames:2454533", "Koulikoro", 12.86, -7.56, "P", "PPLA", "ML", "", 41_602, "geonames")
SGAZ = ScoredGazetteer({
    "Koulouba": [(KOULOUAN, "fuzzy", 0.74)], "Bamako": [(BAMAKO, "exact", 1.0)],
    "Kulikoro": [(KOULIKORO, "fuzzy", 0.8)], "Bamakko": [(BAMAKO, "fuzzy", 0.93)],
})


def test_weak_fuzzy_match_abroad_is_left_unresolved() -> None:
    text = "They met at Koulouba in Bamako."
    rps = ContextResolver(SGAZ).resolve(_mentions(text, "Koulouba", "Bamako"), text=text)  # type: ignore[arg-type]
    assert rps[0].place is None and rps[0].reason and "only a fuzzy match" in rps[0].reason
    assert rps[1].place == BAMAKO


def test_fuzzy_match_in_the_articles_country_or_close_is_kept() -> None:
    text = "Troops left Kulikoro for Bamako."
    rps = ContextResolver(SGAZ).resolve(_mentions(text, "Kulikoro", "Bamako"), text=text)  # type: ignore[arg-type]
    assert rps[0].place == KOULIKORO
    alone = "He flew to Bamakko."
    [rp] = ContextResolver(SGAZ).resolve(_mentions(alone, "Bamakko"), text=alone)  # type: ignore[arg-type]
    assert rp.place == BAMAKO


def test_adjective_of_a_region_resolves_to_the_region(gaz) -> None:  # type: ignore[no-untyped-def]
    # The demonym table knows "Syrian"; "South Ossetian" is the region's name plus "-n".
    text = "South Ossetian officials met in Tskhinvali."
    [rp] = ContextResolver(gaz).resolve(_mentions(text, "South Ossetian"), text=text)
    assert rp.place is not None and rp.place.name == "South Ossetia"
    assert rp.place.feature_class in ("A", "L")
    # not for names that merely end in "-an"
    other = "Susan said so."
    [rp] = ContextResolver(gaz).resolve(_mentions(other, "Susan"), text=other)
    assert rp.place is None or rp.place.feature_class not in ("A", "L")


def test_town_of_and_historic_name_the_place_itself(gaz) -> None:  # type: ignore[no-untyped-def]
    text = "The Town of Groton approved the budget; Historic Savannah drew visitors."
    groton, savannah = ContextResolver(gaz).resolve(
        _mentions(text, "Town of Groton", "Historic Savannah"), text=text)
    assert groton.place is not None and groton.place.name == "Groton"
    assert savannah.place is not None and savannah.place.name == "Savannah"


def test_bare_county_name_needs_the_articles_state(gaz) -> None:  # type: ignore[no-untyped-def]
    text = "Voters in DeKalb and Gwinnett County, Georgia, go to the polls."
    dekalb = ContextResolver(gaz).resolve(
        _mentions(text, "DeKalb", "Gwinnett County", "Georgia"), text=text)[0]
    assert dekalb.place is not None and dekalb.place.feature_code == "ADM2"
    assert dekalb.place.admin1_name == "Georgia"
    alone = "A new plant opens in DeKalb."
    [rp] = ContextResolver(gaz).resolve(_mentions(alone, "DeKalb"), text=alone)
    assert rp.place is not None and rp.place.feature_class == "P"  # the city, not a county


def test_a_county_does_not_lift_its_namesake_town_above_a_larger_one(gaz) -> None:  # type: ignore[no-untyped-def]
    # Arlington County, Virginia and its town; Arlington, Texas is larger.
    text = "Officials in Arlington approved the budget."
    [rp] = ContextResolver(gaz).resolve(_mentions(text, "Arlington"), text=text)
    assert rp.place is not None and rp.place.admin1_name == "Texas"
    text = "Officials in Arlington, Virginia approved the budget."
    rp = ContextResolver(gaz).resolve(_mentions(text, "Arlington", "Virginia"), text=text)[0]
    assert rp.place is not None and rp.place.admin1_name == "Virginia"


# -- famous names and their small namesakes (real gazetteer, shipped weights) -------------------
def _resolved(gaz, text: str, *surfaces: str) -> dict[str, Place | None]:  # type: ignore[no-untyped-def]
    return {rp.mention.surface: rp.place
            for rp in ContextResolver(gaz).resolve(_mentions(text, *surfaces), text=text)}


def test_countries_in_an_article_about_a_us_county_stay_countries(gaz) -> None:  # type: ignore[no-untyped-def]
    text = ("Harris County commissioners met in Houston on Tuesday. Growers from Pasadena and "
            "Baytown, Texas, said exports to China, Mexico and Canada fell.")
    places = _resolved(gaz, text, "Harris County", "Houston", "Pasadena", "Baytown", "Texas",
                       "China", "Mexico", "Canada")
    assert places["Houston"] is not None and places["Houston"].admin1 == "TX"
    for name, cc in (("China", "CN"), ("Mexico", "MX"), ("Canada", "CA")):
        place = places[name]
        assert place is not None and place.feature_code == "PCLI" and place.country_code == cc, name


def test_text_that_places_the_name_in_the_state_picks_the_town(gaz) -> None:  # type: ignore[no-untyped-def]
    text = "The fair moved from Columbia to Mexico, Missouri, this year."
    place = _resolved(gaz, text, "Columbia", "Mexico", "Missouri")["Mexico"]
    assert place is not None and place.feature_class == "P"
    assert (place.country_code, place.admin1) == ("US", "MO")


def test_washington_the_capital_or_the_state_by_context(gaz) -> None:  # type: ignore[no-untyped-def]
    capital = _resolved(gaz, "Officials in Washington and Moscow traded threats.",
                        "Washington", "Moscow")["Washington"]
    assert capital is not None and capital.feature_code == "PPLC" and capital.country_code == "US"
    text = "Wildfires spread from Spokane and Yakima across eastern Washington."
    state = _resolved(gaz, text, "Spokane", "Yakima", "Washington")["Washington"]
    assert state is not None and state.feature_code == "ADM1" and state.admin1 == "WA"


def test_cambridge_in_england_or_massachusetts_by_context(gaz) -> None:  # type: ignore[no-untyped-def]
    uk = _resolved(gaz, "Students travelled between Oxford, Cambridge and London.",
                   "Oxford", "Cambridge", "London")["Cambridge"]
    us = _resolved(gaz, "Rents rose in Boston, Somerville and Cambridge.",
                   "Boston", "Somerville", "Cambridge")["Cambridge"]
    assert uk is not None and uk.country_code == "GB"
    assert us is not None and (us.country_code, us.admin1) == ("US", "MA")


def test_congo_is_the_larger_country_unless_the_text_places_it_by_brazzaville(gaz) -> None:  # type: ignore[no-untyped-def]
    bare = _resolved(gaz, "Congo said it would hold talks with its neighbours.", "Congo")["Congo"]
    east = _resolved(gaz, "Thousands fled Goma as fighting spread across Congo.",
                     "Goma", "Congo")["Congo"]
    west = _resolved(gaz, "Police fired tear gas at protesters in Brazzaville, Congo.",
                     "Brazzaville", "Congo")["Congo"]
    assert bare is not None and (bare.country_code, bare.feature_code) == ("CD", "PCLI")
    assert east is not None and east.country_code == "CD"
    assert west is not None and (west.country_code, west.feature_code) == ("CG", "PCLI")


def test_each_holder_keeps_the_reading_that_holds_its_own_place(gaz) -> None:  # type: ignore[no-untyped-def]
    text = "Fans from Tbilisi, Georgia met fans from Atlanta, Georgia."
    rps = ContextResolver(gaz).resolve(_mentions(text, "Tbilisi", "Georgia", "Atlanta",
                                                 "Georgia"), text=text)
    assert [(rp.place.country_code, rp.place.feature_code) for rp in rps if rp.place] == [
        ("GE", "PPLC"), ("GE", "PCLI"), ("US", "PPL"), ("US", "ADM1")]
    # "outside" does not say the country holds the town
    text = "A town outside Congo was quiet while Brazzaville slept."
    rps = ContextResolver(gaz).resolve(_mentions(text, "Congo", "Brazzaville"), text=text)
    assert rps[0].place is not None and rps[0].place.country_code == "CD"


def test_people_of_a_state_and_canadian_province_abbreviations(gaz) -> None:  # type: ignore[no-untyped-def]
    text = "Minnesotans moved to Kelowna, B.C., and Red Deer, Alta."
    ms = _mentions(text, "Minnesotans", "Kelowna", "B.C.", "Red Deer", "Alta.")
    ms[0] = Mention("d", ms[0].start, ms[0].end, ms[0].surface, label="NORP")
    places = {rp.mention.surface: rp.place for rp in ContextResolver(gaz).resolve(ms, text=text)}
    assert places["Minnesotans"] is not None and places["Minnesotans"].name == "Minnesota"
    for name, code in (("B.C.", "02"), ("Alta.", "01")):
        place = places[name]
        assert place is not None and place.feature_code == "ADM1" and place.country_code == "CA"
        assert place.admin1 == code, name
