"""Add places a user already has to the store: GeoNames dumps and own CSV/TSV/GeoJSON.

Supported files
---------------
* GeoNames place dumps — ``allCountries.zip``, ``citiesNNNN.zip``, ``XX.zip`` or the
  ``.txt`` inside (19 tab-separated columns). Places get ``geonames:<id>`` ids and
  replace the packaged place with the same id (so a full dump adds feature codes
  such as PPLA/ADM2/MILB and more alternate names).
* GeoNames alternate names — ``alternateNamesV2.zip`` / ``alternateNames.zip`` or the
  ``.txt``: names are added to places already in the store (import the places first).
* Your own table — ``.csv`` or ``.tsv`` with a header: ``name``, ``lat``, ``lon`` and
  optionally ``id``, ``aliases`` (``|`` or ``;`` separated), ``feature_code``,
  ``country_code``, ``admin1_name``, ``population``. Ids are ``user:<slug>``.
* GeoJSON — a FeatureCollection whose features have a ``name`` property (same
  optional properties as the table). Points are used as they are; other geometries
  by a representative point (shapely).

Imported places take part in lookup like the packaged ones. The store remembers
which files were imported and re-imports them when it is rebuilt.

This module reads those files into an open :class:`~gazetteer.store.StoreWriter`
(:func:`apply_import`); :func:`gazetteer.importers.import_file` imports one into a store.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from gazetteer.errors import GazetteerError
from gazetteer.model import Place
from gazetteer.sources import (
    ABBREVIATION,
    ALTERNATE,
    CAPITAL_BONUS,
    CODE,
    IMPORTANCE_ADMIN1,
    IMPORTANCE_COUNTRY,
    IMPORTANCE_USER,
    NAME,
    Entry,
    feature_class_of,
    is_code,
    population_importance,
)
from gazetteer.store import StoreWriter
from gazetteer.text import slugify

_GEONAMES_COLUMNS = 19
_ALT_SKIP_LANGS = {"link", "wkdt", "post", "unlc", "fr_1793", "phon", "piny"}
_ALT_CODE_LANGS = {"iata", "icao", "faac", "tcid"}
#: File name endings :func:`apply_import` knows.
IMPORTABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".geojson", ".json", ".zip", ".txt")
#: Largest population an imported place may have (the world has about 8e9 people).
MAX_POPULATION = 10**10
#: Longest name (or alias) an imported place may have, in characters.
MAX_NAME_LENGTH = 1000


def _population(value: object, where: str) -> int:
    """A population as an int in [0, MAX_POPULATION]; raise a one-line error otherwise."""
    if value is None or value == "":
        return 0
    try:
        number = float(value) if isinstance(value, str) and not value.strip().isdigit() \
            else value
        population = int(number)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        raise GazetteerError(f"{where}: population {str(value)[:40]!r} is not a number") from None
    if not 0 <= population <= MAX_POPULATION:
        raise GazetteerError(f"{where}: population {str(value)[:40]} is out of range "
                             f"(0 to {MAX_POPULATION:,})")
    return population


def _check_name(name: str, where: str) -> str:
    if len(name) > MAX_NAME_LENGTH:
        raise GazetteerError(f"{where}: a name of {len(name):,} characters (at most "
                             f"{MAX_NAME_LENGTH:,})")
    return name


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import added: places (new or replaced) and names."""

    path: str
    places: int
    names: int


# --- GeoNames dumps -------------------------------------------------------------------------

