"""Store building, integrity, concurrency, importers, the geopy geocoder and the CLI.

These tests build small stores (countries, regions, curated facilities) in temporary
directories, so they take about a second each and never touch the user cache.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from gazetteer import (
    Gazetteer,
    GazetteerError,
    GazetteerUnavailable,
    build_gazetteer,
    open_gazetteer,
)
from gazetteer import sources as sources_mod
from gazetteer.importers import import_file
from gazetteer.store import StoreWriter, is_geomap_store

SMALL = ("countries", "regions", "curated")


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_gazetteer(tmp_path_factory.mktemp("gaz") / "small.sqlite", progress=False,
                           sources=SMALL)


@pytest.fixture()
def store_copy(small_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "copy.sqlite"
    shutil.copyfile(small_store, path)
    return path


# --- build and integrity -----------------------------------------------------------------

def test_small_store_works(small_store: Path) -> None:
    gaz = Gazetteer(small_store)
    assert gaz.lookup("Hmeimim")[0].place.place_id == "curated:hmeimim-air-base"
    assert gaz.lookup("Syrian")[0].place.name == "Syria"
    info = gaz.info()
    assert info["sources"] == list(SMALL)
    assert set(info["counts_by_id_prefix"]) >= {"curated", "region", "geonames"}
    assert not list(small_store.parent.glob(".*.tmp")), "temporary files left behind"


def test_missing_store_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(GazetteerUnavailable, match=r"geomap gazetteer --path \S+ build"):
        Gazetteer(tmp_path / "nothing.sqlite")


@pytest.mark.parametrize("damage", ["unmarked", "truncate", "incomplete", "empty"])
def test_damaged_store_is_detected_and_rebuilt(store_copy: Path, damage: str) -> None:
    if damage == "unmarked":  # written before stores carried the marker, and outdated
        conn = sqlite3.connect(store_copy)
        conn.execute("DELETE FROM meta WHERE key IN ('format', 'complete')")
        conn.commit()
        conn.execute("PRAGMA application_id = 0")
        conn.close()
        assert int.from_bytes(store_copy.read_bytes()[68:72], "big") == 0
        assert is_geomap_store(store_copy)
    elif damage == "truncate":
        with store_copy.open("r+b") as fh:
            fh.truncate(store_copy.stat().st_size // 2)
    elif damage == "incomplete":
        conn = sqlite3.connect(store_copy)
        conn.execute("DELETE FROM meta WHERE key = 'complete'")
        conn.commit()
        conn.close()
    else:
        store_copy.write_bytes(b"")
    with pytest.raises(GazetteerUnavailable, match=r"geomap gazetteer --path \S+ build"):
        Gazetteer(store_copy)
    gaz = open_gazetteer(store_copy, progress=False, sources=SMALL)
    assert gaz.lookup("Khmeimim")[0].place.place_id == "curated:hmeimim-air-base"


def _foreign_file(path: Path, kind: str) -> bytes:
    if kind == "sqlite":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE precious(x TEXT)")
        conn.execute("INSERT INTO precious VALUES ('keep me')")
        conn.commit()
        conn.close()
    elif kind == "sqlite-meta":  # has a table called meta, but is not ours
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE meta(key TEXT, value TEXT)")
        conn.execute("INSERT INTO meta VALUES ('owner', 'someone else')")
        conn.commit()
        conn.close()
    else:
        path.write_bytes(b"\x00junk bytes, maybe a photo\xff" * 300)
    return path.read_bytes()


@pytest.mark.parametrize("kind", ["sqlite", "sqlite-meta", "junk"])
def test_open_gazetteer_never_replaces_a_foreign_file(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "mydata.db"
    before = _foreign_file(path, kind)
    assert not is_geomap_store(path)
    expected = (f"{path} exists and is not a geomap gazetteer store; move it away or set "
                "GEOMAP_GAZETTEER to another path")
    for rebuild in (False, True):
        with pytest.raises(GazetteerUnavailable) as info:
            open_gazetteer(path, progress=False, sources=SMALL, rebuild=rebuild)
        assert str(info.value) == expected
    csv_file = tmp_path / "p.csv"
    csv_file.write_text("name,lat,lon\nQwertz Crossing,31.0,35.0\n", encoding="utf-8")
    with pytest.raises(GazetteerUnavailable, match="not a geomap gazetteer store"):
        import_file(csv_file, store=path)
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(path))
    code, out, err = _cli(["gazetteer", "lookup", "Paris"], capsys)
    assert (code, out, err) == (1, "", f"geomap: error: {expected}\n")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp") == []


def test_a_directory_at_the_store_path_is_refused(tmp_path: Path) -> None:
    (tmp_path / "store.sqlite").mkdir()
    with pytest.raises(GazetteerUnavailable, match="not a geomap gazetteer store"):
        open_gazetteer(tmp_path / "store.sqlite", progress=False, sources=SMALL)


def test_a_store_being_written_is_already_marked_as_ours(tmp_path: Path) -> None:
    writer = StoreWriter(tmp_path / "partial.sqlite")
    try:
        assert is_geomap_store(tmp_path / "partial.sqlite")
    finally:
        writer.abort()
    assert not (tmp_path / "partial.sqlite").exists()
    assert not is_geomap_store(tmp_path / "partial.sqlite")


def test_advice_names_a_store_path_that_is_not_the_default(
    small_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    junk = tmp_path / "garbage file.sqlite"  # a damaged store of ours: safe to rebuild over
    junk.write_bytes(small_store.read_bytes()[:8192])
    monkeypatch.delenv("GEOMAP_GAZETTEER", raising=False)
    quoted = f"'{junk}'"
    with pytest.raises(GazetteerUnavailable) as info:
        Gazetteer(junk)
    assert f"run `geomap gazetteer --path {quoted} build --force`" in str(info.value)
    with pytest.raises(GazetteerUnavailable) as info:
        Gazetteer(tmp_path / "none.sqlite")
    assert str(info.value).endswith(
        f"run `geomap gazetteer --path {tmp_path / 'none.sqlite'} build`")
    # At the default path (here via the environment) plain `build` is the right advice.
    monkeypatch.setenv("GEOMAP_GAZETTEER", str(junk))
    with pytest.raises(GazetteerUnavailable) as info:
        Gazetteer(junk)
    assert "--path" not in str(info.value)
    assert "run `geomap gazetteer build`" in str(info.value)


def test_outdated_store_is_rebuilt_by_open_gazetteer(store_copy: Path) -> None:
    conn = sqlite3.connect(store_copy)
    conn.execute("UPDATE meta SET value = 'stale' WHERE key = 'fingerprint'")
    conn.commit()
    conn.close()
    assert Gazetteer(store_copy).info()["fingerprint"] == "stale"  # still opens as is
    gaz = open_gazetteer(store_copy, progress=False)
    assert gaz.info()["fingerprint"] not in ("", "stale")


def test_failed_build_leaves_the_old_store_alone(
    store_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = store_copy.read_bytes()

    def broken() -> Iterator[sources_mod.Entry]:
        yield from sources_mod.iter_regions()
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(sources_mod.SOURCE_READERS, "regions", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        build_gazetteer(store_copy, progress=False, sources=SMALL)
    assert store_copy.read_bytes() == before
    assert not list(store_copy.parent.glob(".*.tmp"))
    assert Gazetteer(store_copy).lookup("Hmeimim")


def test_unknown_source_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="unknown gazetteer sources"):
        build_gazetteer(tmp_path / "x.sqlite", progress=False, sources=["moon"])


def test_default_path_honours_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gazetteer import default_path

    monkeypatch.setenv("GEOMAP_GAZETTEER", str(tmp_path / "env.sqlite"))
    assert default_path() == tmp_path / "env.sqlite"


def test_progress_bar_goes_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_gazetteer(tmp_path / "p.sqlite", progress=True, sources=("regions",))
    captured = capsys.readouterr()
    assert "Building gazetteer" in captured.err and captured.out == ""


# --- concurrency ----------------------------------------------------------------------------

def _lookup_in_child(path: str) -> list[str]:
    gaz = Gazetteer(path)
    out = []
    for _ in range(200):
        out = [m.place.place_id for m in gaz.lookup("Tartus naval base")]
        out += [m.place.place_id for m in gaz.lookup("Russian")]
    return out


def test_concurrent_readers_in_several_processes(small_store: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(3) as pool:
        results = pool.map(_lookup_in_child, [str(small_store)] * 6)
    expected = _lookup_in_child(str(small_store))
    assert expected[0] == "curated:tartus-naval-facility"
    assert all(r == expected for r in results)


def test_threads_share_one_gazetteer(small_store: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    gaz = Gazetteer(small_store, cache_size=0)  # no cache: every call reaches SQLite
    names = ["Hmeimim", "Syrian", "Kremlin", "Umayyad Mosque", "Pentagon", "Rafah crossing"] * 50

    def first_id(name: str) -> str:
        return gaz.lookup(name, fuzzy=False)[0].place.place_id

    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(first_id, names))
    assert threaded == [first_id(n) for n in names]
    assert gaz.near(35.401, 35.949)[0][0].place_id == "curated:hmeimim-air-base"


def _use_inherited(gaz: Gazetteer, queue: multiprocessing.Queue) -> None:
    queue.put(gaz.lookup("Umayyad Mosque", fuzzy=False)[0].place.place_id)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_child_reopens_its_own_connection(small_store: Path) -> None:
    gaz = Gazetteer(small_store)
    gaz.lookup("Hmeimim")  # open the connection in the parent first
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_use_inherited, args=(gaz, queue))
    proc.start()
    proc.join(30)
    assert proc.exitcode == 0
    assert queue.get(timeout=5) == "curated:umayyad-mosque"


def test_gazetteer_pickles_as_a_reopen(small_store: Path) -> None:
    import pickle

    gaz = Gazetteer(small_store, cache_size=10)
    gaz.lookup("Hmeimim")
    clone = pickle.loads(pickle.dumps(gaz))
    assert clone is not gaz and clone.path == gaz.path
    assert clone.lookup("Hmeimim") == gaz.lookup("Hmeimim")


def test_unwritable_location_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(GazetteerUnavailable, match="cannot create"):
        build_gazetteer(blocker / "sub" / "g.sqlite", progress=False, sources=("regions",))


# --- importers ---------------------------------------------------------------------------------

def test_import_csv(store_copy: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "mine.csv"
    csv_file.write_text(
        "name,lat,lon,aliases,feature_code,country_code,population\n"
        "Camp Qwertz,35.10,36.20,Qwertz base|Base Qwertz,MILB,SY,\n"
        "Qwertz Village,35.12,36.22,,PPL,SY,1200\n", encoding="utf-8")
    result = import_file(csv_file, store=store_copy)
    assert result.places == 2 and result.names >= 4
    gaz = Gazetteer(store_copy)
    m = gaz.lookup("Base Qwertz")[0]
    assert m.place.place_id == "user:camp-qwertz"
    assert (m.place.feature_code, m.place.feature_class, m.place.country_code) == ("MILB", "S",
                                                                                   "SY")
    assert gaz.get("user:qwertz-village").population == 1200  # type: ignore[union-attr]
    assert str(csv_file.resolve()) in gaz.info()["imports"]
    # Importing again replaces, it does not duplicate.
    import_file(csv_file, store=store_copy)
    assert len(Gazetteer(store_copy).lookup("Camp Qwertz", fuzzy=False)) == 1


def test_imports_survive_a_rebuild(store_copy: Path, tmp_path: Path) -> None:
    tsv = tmp_path / "mine.tsv"
    tsv.write_text("name\tlat\tlon\nQwertzhausen\t50.0\t8.0\n", encoding="utf-8")
    import_file(tsv, store=store_copy)
    build_gazetteer(store_copy, progress=False, sources=SMALL)
    assert Gazetteer(store_copy).lookup("Qwertzhausen")[0].place.place_id == "user:qwertzhausen"


def test_import_geojson(store_copy: Path, tmp_path: Path) -> None:
    gj = tmp_path / "mine.geojson"
    gj.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [36.5, 34.5]},
         "properties": {"name": "Qwertz Ridge", "aliases": ["QR Hill"], "feature_code": "MT"}},
        {"type": "Feature", "properties": {"name": "Qwertz Field"}, "geometry": {
            "type": "Polygon", "coordinates": [[[10, 50], [11, 50], [11, 51], [10, 51],
                                                 [10, 50]]]}},
    ]}), encoding="utf-8")
    import_file(gj, store=store_copy)
    gaz = Gazetteer(store_copy)
    ridge = gaz.lookup("QR Hill")[0].place
    assert (ridge.lat, ridge.lon, ridge.feature_class) == (34.5, 36.5, "T")
    field = gaz.lookup("Qwertz Field")[0].place
    assert 50 < field.lat < 51 and 10 < field.lon < 11


def _geonames_row(gid: int, name: str, alts: str, lat: float, lon: float, fclass: str,
                  fcode: str, cc: str, pop: int) -> str:
    cols = [str(gid), name, name, alts, str(lat), str(lon), fclass, fcode, cc, "", "02", "",
            "", "", str(pop), "", "10", "Asia/Damascus", "2024-01-01"]
    return "\t".join(cols) + "\n"


def test_import_geonames_dump_and_alternate_names(store_copy: Path, tmp_path: Path) -> None:
    dump = tmp_path / "SY.zip"
    with zipfile.ZipFile(dump, "w") as zf:
        zf.writestr("SY.txt", _geonames_row(99000001, "Qwertz Airfield", "Qwertz AB,QWZX",
                                            35.3, 35.9, "S", "AIRF", "SY", 0)
                    + _geonames_row(99000002, "Qwertzabad", "", 35.2, 35.95, "P", "PPL", "SY",
                                    4000))
        zf.writestr("readme.txt", "not data")
    result = import_file(dump, store=store_copy)
    assert result.places == 2
    alt = tmp_path / "alternateNamesV2.zip"
    with zipfile.ZipFile(alt, "w") as zf:
        zf.writestr("alternateNamesV2.txt",
                    "1\t99000002\ten\tQwertzabad Town\t1\t\t\t\t\t\n"
                    "2\t99000002\tlink\thttps://example.org/q\t\t\t\t\t\t\n"
                    "3\t99000001\ticao\tQWZY\t\t\t\t\t\t\n"
                    "4\t12345678999\ten\tNowhere Place\t\t\t\t\t\t\n")
    result = import_file(alt, store=store_copy)
    assert result.places == 0 and result.names == 2
    gaz = Gazetteer(store_copy)
    airfield = gaz.lookup("Qwertz AB")[0].place
    assert (airfield.place_id, airfield.feature_code) == ("geonames:99000001", "AIRF")
    assert (airfield.admin1, airfield.admin1_name) == ("02", "")  # no admin-1 in a small store
    assert gaz.lookup("QWZX")[0].place.place_id == "geonames:99000001"
    assert gaz.lookup("QWZY")[0].place.place_id == "geonames:99000001"
    assert gaz.lookup("Qwertzabad Town")[0].place.place_id == "geonames:99000002"
    assert gaz.lookup("https://example.org/q", fuzzy=False) == []


@pytest.mark.parametrize("content,message", [
    ("name,lat\nX,1\n", "name, lat, lon"),
    ("name,lat,lon\nX,north,1\n", "lat/lon must be numbers"),
    ("name,lat,lon\nX,91,1\n", "out of range"),
])
def test_bad_user_tables_are_clear_errors(store_copy: Path, tmp_path: Path, content: str,
                                          message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    before = store_copy.read_bytes()
    with pytest.raises(GazetteerError, match=message):
        import_file(bad, store=store_copy)
    assert store_copy.read_bytes() == before


def test_import_rejects_unknown_file_types(store_copy: Path, tmp_path: Path) -> None:
    odd = tmp_path / "places.xlsx"
    odd.write_bytes(b"PK")
    with pytest.raises(GazetteerError, match="cannot import"):
        import_file(odd, store=store_copy)
    with pytest.raises(GazetteerError, match="no such file"):
        import_file(tmp_path / "missing.csv", store=store_copy)


# --- geopy geocoder ----------------------------------------------------------------------------

def test_geocoder(small_store: Path) -> None:
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders.base import Geocoder
    from geopy.location import Location

    from gazetteer.geocoders import GazetteerGeocoder

    geo = GazetteerGeocoder(Gazetteer(small_store))
    assert isinstance(geo, Geocoder)
    loc = geo.geocode("Khmeimim")
    assert isinstance(loc, Location)
    assert loc.raw["place_id"] == "curated:hmeimim-air-base"
    assert abs(loc.latitude - 35.401) < 0.05 and abs(loc.longitude - 35.949) < 0.05
    assert "Syria" in loc.address
    many = geo.geocode("Kremlin", exactly_one=False, limit=3)
    assert isinstance(many, list) and many[0].raw["place_id"] == "curated:moscow-kremlin"
    assert geo.geocode("Xqzzyvwq Qqxz") is None
    back = geo.reverse((35.40, 35.95))
    assert back is not None and back.raw["place_id"] == "curated:hmeimim-air-base"
    assert back.raw["distance_km"] < 1
    nearest = geo.reverse("33.5116, 36.3065", exactly_one=False, limit=2)
    assert nearest[0].raw["place_id"] == "curated:umayyad-mosque"
    geocode = RateLimiter(geo.geocode, min_delay_seconds=0)
    results = [geocode(q) for q in ("Tartus naval base", "Syrian", "Kremlin")]
    assert [r.raw["place_id"] for r in results] == [
        "curated:tartus-naval-facility", "geonames:163843", "curated:moscow-kremlin"]
    reverse = RateLimiter(geo.reverse, min_delay_seconds=0)
    assert reverse((55.752, 37.6175)).raw["place_id"] == "curated:moscow-kremlin"


def test_geocoder_understands_place_comma_region(gaz: Gazetteer) -> None:
    from gazetteer.geocoders import GazetteerGeocoder

    geo = GazetteerGeocoder(gaz)

    def raw(query: str | dict[str, str]) -> dict[str, object]:
        loc = geo.geocode(query)
        assert loc is not None, query
        return dict(loc.raw)

    assert raw("Paris, Texas")["admin1"] == "TX"
    assert raw("Paris, US")["country_code"] == "US"
    assert raw({"city": "Paris", "country": "France"})["country_code"] == "FR"
    assert raw("Tartous")["country_code"] == "SY"


def test_geocoder_lists_a_city_once_not_also_its_namesake_district(gaz: Gazetteer) -> None:
    from gazetteer.geocoders import GazetteerGeocoder

    found = GazetteerGeocoder(gaz).geocode("Paris", exactly_one=False, limit=3)
    assert found is not None and len(found) == 3
    assert found[0].raw["place_id"] == "geonames:2988507"
    points = {(round(loc.latitude, 1), round(loc.longitude, 1)) for loc in found}
    assert len(points) == 3, [loc.raw["place_id"] for loc in found]
    assert all(loc.raw["feature_class"] == "P" for loc in found)


def test_collapse_namesakes_keeps_the_town_and_distant_or_other_divisions() -> None:
    from gazetteer.geocoders import _collapse_namesakes
    from gazetteer.model import Match, Place

    def m(pid: str, name: str, lat: float, lon: float, fcl: str, code: str) -> Match:
        return Match(Place(pid, name, lat, lon, fcl, code, "XX"), name, "exact")

    district = m("admin2:x", "Sometown", 10.0, 10.0, "A", "ADM2")
    town = m("geonames:1", "Sometown", 10.02, 10.01, "P", "PPLA")
    region = m("admin1:y", "Sometown", 12.0, 10.0, "A", "ADM1")
    other = m("admin2:z", "Othertown", 10.0, 10.0, "A", "ADM2")
    assert _collapse_namesakes([district, town, region, other]) == [town, region, other]
    assert _collapse_namesakes([district, other]) == [district, other]


# --- CLI ----------------------------------------------------------------------------------------

def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from geomap.cli import main

    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_lookup_json(small_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(["gazetteer", "--path", str(small_store), "lookup", "Hmeimim",
                         "--json"], capsys)
    assert code == 0
    rows = json.loads(out)
    assert rows[0]["place_id"] == "curated:hmeimim-air-base"
    assert {"place_id", "name", "lat", "lon", "feature_code", "country_code", "admin1",
            "population", "source"} <= set(rows[0])


def test_cli_lookup_unknown_is_not_an_error(small_store: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(["gazetteer", "--path", str(small_store), "lookup", "Xqzzyvwq Qqxz"],
                        capsys)
    assert (code, out.strip()) == (0, "no match")
    code, out, _ = _cli(["gazetteer", "--path", str(small_store), "lookup", "Xqzzyvwq Qqxz",
                         "--json"], capsys)
    assert (code, json.loads(out)) == (0, [])


def test_cli_info_build_and_import(store_copy: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(["gazetteer", "--path", str(store_copy), "info", "--json"], capsys)
    assert code == 0 and json.loads(out)["path"] == str(store_copy)
    code, out, _ = _cli(["gazetteer", "--path", str(store_copy), "build"], capsys)
    assert code == 0 and "up to date" in out
    csv_file = tmp_path / "p.csv"
    csv_file.write_text("name,lat,lon\nQwertz Crossing,31.0,35.0\n", encoding="utf-8")
    code, out, _ = _cli(["gazetteer", "--path", str(store_copy), "import", str(csv_file)],
                        capsys)
    assert code == 0 and "1 places" in out
    code, out, _ = _cli(["gazetteer", "--path", str(store_copy), "lookup", "Qwertz Crossing"],
                        capsys)
    assert "user:qwertz-crossing" in out


def test_cli_missing_store_is_one_line_error(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(["gazetteer", "--path", str(tmp_path / "none.sqlite"), "info"], capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "geomap gazetteer --path" in err and " build`" in err


def test_cli_build_refuses_a_foreign_file_without_force(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from geomap.cli import main

    foreign = tmp_path / "notes.db"
    foreign.write_bytes(b"my own notes, not a gazetteer")
    assert main(["gazetteer", "--path", str(foreign), "build"]) == 1
    assert "is not a geomap gazetteer store" in capsys.readouterr().err
    assert foreign.read_bytes() == b"my own notes, not a gazetteer"


def test_build_lock_excludes_other_holders(tmp_path: Path) -> None:
    from filelock import FileLock, Timeout

    from gazetteer.paths import build_lock, lock_path

    store = tmp_path / "g.sqlite"
    with build_lock(store), pytest.raises(Timeout):
        FileLock(str(lock_path(store))).acquire(timeout=0)
    FileLock(str(lock_path(store))).acquire(timeout=0)  # free again once released


@pytest.mark.parametrize("kind", ["sqlite", "junk", "text"])
def test_advice_for_a_foreign_file_never_overwrites_it(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue #14 item 9: `--path FILE build --force` would have replaced the user's file."""
    path = tmp_path / "notes.txt"
    if kind == "text":
        path.write_text("my notes\n", encoding="utf-8")
        before = path.read_bytes()
    else:
        before = _foreign_file(path, kind)
    with pytest.raises(GazetteerUnavailable) as info:
        Gazetteer(path)
    message = str(info.value)
    assert "--force" not in message and f"--path {path} " not in message
    assert f"--path {tmp_path / 'notes-gazetteer.sqlite'} build" in message
    code, out, err = _cli(["gazetteer", "--path", str(path), "info"], capsys)
    assert (code, out) == (1, "")
    assert err == f"geomap: error: {message}\n"
    # The advised path is new; if it is taken by someone else's file, the next one is.
    (tmp_path / "notes-gazetteer.sqlite").write_text("taken", encoding="utf-8")
    with pytest.raises(GazetteerUnavailable, match="notes-gazetteer-2.sqlite build`"):
        Gazetteer(path)
    assert path.read_bytes() == before


