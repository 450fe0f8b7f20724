"""Issue 14: nothing a user types or pastes loses data or ends in a traceback.

The hostile run's table, one or more tests per item (named ``test_itemN_...``):

==== ===================================================== =====================================
item what                                                  tests
==== ===================================================== =====================================
1    an output that is an input (also via links)           test_item1_*
2    FIFOs, devices, ``-``, descriptor paths, symlinks     test_item2_*
3    CSV: bare CR, formulas after spaces/controls          test_item3_*
4    unpaired surrogates in articles, events, the API      test_item4_*
5    dates at the calendar's edges (also the API)          test_item5_*
6    KML with characters XML forbids                       test_item6_*
7    --resume: changed texts, changed taxonomy content     test_item7_*
8    output file modes (kept; umask for new files)         test_item8_*
9    non-geomap --gazetteer file advice                    tests/test_gazetteer_store.py (gaz)
10   hostile numbers, nesting, options, --dask address     test_item10_* (gazetteer import
                                                           files: tests/test_gazetteer_store.py)
11   the Python API's error types                          test_item11_*
12   terminal escapes in the summary                       test_item12_*
13   temp files of killed runs                             test_item13_*
14   bidi isolation in popups                              the map's browser tests (map)
15   standard input and long lines are bounded             test_item15_*
16   the small ones                                        test_item16_* ("map -o x.geojson":
                                                           tests/test_render.py, map)
README the spaCy example, the distribution's name          test_readme_*, test_install_hints_*
==== ===================================================== =====================================

Nothing here writes to a system device or to the real standard output by path: a regression
would replace them (a device of the test's own and a pipe's descriptor path stand in).
"""

from __future__ import annotations

import json
import os
import stat
import sys
import threading
import time
from pathlib import Path

import pytest

from gazetteer.model import Place
from geomap.cli import main
from geomap.errors import InputError
from geomap.formats import save_events
from geomap.io import atomic_writer
from geomap.types import Event, Quote

DAMASCUS = Place("geonames:170654", "Damascus", 33.51, 36.29, country_code="SY")


def _event(text: str = "Crowds gathered in Damascus.", **fields: object) -> Event:
    quote = Quote(text, str(fields.pop("doc_id", "d1")), 0, source="wire")
    return Event("Protests", "Peaceful protest", DAMASCUS, (quote,), **fields)  # type: ignore[arg-type]


