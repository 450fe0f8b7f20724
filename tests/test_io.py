"""Reading inputs and writing outputs: every bad input is a one-line InputError."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest

from geomap.errors import InputError, OutputError
from geomap.io import atomic_writer, iter_documents, iter_jsonl, parse_date, write_text_atomic


def test_parse_date_accepts_iso_and_rejects_garbage() -> None:
    assert parse_date("2024-12-08") == dt.date(2024, 12, 8)
    assert parse_date("2024-12-08T10:00:00Z") == dt.date(2024, 12, 8)
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        parse_date("08/12/2024")


def test_text_file_folder_and_jsonl(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Rain fell on Lima.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Fog covered Quito.", encoding="utf-8")
    (tmp_path / "skip.bin").write_bytes(b"\x00\x01")
    docs = list(iter_documents([tmp_path], published=dt.date(2024, 1, 2)))
    assert [d.id for d in docs] == ["a", "b"]
    assert docs[0].published == dt.date(2024, 1, 2)
    jl = tmp_path / "in.jsonl"
    jl.write_text('{"id": "x", "text": "Snow in Oslo.", "published": "2023-05-01", "source": "S"}\n\n'
                  '{"id": 7, "text": "Heat in Delhi."}\n', encoding="utf-8")
    docs = list(iter_documents([jl], published=dt.date(2024, 1, 2)))
    assert [(d.id, d.published, d.source) for d in docs] == [
        ("x", dt.date(2023, 5, 1), "S"), ("7", dt.date(2024, 1, 2), None)]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"  \n\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    (b"caf\xe9 in Paris", "not UTF-8"),
])
def test_bad_text_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        list(iter_documents([path]))
    assert "\n" not in str(err.value)


def test_missing_file_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(iter_documents([tmp_path / "nope.txt"]))
    with pytest.raises(InputError, match="holds no"):
        list(iter_documents([tmp_path]))


def test_huge_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("geomap.io.MAX_TEXT_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("word " * 100, encoding="utf-8")
    with pytest.raises(InputError, match="larger than"):
        list(iter_documents([path]))


@pytest.mark.parametrize(("lines", "where", "message"), [
    (b'{"id": "a", "text": "ok"}\n{"id": "b", "text": \n', ":2:", "malformed JSON"),
    (b'{"id": "a"}\n', ":1:", "text"),
    (b'[1, 2]\n', ":1:", "JSON object"),
    (b'{"id": "a", "text": "x", "published": "yesterday"}\n', ":1:", "published"),
    (b"", "", "empty"),
])
def test_malformed_jsonl_names_the_line(lines: bytes, where: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        list(iter_jsonl(io.BytesIO(lines), name="in.jsonl"))
    assert where in str(err.value)


def test_stdin_text_and_jsonl() -> None:
    docs = list(iter_documents(["-"], stdin=io.BytesIO(b"Floods in Dhaka.")))
    assert [(d.id, d.text) for d in docs] == [("stdin", "Floods in Dhaka.")]
    docs = list(iter_documents(["-"], stdin=io.BytesIO(b'{"id": "q", "text": "Quake in Izmir."}\n')))
    assert [d.id for d in docs] == ["q"]


def test_atomic_writer_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_writer(target) as fh:
        fh.write("half")
        raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["out.txt"]
    write_text_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "new"


def test_read_only_folder(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        with pytest.raises(OutputError, match="not writable"):
            write_text_atomic(locked / "x.html", "x")
    finally:
        locked.chmod(0o700)


def test_output_path_that_cannot_exist(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a folder"):
        write_text_atomic(tmp_path, "x")
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file"):
        write_text_atomic(a_file / "map.html", "x")
    with pytest.raises(OutputError, match="cannot"):
        write_text_atomic("/proc/geomap-test/map.html", "x")


def test_too_long_article_and_unsupported_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("geomap.io.MAX_TEXT_CHARS", 50)
    long = tmp_path / "long.txt"
    long.write_text("Rain in Lima. " * 10, encoding="utf-8")
    with pytest.raises(InputError, match="longer than one article"):
        list(iter_documents([long]))
    jl = tmp_path / "long.jsonl"
    jl.write_text('{"id": "a", "text": "' + "Rain in Lima. " * 10 + '"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"long.jsonl:1: .*longer than one article"):
        list(iter_documents([jl]))
    page = tmp_path / "map.html"
    page.write_text("<html></html>", encoding="utf-8")
    with pytest.raises(InputError, match="not .html files"):
        list(iter_documents([page]))
    plain = tmp_path / "README"
    plain.write_text("Snow in Oslo.", encoding="utf-8")
    assert [d.text for d in iter_documents([plain])] == ["Snow in Oslo."]