_GEONAMES_ROW = "1\t{name}\tA\t\t47.3\t8.5\tP\tPPL\tCH\t\t25\t\t\t\t{pop}\t\t\t\t2020-01-01\n"


def _hostile_import(path: Path, kind: str) -> None:
    if kind == "binary.csv":
        path.write_bytes(b"name,lat,lon\n\x89PNG\r\n\x1a\n\x00\xff\xfe,1,2\n")
    elif kind == "latin1.csv":
        path.write_bytes("name,lat,lon\nZürich,47.3,8.5\n".encode("latin-1"))
    elif kind == "ragged-long.csv":
        path.write_text("name,lat,lon\nA,1,2,3,4\n", encoding="utf-8")
    elif kind == "ragged-short.tsv":
        path.write_text("name\tlat\tlon\nA\t1\n", encoding="utf-8")
    elif kind == "population.csv":
        path.write_text(f"name,lat,lon,population\nBig,1,2,{10**26}\n", encoding="utf-8")
    elif kind == "field.csv":
        path.write_text("name,lat,lon\n" + "A" * 1_000_000 + ",1,2\n", encoding="utf-8")
    elif kind == "binary.txt":
        path.write_bytes(bytes(range(128, 256)) * 20)
    elif kind == "latin1.txt":
        path.write_bytes(_GEONAMES_ROW.format(name="Zürich", pop=4).encode("latin-1"))
    elif kind == "population.txt":
        path.write_text(_GEONAMES_ROW.format(name="A", pop=10**26), encoding="utf-8")
    elif kind == "field.txt":
        path.write_text(_GEONAMES_ROW.format(name="A" * 1_000_000, pop=4), encoding="utf-8")
    elif kind == "binary.zip":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("places.txt", bytes(range(128, 256)) * 20)
    elif kind == "notzip.zip":
        path.write_bytes(b"\x00\x01not a zip" * 50)
    elif kind == "population.geojson":
        path.write_text(json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": "X", "population": 1e26},
             "geometry": {"type": "Point", "coordinates": [1, 2]}}]}), encoding="utf-8")
    elif kind == "infinite.geojson":
        path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                        '"properties": {"name": "X", "population": 1e999}, "geometry": '
                        '{"type": "Point", "coordinates": [1, 2]}}]}', encoding="utf-8")
    elif kind == "nested.geojson":
        path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