def _events_file(path: Path) -> Path:
    save_events([_event()], path)
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- 1. an output that is an input ------------------------------------------------------------
@pytest.mark.parametrize("argv", [
    ("extract", "in.jsonl", "-o", "in.jsonl"),
    ("extract", "in.jsonl", "-o", "link.jsonl"),      # a symlink to the input
    ("extract", "in.jsonl", "-o", "hard.jsonl"),      # a hard link to the input
    ("extract", "folder", "-o", "folder/b.jsonl"),    # an article file of a folder input
    ("extract", "in.jsonl", "--taxonomy", "tax.json", "-o", "tax.json"),
    ("toponyms", "in.jsonl", "-o", "in.jsonl"),
    ("map", "a.txt", "-o", "a.txt"),
    ("map", "ev.geojson", "-o", "ev.geojson"),
    ("map", "a.txt", "-o", "alink.html"),             # a symlink to the input, named .html
    ("png", "ev.geojson", "-o", "ev.geojson"),
    ("eval", "in.jsonl", "--predictions", "in.jsonl"),
])
def test_item1_output_that_is_an_input_is_refused_before_any_work(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        argv: tuple[str, ...]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("in.jsonl").write_text('{"id": "a", "text": "Crowds gathered in Damascus."}\n')
    Path("a.txt").write_text("Crowds gathered in Damascus.\n")
    Path("tax.json").write_text("{}")
    (tmp_path / "folder").mkdir()
    Path("folder/a.txt").write_text("Crowds gathered in Damascus.\n")
    Path("folder/b.jsonl").write_text('{"id": "b", "text": "Crowds gathered in Damascus."}\n')
    _events_file(tmp_path / "ev.geojson")
    os.symlink("in.jsonl", "link.jsonl")
    os.symlink("a.txt", "alink.html")
    os.link("in.jsonl", "hard.jsonl")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    # a pipeline that loads would mean work started: the check must come first
    monkeypatch.setattr("geomap.pipeline.Pipeline.load", lambda self: pytest.fail("loaded"))
    code, out, err = _run(capsys, *argv)
    assert code == 1
    assert "is also an input" in err and len(err.strip().splitlines()) == 1
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_item1_a_new_or_unrelated_output_passes(tmp_path: Path) -> None:
    from geomap.io import check_output

    (tmp_path / "in.jsonl").write_text("{}\n")
    (tmp_path / "old.geojson").write_text("{}\n")
    check_output(tmp_path / "new.geojson", [tmp_path / "in.jsonl"])
    check_output(tmp_path / "old.geojson", [tmp_path / "in.jsonl", "-"])
    with pytest.raises(InputError, match="is also an input"):
        check_output(tmp_path / "in.jsonl", ["-", tmp_path])


# -- 2. special output files ---------------------------------------------------------------------
def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def reader() -> None:
        with open(path, "rb") as fh:
            into.append(fh.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


def test_item2_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "events.geojson"
    os.mkfifo(fifo)
    got: list[bytes] = []
    thread = _read_fifo(fifo, got)
    save_events([_event()], fifo)
    thread.join(10)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(got[0])["features"][0]["properties"]["place_name"] == "Damascus"
    assert [p.name for p in tmp_path.iterdir()] == ["events.geojson"]  # no temp file left


def test_item2_a_fifo_map_from_the_command_line(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "map.html"
    os.mkfifo(fifo)
    got: list[bytes] = []
    thread = _read_fifo(fifo, got)
    code, out, err = _run(capsys, "map", str(_events_file(tmp_path / "ev.geojson")),
                          "-o", str(fifo))
    thread.join(10)
    assert code == 0, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got[0].startswith(b"<!DOCTYPE html>")


def test_item2_a_character_device_is_written_not_replaced(tmp_path: Path) -> None:
    # A device of our own (what `mknod x c 1 3` makes), never the system's /dev/null: a
    # regression must not be able to replace a device the machine needs.
    device = tmp_path / "x.csv"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("creating a device needs root")
    save_events([_event()], device)
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    link = tmp_path / "link.csv"
    os.symlink(device, link)
    save_events([_event()], link)
    assert link.is_symlink() and stat.S_ISCHR(os.stat(link).st_mode)


def test_item2_a_symlink_is_written_through_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "data" / "events.csv"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "events.csv"
    os.symlink(target, link)
    save_events([_event()], link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("event_id,")
    assert sorted(p.name for p in target.parent.iterdir()) == ["events.csv"]


def test_item2_dash_streams_to_standard_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # a regression would write a file named '-' here
    save_events([_event()], "-", fmt="csv")
    assert capfd.readouterr().out.startswith("event_id,")
    assert not Path("-").exists()


def test_item2_descriptor_paths_are_written_into(tmp_path: Path) -> None:
    from geomap.io import is_stream_output

    assert all(is_stream_output(p) for p in ("-", "/dev/stdout", "/dev/stderr", "/dev/fd/3",
                                              "/proc/self/fd/1", "/proc/123/fd/4"))
    assert not any(is_stream_output(p) for p in (tmp_path / "x.csv", "/dev/shm/x.csv"))
    # a descriptor path of a pipe of our own (never the real /dev/stdout of the test run)
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as reader:
        try:
            save_events([_event()], f"/proc/self/fd/{write_end}", fmt="jsonl")
        finally:
            os.close(write_end)
        data = reader.read()
    assert json.loads(data)["place_name"] == "Damascus"


def test_item2_extract_to_dash_is_standard_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, "extract", "in.jsonl", "-o", "-", "--resume")
    assert code == 1 and "cannot hold a partial run" in err
    assert not Path("-").exists()


# -- 8. file modes ---------------------------------------------------------------------------------
def test_item8_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "events.geojson"
    out.write_text("{}")
    out.chmod(0o600)
    save_events([_event()], out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "Damascus" in out.read_text()


def test_item8_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        save_events([_event()], tmp_path / "events.csv")
        with atomic_writer(tmp_path / "map.html") as fh:
            fh.write("<!DOCTYPE html>")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "events.csv").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "map.html").stat().st_mode) == 0o600


# -- 13. temp files of killed runs ---------------------------------------------------------------
def test_item13_old_temp_files_of_the_same_output_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "events.geojson"
    old = tmp_path / ".events.geojson.w.abc123_x.tmp"
    fresh = tmp_path / ".events.geojson.w.def456.tmp"
    other = tmp_path / ".events.geojson.csv.w.abc123.tmp"  # another output's
    for p in (old, fresh, other):
        p.write_text("partial")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    os.utime(other, (two_hours_ago, two_hours_ago))
    save_events([_event()], out)
    assert not old.exists()
    assert fresh.exists() and other.exists()
    assert out.exists()


def test_item13_temp_files_are_named_for_their_output(tmp_path: Path) -> None:
    out = tmp_path / "events.geojson"
    with atomic_writer(out) as fh:
        names = [p.name for p in tmp_path.iterdir()]
        fh.write("{}")
    assert len(names) == 1 and names[0].startswith(".events.geojson.w.")
    assert names[0].endswith(".tmp")




# -- 3. CSV: bare CR and formulas after whitespace ------------------------------------------------
def test_item3_csv_quotes_a_bare_cr_and_guards_formulas_after_spaces() -> None:
    import csv
    import io

    from geomap.formats import dumps
    from geomap.types import Actor

    event = _event("Hello\r=1+1+cmd|' /C calc'!A0", actors=(Actor("\x1b@SUM(A1)"),))
    event = Event(event.event_type, event.sub_event_type, event.place,
                  (Quote(event.quotes[0].text, "d1", 0, source=" =HYPERLINK(1)"),),
                  actors=event.actors)
    text = dumps([event], "csv")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 2  # the header and one event, whatever a reader does with CR
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["quotes"] == "Hello\r=1+1+cmd|' /C calc'!A0"
    assert row["sources"] == "' =HYPERLINK(1)"
    assert row["actors"].startswith("'\x1b@SUM")
    assert '"Hello\r=1+1' in text  # the cell with the CR is quoted


# -- 6. KML stays well-formed with control characters -------------------------------------------
def test_item6_kml_is_well_formed_with_control_characters() -> None:
    from xml.etree import ElementTree as ET

    from geomap.formats import dumps

    nasty = "form\x0cfeed \x01 tab\x0b ESC\x1b[31m NUL\x00 end"
    event = _event(nasty)
    text = dumps([event], "kml", title="title\x00")
    root = ET.fromstring(text.encode("utf-8"))  # raises on a character XML forbids
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    description = root.find(".//k:Placemark/k:description", ns)
    assert description is not None and description.text is not None
    assert "form feed" in description.text and "end" in description.text


# -- 4. unpaired surrogates ----------------------------------------------------------------------
def test_item4_surrogates_in_articles_are_replaced_and_reported_once(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from geomap.io import iter_documents

    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a\\udc00", "text": "Crowds in Damascus \\udc00.", '
                   '"source": "s\\ud800", "url": "u\\udfff"}\n'
                   '{"id": "b", "text": "Crowds in Damascus \\ud800."}\n'
                   '{"id": "c", "text": "A pair stays: \\ud83d\\ude00."}\n')
    with caplog.at_level("WARNING", logger="geomap"):
        docs = list(iter_documents([src]))
    assert [d.id for d in docs] == ["a\ufffd", "b", "c"]
    assert docs[0].text == "Crowds in Damascus \ufffd." and docs[0].source == "s\ufffd"
    assert docs[0].url == "u\ufffd" and docs[2].text == "A pair stays: \U0001f600."
    for d in docs:  # every field can now be written as UTF-8
        (d.id + d.text + (d.source or "") + (d.url or "")).encode("utf-8")
    warnings = [r.getMessage() for r in caplog.records if "surrogate" in r.getMessage()]
    assert len(warnings) == 1 and "2 line(s)" in warnings[0] and "in.jsonl:1" in warnings[0]


def test_item4_surrogates_in_an_events_file_and_the_api(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from geomap.formats import dumps, read_events
    from geomap.types import Document

    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [36.29, 33.51]},
               "properties": {"event_type": "Protests", "place_name": "Dam\udc00ascus",
                              "quotes": [{"text": "x\ud800", "doc_id": "d"}]}}
    src = tmp_path / "ev.geojson"
    src.write_text(json.dumps(feature))  # ASCII with \\udc00 escapes, as a hostile file has
    events = read_events(src).events
    assert events[0].place.name == "Dam\ufffdascus" and events[0].quotes[0].text == "x\ufffd"
    for fmt in ("geojson", "csv", "jsonl", "kml"):
        dumps(events, fmt).encode("utf-8")
    assert Document("i\udc00", "t\udc00").text == "t\ufffd"
    code, out, err = _run(capsys, "map", str(src), "-o", str(tmp_path / "m.html"))
    assert code == 0 and "surrogates" in err and "U+FFFD" in err