def _open_text(path: Path) -> Iterator[tuple[str, IO[str]]]:
    """Yield (member name, text stream) for a .txt or every .txt inside a .zip."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                if member.lower().endswith(".txt") and not member.lower().startswith("readme"):
                    with zf.open(member) as raw:
                        yield member, io.TextIOWrapper(raw, encoding="utf-8", newline="")
    else:
        with path.open(encoding="utf-8", newline="") as fh:
            yield path.name, fh


def _geonames_importance(fcode: str, fclass: str, population: int) -> float:
    if fcode.startswith("PCL"):
        return IMPORTANCE_COUNTRY
    if fcode == "PPLC":
        return population_importance(population) + CAPITAL_BONUS
    if fcode == "ADM1":
        return IMPORTANCE_ADMIN1
    if population > 0:
        return population_importance(population)
    # Unpopulated features (bases, mountains, rivers) rank like a hamlet of ~100 people.
    return 2.0 if fclass in ("S", "T", "H", "L") else 0.5


def read_geonames_places(
    stream: Iterable[str],
    *,
    source: str = "geonames dump",
    admin1_names: dict[tuple[str, str], str] | None = None,
) -> Iterator[Entry]:
    """Parse GeoNames ``allCountries``-format lines into entries.

    ``admin1_names`` maps ``(country code, admin1 code)`` to a region name for
    :attr:`Place.admin1_name` (the dump only has the code).
    """
    admin1_names = admin1_names or {}
    for lineno, line in enumerate(stream, start=1):
        cols = line.rstrip("\r\n").split("\t")
        if len(cols) < _GEONAMES_COLUMNS - 4:
            raise GazetteerError(
                f"line {lineno}: expected {_GEONAMES_COLUMNS} tab-separated GeoNames columns, "
                f"got {len(cols)}"
            )
        gid, name, ascii_name, alts = cols[0], cols[1], cols[2], cols[3]
        _check_name(name, f"line {lineno}")
        try:
            lat, lon = float(cols[4]), float(cols[5])
        except ValueError as exc:
            raise GazetteerError(f"line {lineno}: bad number in GeoNames row: {exc}") from exc
        population = _population(cols[14], f"line {lineno}") if len(cols) > 14 else 0
        fclass, fcode, cc = cols[6], cols[7], cols[8]
        admin1 = cols[10] if len(cols) > 10 else ""
        # Overlong alternate names are dropped, not fatal: one bad row in a dump of millions.
        aliases = [a for a in dict.fromkeys([ascii_name, *alts.split(",")])
                   if a and a != name and len(a) <= MAX_NAME_LENGTH]
        names = [(name, NAME)] + [(a, CODE if is_code(a) else ALTERNATE) for a in aliases]
        place = Place(
            place_id=f"geonames:{gid}", name=name, lat=lat, lon=lon,
            feature_class=fclass or feature_class_of(fcode), feature_code=fcode,
            country_code=cc, admin1=admin1, population=population, source=source,
            admin1_name=admin1_names.get((cc, admin1), ""), aliases=tuple(aliases),
        )
        yield Entry(place, names, _geonames_importance(fcode, fclass, population))


def _is_alternate_names(member: str, first_line: str) -> bool:
    cols = first_line.rstrip("\r\n").split("\t")
    return "alternatename" in member.lower() or (len(cols) in (8, 10) and cols[2].isalpha())


def apply_alternate_names(writer: StoreWriter, stream: Iterable[str]) -> int:
    """Add GeoNames alternate names to places already in the store; returns names added."""
    rowids = writer.rowids_with_prefix("geonames:")
    rows: list[tuple[int, str, int]] = []
    added = 0
    for line in stream:
        cols = line.rstrip("\r\n").split("\t")
        if len(cols) < 4:
            continue
        rowid = rowids.get(cols[1])
        lang, name = cols[2], cols[3]
        if rowid is None or not name or lang in _ALT_SKIP_LANGS:
            continue
        if lang in _ALT_CODE_LANGS:
            kind = CODE
        elif lang == "abbr":
            kind = ABBREVIATION
        else:
            kind = ALTERNATE
        rows.append((rowid, name, kind))
        if len(rows) >= 50_000:
            added += writer.add_names_by_rowid(rows)
            rows = []
    return added + writer.add_names_by_rowid(rows)


# --- user tables and GeoJSON ------------------------------------------------------------------

def _user_entry(props: dict[str, Any], lat: float, lon: float, slug: str, source: str) -> Entry:
    name = str(props.get("name") or "").strip()
    raw_aliases = props.get("aliases") or ""
    if isinstance(raw_aliases, list):
        aliases = [str(a).strip() for a in raw_aliases]
    else:
        aliases = [a.strip() for a in str(raw_aliases).replace(";", "|").split("|")]
    aliases = [a for a in dict.fromkeys(aliases) if a and a != name]
    for n in (name, *aliases):
        _check_name(n, "place")
    fcode = str(props.get("feature_code") or "LCTY").strip().upper()
    population = _population(props.get("population"), f"place {name[:80]!r}")
    place = Place(
        place_id=f"user:{slug}", name=name, lat=lat, lon=lon,
        feature_class=feature_class_of(fcode, "L"), feature_code=fcode,
        country_code=str(props.get("country_code") or "").strip().upper(),
        admin1_name=str(props.get("admin1_name") or "").strip(), population=population,
        source=source, aliases=tuple(aliases),
    )
    names = [(name, NAME)] + [(a, CODE if is_code(a) else ALTERNATE) for a in aliases]
    return Entry(place, names, max(IMPORTANCE_USER, population_importance(population)))


class _Slugs:
    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, base: str) -> str:
        slug = slugify(base)
        candidate, n = slug, 1
        while candidate in self.seen:
            n += 1
            candidate = f"{slug}-{n}"
        self.seen.add(candidate)
        return candidate


def read_table(path: Path) -> Iterator[Entry]:
    """Read a user CSV/TSV (header: name, lat, lon, [id, aliases, feature_code, ...])."""
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    slugs = _Slugs()
    source = f"user: {path.name}"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=delimiter)
        try:
            header = reader.fieldnames or []
            fields = {f.strip().lower() for f in header}
            missing = {"name", "lat", "lon"} - fields
            if missing:
                raise GazetteerError(
                    f"{path}: a places table needs the columns name, lat, lon (missing: "
                    f"{', '.join(sorted(missing))})"
                )
            for raw in reader:
                lineno = reader.line_num
                if None in raw or None in raw.values():
                    count = len(header) + len(raw.get(None) or []) - sum(
                        v is None for v in raw.values())
                    raise GazetteerError(f"{path}:{lineno}: a row of {count} fields under a "
                                         f"header of {len(header)} (ragged rows)")
                row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
                if not row.get("name"):
                    raise GazetteerError(f"{path}:{lineno}: empty name")
                try:
                    lat, lon = float(row["lat"]), float(row["lon"])
                except ValueError as exc:
                    raise GazetteerError(f"{path}:{lineno}: lat/lon must be numbers") from exc
                slug = slugs(row.get("id") or row["name"])
                try:
                    yield _user_entry(row, lat, lon, slug, source)
                except GazetteerError as exc:
                    raise GazetteerError(f"{path}:{lineno}: {exc}") from exc
        except csv.Error as exc:
            raise GazetteerError(f"{path}:{reader.line_num + 1}: not a readable table ({exc})") \
                from None


def read_geojson(path: Path) -> Iterator[Entry]:
    """Read a GeoJSON FeatureCollection of named features."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:200]
        raise GazetteerError(f"{path}: not readable GeoJSON ({reason})") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise GazetteerError(f"{path}: expected a GeoJSON FeatureCollection")
    slugs = _Slugs()
    source = f"user: {path.name}"
    for i, feat in enumerate(features):
        if not isinstance(feat, dict) or not isinstance(feat.get("properties") or {}, dict):
            raise GazetteerError(f"{path}: feature {i} is not a GeoJSON Feature")
        props = dict(feat.get("properties") or {})
        geom = feat.get("geometry") or {}
        if not props.get("name"):
            raise GazetteerError(f"{path}: feature {i} has no 'name' property")
        if isinstance(geom, dict) and geom.get("type") == "Point":
            try:
                lon, lat = (float(v) for v in geom["coordinates"][:2])
            except (KeyError, TypeError, ValueError):
                raise GazetteerError(f"{path}: feature {i} has unusable coordinates") from None
        else:
            try:
                from shapely.geometry import shape

                point = shape(geom).representative_point()
            except Exception as exc:
                raise GazetteerError(f"{path}: feature {i} has an unusable geometry") from exc
            lat, lon = point.y, point.x
        slug = slugs(str(props.get("id") or feat.get("id") or props["name"]))
        try:
            yield _user_entry(props, lat, lon, slug, source)
        except GazetteerError as exc:
            raise GazetteerError(f"{path}: feature {i}: {exc}") from None


