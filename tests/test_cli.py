"""The command line as a user runs it: one-line errors, exit codes, no partial outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import geomap


def run(*args: str | Path, cwd: Path | None = None,
        stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUTF8": "1"}
    return subprocess.run([sys.executable, "-m", "geomap", *map(str, args)], capture_output=True,
                          text=not stdin, input=stdin, cwd=cwd, env=env,
                          timeout=600)  # type: ignore[call-overload]


def _err(proc: subprocess.CompletedProcess) -> str:  # type: ignore[type-arg]
    err = proc.stderr if isinstance(proc.stderr, str) else proc.stderr.decode()
    return err.strip()


def test_version_and_help() -> None:
    proc = run("--version")
    assert proc.returncode == 0 and geomap.__version__ in proc.stdout
    for command in ("map", "extract", "toponyms", "gazetteer"):
        proc = run(command, "--help")
        assert proc.returncode == 0, command
        assert "usage: geomap " + command in proc.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("map",), "required"),
    (("map", "x.txt", "--bogus"), "unrecognized arguments"),
    (("map", "x.txt", "--published", "last tuesday"), "YYYY-MM-DD"),
    (("map", "x.txt", "--processes", "0"), "at least 1"),
    (("extract", "x.txt", "--batch-size", "-5"), "at least 1"),
    (("frobnicate",), "invalid choice"),
])
def test_usage_errors_are_one_line(args: tuple[str, ...], message: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2
    assert message in _err(proc)
    assert len(_err(proc).splitlines()) == 1
    assert "Traceback" not in _err(proc)


@pytest.fixture()
def bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Réunion à Genève".encode("latin-1"))
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "text": "Rain in Lima."}\n{"id": "b", "text": "Sun\n', encoding="utf-8")
    return {
        "missing": (tmp_path / "missing.txt", "no such file"),
        "empty": (empty, "empty"),
        "binary": (binary, "binary"),
        "latin": (latin, "not UTF-8"),
        "jsonl": (broken, "broken.jsonl:2: malformed JSON"),
    }


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.parametrize("kind", ["missing", "empty", "binary", "latin", "jsonl"])
@pytest.mark.parametrize("command", ["map", "extract"])
def test_bad_input_gives_one_line_error_and_no_output(bad_inputs, tmp_path: Path, kind: str,  # type: ignore[no-untyped-def]
                                                      command: str) -> None:
    path, message = bad_inputs[kind]
    out = tmp_path / "out" / ("map.html" if command == "map" else "events.geojson")
    proc = run(command, path, "-o", out)
    assert proc.returncode == 1, _err(proc)
    assert message in _err(proc)
    assert len(_err(proc).splitlines()) == 1, _err(proc)
    assert not out.exists()
    assert not list(out.parent.glob("*")) if out.parent.exists() else True


def test_unwritable_output_fails_before_any_work(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Protesters marched in Lima.", encoding="utf-8")
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    proc = run("map", article, "-o", blocker / "map.html")
    assert proc.returncode == 1
    assert "is a file" in _err(proc) and len(_err(proc).splitlines()) == 1


@pytest.mark.slow
@pytest.mark.model
def test_map_extract_and_toponyms_end_to_end(seed_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "seed.html"
    proc = run("map", seed_path, "--published", "2024-12-08", "-o", out, "--title", "Seed")
    assert proc.returncode == 0, _err(proc)
    assert f"map: {out}" in proc.stdout
    assert "events" in proc.stdout and "resolved" in proc.stdout
    html = out.read_text(encoding="utf-8")
    assert "Umayyad Mosque" in html and "<script" in html

    geo = tmp_path / "seed.geojson"
    proc = run("extract", seed_path, "--published", "2024-12-08", "-o", geo)
    assert proc.returncode == 0, _err(proc)
    data = json.loads(geo.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and data["features"]

    # The same events, as JSONL and CSV, agree with the GeoJSON.
    proc = run("extract", seed_path, "--published", "2024-12-08", "--format", "jsonl")
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["event_id"] for r in records] == [f["properties"]["event_id"] for f in data["features"]]
    assert all({"lat", "lon", "quotes", "doc_id"} <= set(r) for r in records)
    proc = run("extract", seed_path, "--published", "2024-12-08", "--format", "csv")
    assert proc.stdout.splitlines()[0].startswith("event_id,event_type")
    assert len(proc.stdout.strip().splitlines()) == len(records) + 1

    # An events file goes back into `geomap map`.
    again = tmp_path / "again.html"
    proc = run("map", geo, "-o", again)
    assert proc.returncode == 0, _err(proc)
    assert f"{len(records)} events" in proc.stdout
    assert "resolved" not in proc.stdout  # nothing was geoparsed
    proc = run("map", geo, "--taxonomy", "mine.json", "-o", again)
    assert proc.returncode == 1 and "apply to articles" in _err(proc)

    lines = tmp_path / "in.jsonl"
    text = seed_path.read_text(encoding="utf-8")
    lines.write_text(json.dumps({"id": "seed", "text": text}) + "\n", encoding="utf-8")
    proc = run("toponyms", lines, "-o", tmp_path / "top.jsonl")
    assert proc.returncode == 0, _err(proc)
    [record] = [json.loads(x) for x in (tmp_path / "top.jsonl").read_text(encoding="utf-8").splitlines()]
    assert record["id"] == "seed"
    names = {t["name"] for t in record["toponyms"]}
    assert {"Moscow", "Damascus", "Tartous", "Hmeimim", "Latakia"} <= names
    for t in record["toponyms"]:
        assert text[t["start"]:t["end"]] == t["name"]


@pytest.mark.slow
@pytest.mark.model
def test_stdin_and_default_output_folder(tmp_path: Path) -> None:
    proc = run("map", "-", "--published", "2024-05-03", cwd=tmp_path,
               stdin=b"Thousands of people protested in Nairobi on Friday.")
    assert proc.returncode == 0, _err(proc)
    assert (tmp_path / "maps" / "stdin.html").exists()


@pytest.mark.slow
@pytest.mark.model
def test_cli_output_is_byte_identical_twice(seed_path: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert run("map", seed_path, "--published", "2024-12-08",
                   "-o", tmp_path / f"{name}.html").returncode == 0
        assert run("extract", seed_path, "--published", "2024-12-08",
                   "-o", tmp_path / f"{name}.geojson").returncode == 0
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert (tmp_path / "a.geojson").read_bytes() == (tmp_path / "b.geojson").read_bytes()


@pytest.mark.slow
@pytest.mark.model
def test_custom_taxonomy_colours_reach_the_map(tmp_path: Path) -> None:
    from importlib import resources

    taxonomy = json.loads(resources.files("geomap").joinpath("data", "taxonomy.json")
                          .read_text(encoding="utf-8"))
    for event_type in taxonomy["event_types"]:
        if event_type["name"] == "Protests":
            event_type["colour"] = "#123abc"
    custom = tmp_path / "taxonomy.json"
    custom.write_text(json.dumps(taxonomy), encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Thousands of people protested in Nairobi on Friday.", encoding="utf-8")
    out = tmp_path / "a.html"
    proc = run("map", article, "--published", "2024-05-03", "--taxonomy", custom, "-o", out)
    assert proc.returncode == 0, _err(proc)
    assert "Protests 1" in proc.stdout
    assert "#123abc" in out.read_text(encoding="utf-8")