# -- 5. dates at the calendar's edges ------------------------------------------------------------
@pytest.mark.parametrize(("published", "expression"), [
    ("9999-12-31", "tomorrow"), ("9999-12-31", "next week"),
    ("9999-12-31", "next month"), ("9999-12-31", "next year"), ("9999-12-31", "next Monday"),
    ("0001-01-01", "yesterday"), ("0001-01-01", "last week"), ("0001-01-01", "two years ago"),
    ("0001-01-01", "last month"), ("0001-01-01", "3 days ago"), ("0001-01-01", "on Sunday"),
])
def test_item5_dates_beyond_the_calendar_resolve_to_no_date(published: str,
                                                            expression: str) -> None:
    import datetime as dt

    from geomap.dates import resolve_date

    assert resolve_date(expression, dt.date.fromisoformat(published)) == (None, None)


def test_item5_a_day_and_month_near_the_end_of_the_calendar_still_resolves() -> None:
    import datetime as dt

    from geomap.dates import resolve_date

    assert resolve_date("on 5 June", dt.date(9999, 12, 31)) == (dt.date(9999, 6, 5), "day")
    assert resolve_date("on 30 December", dt.date(9999, 12, 1)) == (dt.date(9999, 12, 30), "day")


@pytest.mark.model
def test_item5_the_api_with_edge_publication_dates(pipeline: object) -> None:
    from geomap.api import process

    text = ("Protesters gathered in Damascus on 5 June. They marched again tomorrow and next "
            "week, and police arrested activists in Aleppo yesterday and two years ago.")
    for published in ("9999-12-31", "0001-01-01"):
        collection = process(text, published=published, pipeline=pipeline)  # type: ignore[arg-type]
        assert collection.events, published
        assert all(e.date is None or e.date.year in (1, 9999) for e in collection.events)


