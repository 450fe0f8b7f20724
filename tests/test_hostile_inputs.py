"""Issue 14: nothing a user types or pastes loses data or ends in a traceback.

One test (or a few) per item of the hostile run's table, each named after its item. Items
done elsewhere: 9 and the gazetteer import files of 10 (tests/test_gazetteer_store.py), 14
(bidi isolation in popups, the map's browser tests), "map -o x.geojson" (tests/test_render.py).
"""

from __future__ import annotations

import json
import os
import stat
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
    save_events([_event()], "/dev/null", fmt="csv")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    # a device named in a folder (what `mknod x c 1 3` makes) stays a device too
    link = tmp_path / "x.csv"
    os.symlink("/dev/null", link)
    save_events([_event()], link)
    assert link.is_symlink() and os.readlink(link) == "/dev/null"


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


def test_item2_dash_and_dev_stdout_stream_to_standard_output(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    save_events([_event()], "-", fmt="csv")
    save_events([_event()], "/dev/stdout", fmt="jsonl")
    out = capfd.readouterr().out
    assert out.startswith("event_id,") and '"place_name": "Damascus"' in out
    assert not Path("-").exists()


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
