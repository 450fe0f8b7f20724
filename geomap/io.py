"""Reading articles (files, folders, JSON Lines, stdin) and writing outputs atomically."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from geomap.errors import InputError, OutputError
from geomap.types import Document

#: Articles larger than this are refused: news text is never this big, a mistaken input is.
MAX_TEXT_BYTES = 20 * 1024 * 1024
#: spaCy refuses longer texts (``nlp.max_length``): an article longer than this is an input
#: mistake (a whole archive in one file), told to the user instead of a traceback.
MAX_TEXT_CHARS = 1_000_000
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}


def parse_date(value: str | None, *, what: str = "date") -> dt.date | None:
    """Parse ``YYYY-MM-DD`` (or a full ISO timestamp) into a date.

    >>> parse_date("2024-12-08")
    datetime.date(2024, 12, 8)
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(f"{what} must be a string like 2024-12-08, got {value!r}")
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date; use YYYY-MM-DD") from None


def decode_text(data: bytes, *, name: str) -> str:
    """Decode article bytes as UTF-8, refusing binary and empty input with a clear message."""
    if len(data) > MAX_TEXT_BYTES:
        raise InputError(
            f"{name}: {len(data):,} bytes is larger than the {MAX_TEXT_BYTES:,}-byte limit "
            "for one article; split it or use a .jsonl file with one article per line"
        )
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not UTF-8 text (bad byte at offset {exc.start}); convert it to UTF-8"
        ) from None
    if not text.strip():
        raise InputError(f"{name}: file is empty")
    check_length(text, name=name)
    return text


def check_length(text: str, *, name: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            f"{name}: {len(text):,} characters is longer than one article can be "
            f"({MAX_TEXT_CHARS:,}); split it into articles, e.g. one per line of a .jsonl file"
        )


def document_from_record(record: object, *, name: str, lineno: int,
                         published: dt.date | None) -> Document:
    """The document of one ``{id, text, published?, source?, url?}`` record (line ``lineno``
    of ``name``); the id defaults to ``NAME-LINENO``."""
    where = f"{name}:{lineno}"
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object with 'id' and 'text'")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{where}: missing or empty 'text'")
    check_length(text, name=where)
    doc_id = record.get("id", f"{Path(name).stem}-{lineno}")
    if not isinstance(doc_id, str | int):
        raise InputError(f"{where}: 'id' must be a string")
    pub = parse_date(record.get("published"), what=f"{where}: 'published'") or published
    source = record.get("source")
    url = record.get("url")
    return Document(
        id=str(doc_id),
        text=text,
        source=str(source) if source is not None else None,
        published=pub,
        url=str(url) if url is not None else None,
    )


def document_from_line(raw: bytes, *, name: str, lineno: int,
                       published: dt.date | None) -> Document:
    """The document of one (non-blank) line of a JSON Lines file."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{name}:{lineno}: not UTF-8 text") from None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{lineno}: malformed JSON ({exc.msg})") from None
    return document_from_record(record, name=name, lineno=lineno, published=published)


def iter_jsonl(stream: Iterable[bytes], *, name: str,
               published: dt.date | None = None) -> Iterator[Document]:
    """Yield documents from a JSON Lines stream, one line at a time (constant memory)."""
    seen_any = False
    for lineno, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        document = document_from_line(raw, name=name, lineno=lineno, published=published)
        seen_any = True
        yield document
    if not seen_any:
        raise InputError(f"{name}: file is empty")


def _text_document(path: Path, *, published: dt.date | None) -> Document:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return Document(id=path.stem, text=decode_text(data, name=str(path)), source=path.name,
                    published=published)


def _stdin_documents(stream: IO[bytes], *, published: dt.date | None) -> Iterator[Document]:
    """Stdin is JSON Lines when its first non-blank line is an object, else one article.

    JSON Lines are streamed line by line; a plain article is read whole (it is one document).
    """
    head = [stream.readline()]
    while head[-1] and not head[-1].strip():
        head.append(stream.readline())
    if head[-1].lstrip()[:1] == b"{":
        lines = itertools.chain(head, stream)
        yield from iter_jsonl(lines, name="<stdin>", published=published)
    else:
        data = b"".join(head) + stream.read()
        yield Document(id="stdin", text=decode_text(data, name="<stdin>"), published=published)


def folder_files(folder: Path) -> list[Path]:
    """The article files of a folder (.txt, .md, .jsonl …), in sorted name order."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix
                   and p.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES)
    if not files:
        raise InputError(f"{folder}: folder holds no .txt or .jsonl files")
    return files


def input_files(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[Path | None]:
    """The files that ``inputs`` name, in order: folders give their article files in sorted
    name order, ``-`` (stdin) gives None. A missing path fails when it is reached."""
    for item in inputs:
        if str(item) == "-":
            yield None
            continue
        path = Path(item)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            yield from folder_files(path)
        else:
            yield path


def is_jsonl(path: Path) -> bool:
    """Whether ``path`` is a JSON Lines file of articles (by its extension)."""
    return path.suffix.lower() in JSONL_SUFFIXES


def iter_documents(inputs: Iterable[str | os.PathLike[str]], *, published: dt.date | None = None,
                   stdin: IO[bytes] | None = None) -> Iterator[Document]:
    """Yield documents from .txt files, folders of them, .jsonl files, or ``-`` (stdin).

    Files are read lazily, in the order given; folders in sorted name order.
    """
    for path in input_files(inputs):
        if path is None:
            yield from _stdin_documents(stdin or sys.stdin.buffer, published=published)
        elif is_jsonl(path):
            with path.open("rb") as fh:
                yield from iter_jsonl(fh, name=str(path), published=published)
        elif path.suffix.lower() in TEXT_SUFFIXES:
            yield _text_document(path, published=published)
        else:
            raise InputError(
                f"{path}: geomap reads articles from .txt files, folders of them, .jsonl files "
                f"or '-' (stdin), not {path.suffix} files; events files (.geojson, events "
                "JSON Lines) go to 'geomap map' on their own")


#: Inputs larger than this are not pre-counted for the progress bar (counting must stay cheap).
COUNT_LIMIT_BYTES = 8 * 1024**3


def _count_lines(path: Path) -> int:
    n, last = 0, b"\n"
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (last != b"\n")


def count_documents(inputs: Iterable[str | os.PathLike[str]]) -> int | None:
    """How many documents ``inputs`` hold, when that is cheap to know (else None).

    Lines of JSON Lines files and files in folders are counted; stdin is not (it can be read
    only once). Used for the progress bar's ETA only, so blank lines may be over-counted.
    """
    total, size = 0, 0
    try:
        for path in input_files(inputs):
            if path is None:
                return None
            if is_jsonl(path):
                size += path.stat().st_size
                if size > COUNT_LIMIT_BYTES:
                    return None
                total += _count_lines(path)
            else:
                total += 1
    except (OSError, InputError):
        return None
    return total


def check_writable(path: Path) -> None:
    """Fail early, before any work, if ``path`` cannot be written."""
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name")
    if parent.exists() and not parent.is_dir():
        raise OutputError(f"{path}: {parent} is a file, not a folder")
    if not parent.exists():
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{parent}: cannot create output folder ({exc.strerror})") from None
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{path}: output folder is not writable")


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], *, binary: bool = False) -> Iterator[IO[Any]]:
    """Write to a temp file beside ``path`` and rename it into place only on success."""
    target = Path(path)
    check_writable(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror})") from None
    try:
        with (os.fdopen(fd, "wb") if binary
              else os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as fh:
            yield fh
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    with atomic_writer(path) as fh:
        fh.write(text)
    return Path(path)