# -- 7. --resume notices changed texts and a changed taxonomy ------------------------------------
def test_item7_resume_recomputes_a_document_whose_text_changed(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from test_corpus import StubPipeline, write_corpus  # its events quote the text

    from geomap import corpus

    src = write_corpus(tmp_path / "in.jsonl", 8)
    out = tmp_path / "out.geojson"
    with pytest.raises(KeyboardInterrupt):
        corpus.extract_corpus([src], out, pipeline=StubPipeline(stop_after=5), batch_size=2)  # type: ignore[arg-type]
    lines = src.read_text().splitlines()
    record = json.loads(lines[2])
    record["text"] = "Edited: " + record["text"]  # same id, new text, inside the done part
    lines[2] = json.dumps(record)
    src.write_text("\n".join(lines) + "\n")
    with caplog.at_level("WARNING", logger="geomap"):
        stats = corpus.extract_corpus([src], out, pipeline=StubPipeline(), batch_size=2,  # type: ignore[arg-type]
                                      resume=True)
    fresh = tmp_path / "fresh.geojson"
    corpus.extract_corpus([src], fresh, pipeline=StubPipeline(), batch_size=2)  # type: ignore[arg-type]
    assert out.read_bytes() == fresh.read_bytes()
    assert "Edited: " in out.read_text()
    assert (stats.resumed, stats.documents) == (2, 6)
    assert any("changed since the interrupted run" in r.getMessage() for r in caplog.records)


def test_item7_resume_refuses_a_taxonomy_whose_content_changed(tmp_path: Path) -> None:
    from test_corpus import StubPipeline, write_corpus

    from geomap import corpus

    src = write_corpus(tmp_path / "in.jsonl", 6)
    taxonomy = tmp_path / "taxonomy.json"
    taxonomy.write_text('{"name": "one"}')
    out = tmp_path / "out.geojson"
    with pytest.raises(KeyboardInterrupt):
        corpus.extract_corpus([src], out, taxonomy=taxonomy,
                              pipeline=StubPipeline(stop_after=3))  # type: ignore[arg-type]
    taxonomy.write_text('{"name": "two"}')  # same path, other content
    with pytest.raises(InputError, match="content of the taxonomy file"):
        corpus.extract_corpus([src], out, taxonomy=taxonomy, pipeline=StubPipeline(),  # type: ignore[arg-type]
                              resume=True)


def test_item7_toponyms_output_carries_no_journal_hashes(tmp_path: Path) -> None:
    from test_corpus import StubPipeline, write_corpus

    from geomap import corpus

    src = write_corpus(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out.jsonl"
    corpus.toponyms_corpus([src], out, pipeline=StubPipeline())  # type: ignore[arg-type]
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [sorted(r) for r in records] == [["id", "toponyms"]] * 3


# -- 10. one-line errors for hostile numbers and options -----------------------------------------
def _feature(**geometry_or_props: object) -> dict[str, object]:
    props = {"event_type": "Protests", "place_name": "Damascus",
             "quotes": [{"text": "Crowds gathered.", "doc_id": "d"}]}
    coords = geometry_or_props.pop("coordinates", [36.29, 33.51])
    props.update(geometry_or_props)
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": coords},
            "properties": props}


@pytest.mark.parametrize(("content", "message"), [
    (json.dumps(_feature(confidence=1e308)), "confidence must be a number in [0, 1]"),
    (json.dumps(_feature()).replace('"event_type"', '"confidence": ' + "9" * 400
                                    + ', "event_type"'), "confidence must be a number"),
    (json.dumps(_feature()).replace('"doc_id": "d"', '"doc_id": "d", "sentence_index": 1e999'),
     "'sentence_index' must be an integer"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    (json.dumps(_feature(coordinates=[True, False])), "must be a number, got"),  # item 16
])
def test_item10_events_files_with_hostile_numbers_give_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str) -> None:
    src = tmp_path / "ev.geojson"
    src.write_text(content)
    code, out, err = _run(capsys, "map", str(src), "-o", str(tmp_path / "m.html"))
    assert code == 1 and message in err
    assert len(err.strip().splitlines()) == 1 and len(err) < 300
    jsonl = tmp_path / "ev.jsonl"
    jsonl.write_text(content.replace("\n", " ") + "\n")
    code, out, err = _run(capsys, "map", str(jsonl), "-o", str(tmp_path / "m.html"))
    assert code == 1 and len(err.strip().splitlines()) == 1 and len(err) < 300


@pytest.mark.parametrize(("option", "message"), [
    (["--batch-size", "99999999999999999999"], "is more than 10,000"),
    (["--processes", "100000"], "per CPU core"),
    (["--processes", "0"], "at least 1"),
])
def test_item10_huge_numbers_for_options_are_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str],
        message: str) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["extract", str(tmp_path / "in.jsonl"), *option])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_item10_a_dask_address_that_is_no_address(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("distributed")
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Crowds gathered in Damascus."}\n')
    code, out, err = _run(capsys, "extract", str(src), "-o", str(tmp_path / "o.geojson"),
                          "--dask", "notaurl")
    assert code == 1 and "cannot reach the Dask scheduler at notaurl" in err
    assert len(err.strip().splitlines()) == 1


# -- 11. the Python API: clear errors of geomap's own types ---------------------------------------
def test_item11_document_takes_iso_strings_and_checks_types() -> None:
    import datetime as dt

    from geomap.errors import GeomapError
    from geomap.types import Document

    assert Document("a", "t", published="2024-05-18").published == dt.date(2024, 5, 18)
    assert Document("a", "t", published=dt.datetime(2024, 5, 18, 9)).published == \
        dt.date(2024, 5, 18)
    for fields in ({"url": 123}, {"source": ["wire"]}, {"published": 123}):
        with pytest.raises(TypeError, match="must be") as caught:
            Document("a", "t", **fields)  # type: ignore[arg-type]
        assert isinstance(caught.value, GeomapError)
    with pytest.raises(InputError, match="not a date"):
        Document("a", "t", published="yesterday")  # type: ignore[arg-type]


def test_item11_process_with_a_number_as_date_is_a_type_error() -> None:
    from geomap.api import process
    from geomap.errors import GeomapError

    with pytest.raises(TypeError, match="published must be a date") as caught:
        process("Crowds gathered in Damascus.", published=123)  # type: ignore[arg-type]
    assert isinstance(caught.value, GeomapError)
    with pytest.raises(TypeError, match="expected a str or Document"):
        process([b"bytes"])  # type: ignore[list-item]


def test_item11_event_confidence_must_be_a_finite_share() -> None:
    from geomap.errors import GeomapError

    for bad in (float("nan"), float("inf"), 1e308, -0.1):
        with pytest.raises(GeomapError, match="confidence"):
            _event(confidence=bad)
    with pytest.raises(TypeError, match="confidence must be a number"):
        _event(confidence="high")


def test_item11_to_map_colors_must_be_a_mapping() -> None:
    from geomap.types import EventCollection

    collection = EventCollection((_event(),))
    with pytest.raises(TypeError, match="colors must map event type names"):
        collection.to_map(colors=["#ff0000"])


@pytest.mark.model
def test_item11_pipeline_analyze_takes_strings_and_checks_length(pipeline: object) -> None:
    from geomap.api import process
    from geomap.pipeline import Pipeline

    assert isinstance(pipeline, Pipeline)
    results = list(pipeline.analyze(["Crowds gathered in Damascus on Sunday."]))
    assert results[0].document.id == "doc1"
    assert [rp.mention.surface for rp in results[0].places] == ["Damascus"]
    with pytest.raises(InputError, match="longer than one article"):
        process("word " * 400_000, pipeline=pipeline)


# -- 12. terminal escapes in the summary ---------------------------------------------------------
def test_item12_unresolved_names_are_printed_escaped() -> None:
    from geomap.cli import _summary
    from geomap.stats import CorpusStats
    from geomap.types import Document, EventCollection, Mention, ResolvedPlace

    name = "\x1b[2J\x1b]0;pwned\x07Evil\u202eville"
    unresolved = ResolvedPlace(Mention("d", 0, len(name), name), None, reason="not found")
    collection = EventCollection((), unresolved=(unresolved,), documents=(Document("d", name),))
    for text in (_summary(collection), CorpusStats(unresolved=1, unresolved_names=(name,)).summary()):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        assert "\\x1b[2J" in text and "\\u202eville" in text


# -- 15. standard input and files without line ends are bounded ----------------------------------
class _Zeros:
    """A stream of zero bytes (like /dev/zero) that counts what was read from it."""

    def __init__(self, prefix: bytes = b"", total: int = 5_000_000) -> None:
        self.data = prefix
        self.total = total
        self.read_bytes = 0

    def _take(self, n: int) -> bytes:
        n = max(0, min(n, self.total - self.read_bytes))
        out = (self.data + b"\0" * n)[:n]
        self.data = self.data[n:]
        self.read_bytes += len(out)
        return out

    def read(self, n: int = -1) -> bytes:
        return self._take(self.total if n is None or n < 0 else n)

    def readline(self, n: int = -1) -> bytes:
        if b"\n" in self.data and (n < 0 or self.data.index(b"\n") < n):
            return self._take(self.data.index(b"\n") + 1)
        return self._take(self.total if n < 0 else n)

    def __iter__(self) -> _Zeros:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


@pytest.mark.parametrize("prefix", [b"", b'{"id": "a", "text": "Crowds in Damascus."}\n{"id": '])
def test_item15_stdin_is_read_within_the_limit(monkeypatch: pytest.MonkeyPatch,
                                               prefix: bytes) -> None:
    from geomap.io import iter_documents

    monkeypatch.setattr("geomap.io.MAX_TEXT_BYTES", 1000)
    stream = _Zeros(prefix)
    with pytest.raises(InputError, match="limit"):
        list(iter_documents(["-"], stdin=stream))  # type: ignore[arg-type]
    assert stream.read_bytes <= 2100  # the limit and a little, never the whole stream


def test_item15_a_jsonl_file_without_line_ends_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from geomap.io import iter_documents

    monkeypatch.setattr("geomap.io.MAX_TEXT_BYTES", 1000)
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"id": "a", "text": "' + b"x" * 5000 + b'"}\n')
    with pytest.raises(InputError, match="in.jsonl:1: line is longer than the 1,000-byte"):
        list(iter_documents([src]))