@pytest.mark.parametrize("kind,reason", [
    ("binary.csv", "not UTF-8 text"), ("latin1.csv", "not UTF-8 text"),
    ("ragged-long.csv", "a row of 5 fields under a header of 3"),
    ("ragged-short.tsv", "a row of 2 fields under a header of 3"),
    ("population.csv", "population 1000000000000000000000000000? is out of range"),
    # csv's field limit is process-wide (and geomap's readers raise it): either check stops it.
    ("field.csv", "field larger than field limit|a name of 1,000,000 characters"),
    ("binary.txt", "not UTF-8 text"), ("latin1.txt", "not UTF-8 text"),
    ("population.txt", "is out of range"), ("field.txt", "a name of 1,000,000 characters"),
    ("binary.zip", "not UTF-8 text"), ("notzip.zip", "not a readable zip file"),
    ("population.geojson", r"population 1e\+26 is out of range"),
    ("infinite.geojson", "population 'inf' is not a number"),
    ("nested.geojson", "not readable GeoJSON"),
])
def test_a_hostile_import_file_gives_a_one_line_error(
    store_copy: Path, tmp_path: Path, kind: str, reason: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue #14 item 10: binary, non-UTF-8, ragged, huge numbers, huge fields."""
    path = tmp_path / f"hostile-{kind}"
    _hostile_import(path, kind)
    before = store_copy.read_bytes()
    code, out, err = _cli(["gazetteer", "--path", str(store_copy), "import", str(path)], capsys)
    assert (code, out) == (1, "")
    assert err.startswith("geomap: error: ") and err.count("\n") == 1, err
    assert re.search(reason, err) and str(path) in err, err
    assert store_copy.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))
