"""Lookups on the full packaged gazetteer (the session ``gaz`` store from conftest)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from gazetteer import Gazetteer, Match
from gazetteer.text import compact, fold, slugify


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def top(gaz: Gazetteer, name: str, **kw: object) -> Match:
    matches = gaz.lookup(name, **kw)  # type: ignore[arg-type]
    assert matches, f"no match for {name!r}"
    return matches[0]


# --- text folding ---------------------------------------------------------------------------

@pytest.mark.parametrize("a,b", [
    ("Ṭarṭūs", "Tartus"), ("Ţarţūs", "TARTUS"), ("Al-Udeid", "al udeid"), ("Sana'a", "Sanaa"),
    ("St. Louis", "St Louis"), ("Köln", "koln"), ("Dolmabahçe", "Dolmabahce"),
    ("Øresund", "oresund"), ("Straße", "strasse"),
])
def test_fold_equates_spellings(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_fold_keeps_distinct_names_apart() -> None:
    assert fold("Paris") != fold("Parys")
    assert compact("U.S.") == "US" and compact("us") != "US"
    assert slugify("Hmeimim Air Base") == "hmeimim-air-base"


# --- must-hold lookups ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Hmeimim", "Khmeimim", "Humaymim", "Hmeimim air base",
                                  "KHMEIMIM", "Khmeimim Air Base"])
def test_hmeimim_spellings_give_the_air_base(gaz: Gazetteer, name: str) -> None:
    m = top(gaz, name)
    assert m.place.place_id == "curated:hmeimim-air-base"
    assert m.place.feature_code == "MILB" and m.place.country_code == "SY"
    assert km(m.place.lat, m.place.lon, 35.401, 35.949) < 3


@pytest.mark.parametrize("name", ["Tartous", "Tartus", "Ṭarṭūs", "tartous"])
def test_tartous_is_the_syrian_city(gaz: Gazetteer, name: str) -> None:
    m = top(gaz, name)
    assert m.place.country_code == "SY"
    assert (m.place.feature_class, m.place.feature_code) == ("P", "PPLA")  # governorate seat
    assert km(m.place.lat, m.place.lon, 34.889, 35.887) < 5


def test_syrian_is_syria(gaz: Gazetteer) -> None:
    m = top(gaz, "Syrian")
    assert m.place.name == "Syria" and m.place.feature_code == "PCLI"
    assert m.match_type == "demonym"
    assert gaz.country("SY") == m.place


@pytest.mark.parametrize("name,cc", [("Russian", "RU"), ("American", "US"), ("Iranian", "IR"),
                                     ("Israeli", "IL"), ("British", "GB"), ("Ukrainians", "UA")])
def test_demonyms(gaz: Gazetteer, name: str, cc: str) -> None:
    m = top(gaz, name)
    assert (m.place.country_code, m.place.feature_code) == (cc, "PCLI")


def test_paris_is_paris_france(gaz: Gazetteer) -> None:
    m = top(gaz, "Paris")
    assert (m.place.country_code, m.place.feature_code, m.match_type) == ("FR", "PPLC", "exact")


def test_paris_in_the_us_is_paris_texas(gaz: Gazetteer) -> None:
    matches = gaz.lookup("Paris", country="US")
    assert matches and all(m.place.country_code == "US" for m in matches)
    assert matches[0].place.admin1 == "TX"
    assert matches[0].place.admin1_name == "Texas"


@pytest.mark.parametrize("name,cc", [
    ("U.S.", "US"), ("US", "US"), ("USA", "US"), ("United States", "US"), ("UK", "GB"),
    ("U.K.", "GB"), ("Britain", "GB"), ("UAE", "AE"), ("DRC", "CD"), ("Türkiye", "TR"),
])
def test_abbreviations_and_short_names(gaz: Gazetteer, name: str, cc: str) -> None:
    m = top(gaz, name)
    assert (m.place.country_code, m.place.feature_code) == (cc, "PCLI")


def test_lowercase_us_is_not_the_united_states(gaz: Gazetteer) -> None:
    assert all(m.place.feature_code != "PCLI" for m in gaz.lookup("us"))


def test_airport_codes_are_case_sensitive(gaz: Gazetteer) -> None:
    assert top(gaz, "OSLK").place.place_id == "airport:OSLK"
    assert all(m.place.place_id != "airport:OSLK" for m in gaz.lookup("oslk", fuzzy=False))


@pytest.mark.parametrize("name,expect_cc,expect_class", [
    ("Damascus", "SY", "P"), ("Moscow", "RU", "P"), ("Washington", "US", "P"),
    ("Georgia", "GE", "A"), ("Latakia", "SY", "P"), ("Aleppo", "SY", "P"), ("Kiev", "UA", "P"),
])
def test_news_ranking(gaz: Gazetteer, name: str, expect_cc: str, expect_class: str) -> None:
    m = top(gaz, name)
    assert (m.place.country_code, m.place.feature_class) == (expect_cc, expect_class)


def test_admin1_regions_are_findable(gaz: Gazetteer) -> None:
    for name in ("Latakia Governorate", "Latakia province", "Latakia Province"):
        m = top(gaz, name)
        assert (m.place.feature_code, m.place.country_code) == ("ADM1", "SY"), name
    latakia = top(gaz, "Latakia", feature_class="A").place
    assert latakia.feature_code == "ADM1"
    assert gaz.admin1("SY", latakia.admin1) == latakia
    # The representative point is inside the governorate (near the coast, north of Tartus).
    assert km(latakia.lat, latakia.lon, 35.6, 36.0) < 60
    texas = top(gaz, "Texas")
    assert (texas.place.feature_code, texas.place.admin1) == ("ADM1", "TX")
    # A region not named after a town in it ranks above foreign towns of that name.
    assert top(gaz, "Florida").place.place_id == "admin1:US.FL"
    # ...but a region named after its capital ranks below the capital.
    assert top(gaz, "New York").place.feature_class == "P"


@pytest.mark.parametrize("name,place_id", [
    ("Jiangsu", "admin1:CN.04"), ("Zhejiang", "admin1:CN.02"), ("Tibet", "admin1:CN.14"),
    ("Xinjiang", "admin1:CN.13"), ("Guangxi", "admin1:CN.16"), ("Newfoundland", "admin1:CA.05"),
    ("Jiangsu Province", "admin1:CN.04"), ("Karelia", "admin1:RU.28"),
])
def test_admin1_regions_answer_to_their_common_names(
    gaz: Gazetteer, name: str, place_id: str
) -> None:
    """GeoNames writes "Jiangsu Sheng", "Xinjiang Uygur Zizhiqu": news writes "Jiangsu"."""
    assert top(gaz, name).place.place_id == place_id


def test_a_regions_short_name_leaves_its_namesake_city_first(gaz: Gazetteer) -> None:
    # "Lodz Voivodeship" answers to "Lodz", but the city comes first; a hamlet called
    # "Xinjiang" inside Xinjiang does not push the region down.
    lodz = gaz.lookup("Lodz")
    assert lodz[0].place.feature_class == "P" and lodz[0].place.country_code == "PL"
    assert "admin1:PL.74" in [m.place.place_id for m in lodz]
    assert gaz.lookup("Shanghai")[0].place.feature_class == "P"


def test_admin2_regions(gaz: Gazetteer) -> None:
    cook = top(gaz, "Cook County").place
    assert (cook.feature_code, cook.country_code, cook.admin1) == ("ADM2", "US", "IL")
    assert km(cook.lat, cook.lon, 41.84, -87.82) < 40
    gironde = top(gaz, "Gironde").place
    assert (gironde.feature_code, gironde.country_code) == ("ADM2", "FR")


@pytest.mark.parametrize("name,code", [("Middle East", "RGN"), ("the Levant", "RGN"),
                                       ("Sahel", "RGN"), ("the Gulf", "RGN"), ("Africa", "CONT"),
                                       ("West Asia", "RGN"), ("Horn of Africa", "RGN"),
                                       ("Iraqi Kurdistan", "RGN"), ("Strait of Hormuz", "STRT"),
                                       ("the Black Sea", "SEA"), ("Indian Ocean", "OCN"),
                                       ("Americas", "RGN"), ("the Americas", "RGN"),
                                       ("Northern Europe", "RGN"), ("West Coast", "RGN"),
                                       ("Bay of Bengal", "BAY"), ("the Himalayas", "MTS"),
                                       ("Great Lakes", "LKS"), ("the Nile", "STM")])
def test_regions_and_continents(gaz: Gazetteer, name: str, code: str) -> None:
    assert top(gaz, name).place.feature_code == code


@pytest.mark.parametrize("name,place_id", [("Atlantic", "region:atlantic-ocean"),
                                           ("Pacific", "region:pacific-ocean")])
def test_bare_ocean_names_give_the_ocean_first(gaz: Gazetteer, name: str, place_id: str) -> None:
    matches = gaz.lookup(name)
    assert matches[0].place.place_id == place_id
    # The towns of that name stay candidates for a resolver that has context for them.
    assert any(m.place.feature_class == "P" and m.place.name == name for m in matches[1:])


def test_physical_features_have_points_in_the_right_place(gaz: Gazetteer) -> None:
    for name, (lat, lon), radius in [("Atlantic", (0.0, -30.0), 2000),
                                     ("Bay of Bengal", (15.0, 88.0), 500),
                                     ("Lake Superior", (47.7, -87.5), 300)]:
        p = top(gaz, name).place
        assert km(p.lat, p.lon, lat, lon) < radius, name
        assert p.feature_class == "H", name


@pytest.mark.parametrize("name,slug", [
    ("Tartus naval base", "tartus-naval-facility"), ("Umayyad Mosque", "umayyad-mosque"),
    ("the Kremlin", "moscow-kremlin"), ("Pentagon", "pentagon"),
    ("Ramstein", "ramstein-air-base"), ("Incirlik", "incirlik-air-base"),
    ("Al Udeid", "al-udeid-air-base"), ("Diego Garcia", "diego-garcia"),
    ("Guantanamo", "guantanamo-bay-naval-base"), ("Rafah crossing", "rafah-crossing"),
    ("Bab al-Hawa", "bab-al-hawa-crossing"), ("Kerem Shalom", "kerem-shalom-crossing"),
    ("Allenby Bridge", "allenby-bridge"), ("Zaporizhzhia nuclear plant", "zaporizhzhia-npp"),
    ("Kakhovka dam", "kakhovka-dam"), ("Mosul Dam", "mosul-dam"), ("Evin prison", "evin-prison"),
    ("Saydnaya prison", "sednaya-prison"), ("Buckingham Palace", "buckingham-palace"),
    ("White House", "white-house"), ("Elysee", "elysee-palace"),
    ("Sevastopol naval base", "sevastopol-naval-base"),
])
def test_curated_facilities(gaz: Gazetteer, name: str, slug: str) -> None:
    assert top(gaz, name).place.place_id == f"curated:{slug}"


# --- fuzzy, filters, unknown ------------------------------------------------------------------

def test_fuzzy_fallback_has_a_lower_score(gaz: Gazetteer) -> None:
    m = top(gaz, "Damscus")
    assert m.match_type == "fuzzy"
    assert m.place.country_code == "SY" and m.place.name == "Damascus"
    assert 0.5 < m.score < top(gaz, "Damascus").score
    assert gaz.lookup("Damscus", fuzzy=False) == []


def test_other_romanisations_before_fuzzy(gaz: Gazetteer) -> None:
    # GeoNames has "Al Ḩawījah" / "Hawijah"; news writes "Hawija", "Al-Hawija". Fuzzy matching
    # alone took the nearest spelling of another place (Al 'Awja, in the West Bank).
    for written in ("Hawija", "Al-Hawija", "al Hawija"):
        m = top(gaz, written)
        assert (m.place.country_code, m.match_type) == ("IQ", "folded"), written
        assert m.score < top(gaz, "Hawijah").score
    assert gaz.lookup("Hawija", fuzzy=False) == []
    # a name found as written never takes a variant
    assert top(gaz, "Hama").match_type in ("exact", "alternate")


def test_admin_unit_without_its_generic_word(gaz: Gazetteer) -> None:
    # "deputies in Kandiyohi": the county, not the nearest spelling of some town
    m = top(gaz, "Kandiyohi")
    assert (m.place.name, m.place.feature_code, m.match_type) == \
        ("Kandiyohi County", "ADM2", "folded")
    assert gaz.lookup("Kandiyohi", fuzzy=False) == []
    assert all(x.place.feature_class == "A" for x in gaz.lookup("Ouachita", limit=10))
    # a name found as written keeps its own reading: the town, not a county of its name
    assert top(gaz, "Natchitoches").place.feature_class == "P"


def test_fuzzy_keeps_each_words_first_letter(gaz: Gazetteer) -> None:
    # a misspelling keeps the words; another word is another name ("North Raven", as close
    # to North Haven by edit distance as "Nort Haven", is not a way of writing it)
    assert top(gaz, "Nort Haven").place.name == "North Haven"
    assert all(m.place.name != "North Haven" for m in gaz.lookup("North Raven", limit=20))


def test_fuzzy_only_when_nothing_matches(gaz: Gazetteer) -> None:
    assert all(m.match_type != "fuzzy" for m in gaz.lookup("Paris", limit=50))


def test_unknown_names_return_nothing(gaz: Gazetteer) -> None:
    assert gaz.lookup("Xqzzyvwq Qqxz") == []
    assert gaz.lookup("") == []
    assert gaz.lookup("   ") == []
    assert not gaz.contains("Xqzzyvwq Qqxz")


def test_filters(gaz: Gazetteer) -> None:
    facilities = gaz.lookup("Hmeimim", feature_class="S")
    assert facilities and all(m.place.feature_class == "S" for m in facilities)
    assert gaz.lookup("Hmeimim", feature_class="P", fuzzy=False) == []
    fr = gaz.lookup("Paris", country="fr")
    assert fr and all(m.place.country_code == "FR" for m in fr)
    both = gaz.lookup("Paris", country="FR,US", limit=50)
    assert {m.place.country_code for m in both} == {"FR", "US"}
    assert len(gaz.lookup("Paris", limit=3)) == 3


def test_results_are_copies_and_deterministic(gaz: Gazetteer) -> None:
    first = gaz.lookup("Springfield", limit=10)
    first.clear()
    again = gaz.lookup("Springfield", limit=10)
    assert len(again) == 10
    assert [m.place.place_id for m in again] == [
        m.place.place_id for m in Gazetteer(gaz.path).lookup("Springfield", limit=10)
    ]


def test_contains_is_consistent_with_lookup(gaz: Gazetteer) -> None:
    for name in ("Khmeimim", "U.S.", "Syrian", "Ṭarṭūs", "Middle East"):
        assert gaz.contains(name), name
    assert not gaz.contains("Damscus")  # fuzzy does not count


# --- ids, nearest, enumeration, info -----------------------------------------------------------

def test_get(gaz: Gazetteer) -> None:
    place = gaz.get("curated:hmeimim-air-base")
    assert place is not None and place.name == "Hmeimim Air Base"
    assert "Khmeimim" in place.aliases
    damascus = gaz.get("geonames:170654")
    assert damascus is not None and damascus.name == "Damascus"
    assert gaz.get("geonames:0") is None
    assert gaz.get("nonsense") is None


def test_near(gaz: Gazetteer) -> None:
    (place, dist), = gaz.near(35.401, 35.949)
    assert place.place_id == "curated:hmeimim-air-base" and dist < 0.5
    five = gaz.near(33.51, 36.29, k=5)
    dists = [d for _, d in five]
    assert len(five) == 5 and dists == sorted(dists)
    cities = gaz.near(35.401, 35.949, k=3, feature_class="P")
    assert all(p.feature_class == "P" for p, _ in cities)
    assert all(d > 0.5 for _, d in cities)


def test_country_and_admin1(gaz: Gazetteer) -> None:
    syria = gaz.country("sy")
    assert syria is not None and syria.feature_code == "PCLI"
    assert gaz.country("ZZ") is None
    assert gaz.admin1("SY", "nope") is None


def test_iter_names(gaz: Gazetteer) -> None:
    curated = list(gaz.iter_names(sources=["curated"]))
    assert ("Khmeimim", "curated:hmeimim-air-base") in curated
    assert all(pid.startswith("curated:") for _, pid in curated)
    big = gaz.iter_names(feature_classes=["P"], min_population=2_000_000)
    ids = {pid for _, pid in big}
    assert "geonames:2988507" in ids  # Paris
    assert all(gaz.get(pid).population >= 2_000_000 for pid in ids)  # type: ignore[union-attr]
    assert ("OSLK", "airport:OSLK") not in set(gaz.iter_names(sources=["airport"]))


def test_info(gaz: Gazetteer) -> None:
    info = gaz.info()
    assert info["places"] > 250_000
    assert info["counts_by_id_prefix"]["curated"] >= 250
    assert info["counts_by_id_prefix"]["admin1"] > 3000
    assert info["counts_by_id_prefix"]["admin2"] > 10000
    assert info["size_bytes"] == gaz.path.stat().st_size


@pytest.mark.slow
def test_geonames_import_into_the_full_store(gaz: Gazetteer, tmp_path: Path) -> None:
    import shutil

    from gazetteer.importers import import_file

    store = tmp_path / "full.sqlite"
    shutil.copyfile(gaz.path, store)
    dump = tmp_path / "SY.txt"
    row = ["99000003", "Qwertz Naval Pier", "Qwertz Naval Pier", "QNP Tartus", "34.90", "35.87",
           "S", "PIER", "SY", "", "14", "", "", "", "0", "", "", "Asia/Damascus", "2024-01-01"]
    dump.write_text("\t".join(row) + "\n", encoding="utf-8")
    assert import_file(dump, store=store).places == 1
    pier = Gazetteer(store).lookup("QNP Tartus")[0].place
    assert (pier.place_id, pier.admin1_name, pier.feature_class) == ("geonames:99000003",
                                                                     "Tartus", "S")


def test_capitals_and_country_names_resolve_to_their_country(gaz: Gazetteer) -> None:
    """Across every country GeoNames knows: a broad check of the ranking."""
    from gazetteer.sources import _geonames_countries

    countries = _geonames_countries()["country"]
    capitals = [(cc, row["capital"]) for cc, row in countries.items() if row.get("capital")]
    capital_hits = sum(
        1 for cc, cap in capitals
        if (m := gaz.lookup(cap, limit=1)) and m[0].place.country_code == cc)
    # The misses are shared names of small territories' capitals (Kingston, Victoria, ...).
    assert capital_hits / len(capitals) > 0.95
    name_hits = sum(
        1 for cc, row in countries.items()
        if (m := gaz.lookup(row["name"], limit=1)) and m[0].place.country_code == cc)
    assert name_hits / len(countries) > 0.97
    kosovo = top(gaz, "Kosovo").place
    assert (kosovo.country_code, kosovo.feature_code) == ("XK", "PCLI")


def test_a_citys_own_name_is_not_another_villages_alternate(gaz: Gazetteer) -> None:
    found = gaz.lookup("Novorossiysk", fuzzy=False, limit=50)
    assert found[0].place.place_id == "geonames:518255"
    # No much smaller place may answer to a big city's own name by an alternate name.
    city_pop = found[0].place.population
    small_alternates = [m.place.place_id for m in found
                        if m.match_type == "alternate" and m.place.feature_class == "P"
                        and m.place.population * 100 <= city_pop]
    assert small_alternates == []
    ua = gaz.lookup("Novorossiysk", country="UA", fuzzy=False)
    assert all(m.match_type != "alternate" or m.place.population * 100 > city_pop for m in ua)