# -- 16. small ones -------------------------------------------------------------------------------
def test_item16_a_taxonomy_colour_with_a_newline_is_refused(tmp_path: Path) -> None:
    from geomap.errors import TaxonomyError
    from geomap.taxonomy import load_taxonomy

    path = tmp_path / "tax.json"
    path.write_text(json.dumps({"event_types": [{"name": "Protests", "colour": "#2980b9\n",
                                                 "sub_event_types": [{"name": "Protest",
                                                                      "lemmas": ["protest"]}]}]}))
    with pytest.raises(TaxonomyError, match="colour must look like"):
        load_taxonomy(path)


def test_item16_repeated_ids_get_a_suffix_and_one_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from geomap.api import as_documents
    from geomap.io import iter_documents
    from geomap.types import Document

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": f"Text {n}."}) + "\n"
                           for n, i in enumerate(["a", "a", "b", "a", "a#2"])))
    with caplog.at_level("WARNING", logger="geomap"):
        ids = [d.id for d in iter_documents([src])]
    assert ids == ["a", "a#2", "b", "a#3", "a#2#2"]
    assert len([r for r in caplog.records if "more than once" in r.getMessage()]) == 1
    docs = as_documents([Document("x", "one"), Document("x", "two")])
    assert [d.id for d in docs] == ["x", "x#2"]