# --- dispatch ----------------------------------------------------------------------------------

def apply_import(writer: StoreWriter, path: Path, *, progress: bool = False) -> ImportResult:
    """Import one file into an open writer; the kind of file is detected from its name/content.

    With ``progress``, GeoNames dumps (millions of lines) show a tqdm counter on stderr.
    """
    if not path.is_file():
        raise GazetteerError(f"cannot import {path}: no such file")
    before_places, before_names = writer.counts()
    before_replaced = writer.replaced
    try:
        _dispatch(writer, path, progress=progress)
    except UnicodeDecodeError as exc:
        raise GazetteerError(
            f"cannot import {path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} cannot "
            "be decoded; a binary file, or text in another encoding: save it as UTF-8)"
        ) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise GazetteerError(f"cannot import {path}: not a readable zip file ({exc})") from None
    except csv.Error as exc:
        raise GazetteerError(f"cannot import {path}: {exc}") from None
    after_places, after_names = writer.counts()
    return ImportResult(str(path),
                        after_places - before_places + writer.replaced - before_replaced,
                        after_names - before_names)


def _dispatch(writer: StoreWriter, path: Path, *, progress: bool) -> None:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".tab"):
        writer.add_many(read_table(path), replace=True)
    elif suffix in (".geojson", ".json"):
        writer.add_many(read_geojson(path), replace=True)
    elif suffix in (".zip", ".txt"):
        for member, stream in _open_text(path):
            first = stream.readline()
            if not first:
                continue
            lines: Iterable[str] = _chain(first, stream)
            if progress:
                from tqdm import tqdm

                lines = tqdm(lines, desc=f"Importing {member}", unit=" lines", unit_scale=True,
                             file=sys.stderr)
            where = str(path) if member == path.name else f"{path} ({member})"
            try:
                if _is_alternate_names(member, first):
                    apply_alternate_names(writer, lines)
                else:
                    writer.add_many(read_geonames_places(lines, source=f"geonames: {member}",
                                                         admin1_names=writer.admin1_names()),
                                    replace=True)
            except GazetteerError as exc:
                raise GazetteerError(f"{where}: {exc}") from None
    else:
        raise GazetteerError(
            f"cannot import {path}: use a GeoNames .zip/.txt dump, a .csv/.tsv table or .geojson"
        )


def _chain(first: str, rest: Iterable[str]) -> Iterator[str]:
    yield first
    yield from rest
