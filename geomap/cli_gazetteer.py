"""``geomap gazetteer build | info | lookup NAME | import FILE``: manage the offline gazetteer.

A thin layer over :mod:`gazetteer`. Errors are :class:`gazetteer.GazetteerError`
subclasses, which ``geomap``'s ``main`` turns into one line and exit status 1. An
unknown name is not an error: ``lookup`` prints ``no match`` (``[]`` with ``--json``)
and exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

_PLACE_FIELDS = ("place_id", "name", "lat", "lon", "feature_code", "country_code", "admin1",
                 "population", "source")


def register(subparsers: Any) -> None:
    """Add the ``gazetteer`` command and its subcommands to ``geomap``'s parser."""
    p = subparsers.add_parser(
        "gazetteer", help="build, inspect, query and extend the offline gazetteer",
        description="The gazetteer is an SQLite store built from PyPI-shipped place data into "
                    "the user cache directory ($GEOMAP_GAZETTEER overrides the path).")
    p.add_argument("--path", metavar="STORE", help="store file (default: $GEOMAP_GAZETTEER or "
                                                   "the user cache directory)")
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])
    sub = p.add_subparsers(dest="gazetteer_command", metavar="COMMAND")

    b = sub.add_parser("build", help="build the store (only if missing or broken, unless --force)")
    b.add_argument("--force", action="store_true", help="rebuild even if the store is fine")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.set_defaults(func=cmd_build)

    i = sub.add_parser("info", help="where the store is, its size and what it holds")
    i.add_argument("--json", action="store_true", help="print the information as JSON")
    i.set_defaults(func=cmd_info)

    lk = sub.add_parser("lookup", help="candidate places for a name, best first")
    lk.add_argument("name", metavar="NAME")
    lk.add_argument("--json", action="store_true", help="print a JSON array of candidates")
    lk.add_argument("--country", metavar="CC", help="keep places in this ISO2 country (or CC,CC)")
    lk.add_argument("--feature-class", metavar="CLASS",
                    help="keep these GeoNames feature classes (e.g. P, or PS)")
    lk.add_argument("--limit", type=int, default=10, metavar="N", help="at most N (default 10)")
    lk.add_argument("--no-fuzzy", action="store_true", help="no fuzzy fallback")
    lk.set_defaults(func=cmd_lookup)

    im = sub.add_parser(
        "import", help="add places from a GeoNames dump or your own CSV/TSV/GeoJSON",
        description="FILE: GeoNames allCountries.zip / citiesNNNN.zip / XX.zip / "
                    "alternateNamesV2.zip (or the .txt inside), or a .csv/.tsv with columns "
                    "name, lat, lon [, id, aliases, feature_code, country_code, admin1_name, "
                    "population], or a .geojson FeatureCollection with a name property.")
    im.add_argument("file", metavar="FILE")
    im.set_defaults(func=cmd_import)


def _path(args: argparse.Namespace) -> Any:
    return getattr(args, "path", None)


def cmd_build(args: argparse.Namespace) -> int:
    from gazetteer import Gazetteer, GazetteerUnavailable, build_gazetteer, default_path

    path = _path(args) or default_path()
    if not args.force:
        try:
            gaz = Gazetteer(path)
        except GazetteerUnavailable:
            from gazetteer.store import is_geomap_store

            target = Path(path)
            if target.exists() and target.stat().st_size and not is_geomap_store(target):
                raise GazetteerUnavailable(
                    f"{target} exists and is not a geomap gazetteer store; move it away, or "
                    "pass --force to replace it") from None
        else:
            print(f"gazetteer store is up to date: {gaz.path} (use --force to rebuild)")
            return 0
    built = build_gazetteer(path, progress=not args.quiet and sys.stderr.isatty())
    info = Gazetteer(built).info()
    print(f"built {built}: {info['places']:,} places, {info['names']:,} names, "
          f"{info['size_bytes'] / 1e6:.0f} MB in {info['build_seconds']:.1f} s")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from gazetteer import Gazetteer, default_path

    info = Gazetteer(_path(args) or default_path()).info()
    if args.json:
        print(json.dumps(info, indent=2, sort_keys=True, ensure_ascii=False))
        return 0
    print(f"path:        {info['path']}")
    print(f"size:        {info['size_bytes'] / 1e6:.1f} MB")
    print(f"built:       {info['built_at']} in {info['build_seconds']:.1f} s "
          f"(schema {info['schema_version']})")
    print(f"places:      {info['places']:,}   names: {info['names']:,}")
    for source, count in sorted(info["counts_by_source"].items(), key=lambda kv: -kv[1]):
        print(f"  {count:>9,}  {source}")
    if info["imports"]:
        print("imports:     " + "\n             ".join(info["imports"]))
    return 0


def cmd_lookup(args: argparse.Namespace) -> int:
    from gazetteer import GazetteerError, open_gazetteer

    if args.limit <= 0:
        raise GazetteerError("--limit must be a positive number")
    gaz = open_gazetteer(_path(args), progress=sys.stderr.isatty())
    matches = gaz.lookup(args.name, country=args.country, feature_class=args.feature_class,
                         fuzzy=not args.no_fuzzy, limit=args.limit)
    if args.json:
        out = [{**{f: getattr(m.place, f) for f in _PLACE_FIELDS},
                "admin1_name": m.place.admin1_name, "feature_class": m.place.feature_class,
                "matched_name": m.matched_name, "match_type": m.match_type, "score": m.score}
               for m in matches]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if not matches:
        print("no match")
        return 0
    for m in matches:
        p = m.place
        where = ", ".join(x for x in (p.admin1_name, p.country_code) if x)
        print(f"{p.place_id:<28} {p.name} ({where}) {p.feature_code} "
              f"{p.lat:.4f},{p.lon:.4f} pop={p.population:,} "
              f"[{m.match_type} '{m.matched_name}' {m.score:.2f}]")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from gazetteer.importers import import_file

    result = import_file(args.file, store=_path(args), progress=sys.stderr.isatty())
    print(f"imported {result.path}: {result.places:,} places, {result.names:,} names")
    return 0