def test_item16_utf16_input_with_a_bom_is_read(tmp_path: Path) -> None:
    import io

    from geomap.io import iter_documents

    text = "Crowds gathered in Damascus \u2014 and in Homs."
    (tmp_path / "le.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "be.txt").write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    (tmp_path / "in.jsonl").write_bytes(
        (json.dumps({"id": "j", "text": text}, ensure_ascii=False) + "\n").encode("utf-16"))
    docs = list(iter_documents([tmp_path / "le.txt", tmp_path / "be.txt",
                                tmp_path / "in.jsonl"]))
    assert [d.text for d in docs] == [text] * 3
    stdin = io.BufferedReader(io.BytesIO(text.encode("utf-16")))  # type: ignore[arg-type]
    assert [d.text for d in iter_documents(["-"], stdin=stdin)] == [text]


def test_item16_malformed_json_messages_are_whole(tmp_path: Path) -> None:
    from geomap.io import iter_documents

    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"id": "a", "text": "bad\x01char"}\n')
    with pytest.raises(InputError) as caught:
        list(iter_documents([src]))
    assert str(caught.value).endswith("in.jsonl:1: malformed JSON "
                                      "(Invalid control character at column 25)")


def test_item16_an_article_jsonl_with_an_event_type_field_is_articles(tmp_path: Path) -> None:
    from geomap.cli import _is_events_file

    articles = tmp_path / "articles.jsonl"
    articles.write_text(json.dumps({"id": "a", "text": "Crowds gathered in Damascus.",
                                    "event_type": "Protests"}) + "\n")
    events = tmp_path / "events.jsonl"
    save_events([_event()], events)
    assert not _is_events_file(str(articles))
    assert _is_events_file(str(events))


@pytest.mark.slow
def test_item16_dask_local_prints_one_line_for_a_bad_input(tmp_path: Path) -> None:
    import subprocess

    pytest.importorskip("distributed")
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": "a", "text": "Crowds gathered in Damascus."}\n{"id": "b"}\n')
    run = subprocess.run([sys.executable, "-m", "geomap", "extract", str(src), "-o",
                          str(tmp_path / "o.geojson"), "--dask", "local:1"],
                         capture_output=True, text=True, timeout=600,
                         cwd=Path(__file__).resolve().parent.parent)
    assert run.returncode == 1
    assert run.stderr.strip() == "geomap: error: " + f"{src}:2: missing or empty 'text'"


# -- the README, read as a new user --------------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.model
def test_readme_spacy_component_example_prints_what_it_says(
        capsys: pytest.CaptureFixture[str]) -> None:
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("The recogniser is a spaCy component"):]
    code, printed = re.findall(r"```(?:python)?\n(.*?)```", section, flags=re.S)[:2]
    assert 'doc.spans["geomap_places"]' in code
    # An installed geomap registers the factory through its spacy_factories entry point; an
    # editable install made before that entry point existed has stale metadata.
    import geomap.components  # noqa: F401
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    assert capsys.readouterr().out == printed


def test_install_hints_name_the_real_distribution() -> None:
    import tomllib

    name = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]
    for path in [ROOT / "README.md", *(ROOT / "geomap").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "geomap[dask]" not in text and "geomap[png]" not in text, path
    assert f"'{name}[dask]'" in (ROOT / "geomap" / "distributed.py").read_text()


def test_item15_dask_blocks_bound_their_lines(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask")
    from geomap.distributed import plan_blocks, read_block

    monkeypatch.setattr("geomap.io.MAX_TEXT_BYTES", 1000)
    src = tmp_path / "in.jsonl"
    good = json.dumps({"id": "a", "text": "Crowds gathered in Damascus."}) + "\n"
    src.write_text(good * 3 + '{"id": "b", "text": "' + "x" * 5000 + '"}\n')
    blocks = plan_blocks([src], blocksize=len(good) * 2 - 1)
    assert [b.first_line for b in blocks] == [1, 3]
    assert [d.id for d in read_block(blocks[0])] == ["a", "a"]
    with pytest.raises(InputError, match="in.jsonl:4: line is longer"):
        list(read_block(blocks[1]))


def test_item16_resume_keys_are_the_suffixed_ids(tmp_path: Path) -> None:
    from test_corpus import StubPipeline

    from geomap import corpus
    from geomap.pipeline import AnalyzedDocument

    class Stub(StubPipeline):
        def analyze_doc(self, doc: object, document: object) -> AnalyzedDocument:
            from geomap.types import Document

            assert isinstance(document, Document)
            if self.stop_after is not None and len(self.seen) >= self.stop_after:
                raise KeyboardInterrupt
            self.seen.append(document.id)
            return AnalyzedDocument(document, (), (), (_event(document.text,
                                                              doc_id=document.id),))

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": "same", "text": f"Report {n} from Damascus."})
                           + "\n" for n in range(4)))
    out = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        corpus.extract_corpus([src], out, pipeline=Stub(stop_after=2))  # type: ignore[arg-type]
    resumed = Stub()
    corpus.extract_corpus([src], out, pipeline=resumed, resume=True)  # type: ignore[arg-type]
    assert resumed.seen == ["same#3", "same#4"]
    quoted = sorted(q["doc_id"] for line in out.read_text().splitlines()
                    for q in json.loads(line)["quotes"])
    assert quoted == ["same", "same#2", "same#3", "same#4"]
