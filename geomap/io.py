"""Reading articles (files, folders, JSON Lines, stdin) and writing outputs atomically."""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import io
import itertools
import json
import logging
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from geomap.errors import InputError, OutputError
from geomap.textsafe import has_surrogates, scrub_surrogates
from geomap.types import Document

log = logging.getLogger(__name__)

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
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not UTF-16 text (bad bytes at offset {exc.start}) "
                             "although it starts with a UTF-16 byte order mark") from None
        return _checked_text(scrub_surrogates(text), name=name)
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not UTF-8 text (bad byte at offset {exc.start}); convert it to UTF-8"
        ) from None
    return _checked_text(text, name=name)


def _checked_text(text: str, *, name: str) -> str:
    if not text.strip():
        raise InputError(f"{name}: file is empty")
    check_length(text, name=name)
    return text


def json_error(exc: json.JSONDecodeError) -> str:
    """A JSON syntax error as a short phrase with its column ("Expecting value at column 9").

    >>> try:
    ...     json.loads('{"a": "\x01"}')
    ... except json.JSONDecodeError as exc:
    ...     print(json_error(exc))
    Invalid control character at column 8
    """
    msg = exc.msg
    return f"{msg} column {exc.colno}" if msg.endswith(" at") else f"{msg} at column {exc.colno}"


def loads_json(text: str | bytes) -> Any:
    """``json.loads`` whose errors are :class:`InputError` phrases without the "where" (the
    caller prefixes the file and line): malformed JSON, nesting too deep, a number too large."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON ({json_error(exc)})") from None
    except RecursionError:
        raise InputError("JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise InputError(f"unusable JSON ({exc})") from None


def check_length(text: str, *, name: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            f"{name}: {len(text):,} characters is longer than one article can be "
            f"({MAX_TEXT_CHARS:,}); split it into articles, e.g. one per line of a .jsonl file"
        )


def document_from_record(record: object, *, name: str, lineno: int,
                         published: dt.date | None,
                         replaced: list[str] | None = None) -> Document:
    """The document of one ``{id, text, published?, source?, url?}`` record (line ``lineno``
    of ``name``); the id defaults to ``NAME-LINENO``. Unpaired surrogates are replaced by
    U+FFFD (see :class:`~geomap.types.Document`); ``replaced`` collects where that happened."""
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
    if replaced is not None and any(isinstance(v, str) and has_surrogates(v)
                                    for v in (text, doc_id, source, url)):
        replaced.append(where)
    return Document(
        id=str(doc_id),
        text=text,
        source=str(source) if source is not None else None,
        published=pub,
        url=str(url) if url is not None else None,
    )


def document_from_line(raw: bytes, *, name: str, lineno: int, published: dt.date | None,
                       replaced: list[str] | None = None) -> Document:
    """The document of one (non-blank) line of a JSON Lines file."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{name}:{lineno}: not UTF-8 text") from None
    try:
        record = loads_json(line)
    except InputError as exc:
        raise InputError(f"{name}:{lineno}: {exc}") from None
    return document_from_record(record, name=name, lineno=lineno, published=published,
                                replaced=replaced)


def bounded_lines(stream: IO[bytes] | Iterable[bytes], *, name: str,
                  limit: int | None = None, first_line: int = 1) -> Iterator[bytes]:
    """The lines of ``stream``, refusing one longer than ``limit`` bytes (default
    :data:`MAX_TEXT_BYTES`) before reading more of it: a file without line ends (a device,
    a binary dump) cannot fill the memory."""
    limit = MAX_TEXT_BYTES if limit is None else limit
    readline = getattr(stream, "readline", None)
    if readline is None:  # an iterable of lines already in memory
        yield from stream
        return
    lineno = first_line - 1
    while True:
        raw = readline(limit + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            raise InputError(f"{name}:{lineno}: line is longer than the {limit:,}-byte limit "
                             "for one article; split the input into articles")
        yield raw


def iter_jsonl(stream: IO[bytes] | Iterable[bytes], *, name: str,
               published: dt.date | None = None) -> Iterator[Document]:
    """Yield documents from a JSON Lines stream, one line at a time (constant memory).

    A line longer than :data:`MAX_TEXT_BYTES` is refused as it is read. A stream that starts
    with a UTF-16 byte order mark is decoded as UTF-16.
    """
    if hasattr(stream, "peek") and stream.peek(2)[:2] in (codecs.BOM_UTF16_LE,
                                                          codecs.BOM_UTF16_BE):
        stream = _utf16_lines(stream, name=name)
    seen_any = False
    replaced: list[str] = []
    for lineno, raw in enumerate(bounded_lines(stream, name=name), start=1):
        if not raw.strip():
            continue
        document = document_from_line(raw, name=name, lineno=lineno, published=published,
                                      replaced=replaced)
        seen_any = True
        yield document
    if replaced:
        log.warning("geomap: %s: %d line(s) held unpaired surrogates (invalid Unicode), "
                    "replaced by U+FFFD; the first is %s", name, len(replaced), replaced[0])
    if not seen_any:
        raise InputError(f"{name}: file is empty")


def _utf16_lines(stream: Any, *, name: str) -> Iterator[bytes]:
    text = io.TextIOWrapper(stream, encoding="utf-16", errors="strict", newline=None)
    lineno = 0
    try:
        while line := text.readline(MAX_TEXT_BYTES // 2 + 1):
            lineno += 1
            if len(line) > MAX_TEXT_BYTES // 2 and not line.endswith("\n"):
                raise InputError(f"{name}:{lineno}: line is longer than one article can be")
            yield line.encode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        raise InputError(f"{name}:{lineno + 1}: not UTF-16 text although the file starts with "
                         "a UTF-16 byte order mark") from None
    finally:
        text.detach()


def _read_limited(stream: IO[bytes], *, name: str, already: int = 0) -> bytes:
    """Up to :data:`MAX_TEXT_BYTES` of ``stream``; one more byte is an error (never a read
    that grows without bound, as ``/dev/zero`` would make it)."""
    data = stream.read(MAX_TEXT_BYTES - already + 1)
    if already + len(data) > MAX_TEXT_BYTES:
        raise InputError(f"{name}: larger than the {MAX_TEXT_BYTES:,}-byte limit for one "
                         "article; split it or use a .jsonl file with one article per line")
    return bytes(data)


def _text_document(path: Path, *, published: dt.date | None) -> Document:
    try:
        with path.open("rb") as fh:
            data = _read_limited(fh, name=str(path))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return Document(id=path.stem, text=decode_text(data, name=str(path)), source=path.name,
                    published=published)


def _stdin_documents(stream: IO[bytes], *, published: dt.date | None) -> Iterator[Document]:
    """Stdin is JSON Lines when its first non-blank line is an object, else one article.

    JSON Lines are streamed line by line; a plain article is read whole (it is one document).
    """
    name = "<stdin>"
    if hasattr(stream, "peek") and stream.peek(2)[:2] in (codecs.BOM_UTF16_LE,
                                                          codecs.BOM_UTF16_BE):
        data = _read_limited(stream, name=name)
        if data.decode("utf-16", "replace").lstrip()[:1] == "{":
            yield from iter_jsonl(io.BufferedReader(io.BytesIO(data)), name=name,
                                  published=published)
        else:
            yield Document(id="stdin", text=decode_text(data, name=name), published=published)
        return
    lines = bounded_lines(stream, name=name)
    head = [next(lines, b"")]
    size = len(head[0])
    while head[-1] and not head[-1].strip():
        head.append(next(lines, b""))
        size += len(head[-1])
        if size > MAX_TEXT_BYTES:
            raise InputError(f"{name}: more than {MAX_TEXT_BYTES:,} bytes of blank lines")
    if head[-1].lstrip()[:1] == b"{":
        yield from iter_jsonl(itertools.chain(head, lines), name=name, published=published)
    else:
        data = b"".join(head)
        data += _read_limited(stream, name=name, already=len(data))
        yield Document(id="stdin", text=decode_text(data, name=name), published=published)


def folder_files(folder: Path) -> list[Path]:
    """The article files of a folder (.txt, .md, .jsonl …), in sorted name order."""
    files = _article_files(folder)
    if not files:
        raise InputError(f"{folder}: folder holds no .txt or .jsonl files")
    return files


def _article_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix
                  and p.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES)


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


def unique_ids(documents: Iterable[Document]) -> Iterator[Document]:
    """``documents`` with ids made unique: a repeated id gets ``#2``, ``#3``… (warned once).

    Two articles under one id would otherwise give events that no output can tell apart.
    Memory grows with the number of ids (not with the texts).
    """
    seen: set[str] = set()
    warned = False
    for document in documents:
        doc_id = document.id
        if doc_id in seen:
            n = 2
            while f"{doc_id}#{n}" in seen:
                n += 1
            new_id = f"{doc_id}#{n}"
            if not warned:
                log.warning("geomap: document id %r occurs more than once; later ones are "
                            "renamed %r, … (further repeats are not reported)", doc_id, new_id)
                warned = True
            document = Document(new_id, document.text, document.source, document.published,
                                document.url)
        seen.add(document.id)
        yield document


def iter_documents(inputs: Iterable[str | os.PathLike[str]], *, published: dt.date | None = None,
                   stdin: IO[bytes] | None = None) -> Iterator[Document]:
    """Yield documents from .txt files, folders of them, .jsonl files, or ``-`` (stdin).

    Files are read lazily, in the order given; folders in sorted name order. A repeated id
    gets a suffix (see :func:`unique_ids`).
    """
    return unique_ids(_iter_documents(inputs, published=published, stdin=stdin))


def _iter_documents(inputs: Iterable[str | os.PathLike[str]], *, published: dt.date | None,
                    stdin: IO[bytes] | None) -> Iterator[Document]:
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


#: Paths that name an already-open file descriptor (``/dev/stdout``, ``/proc/self/fd/3``):
#: written in place, never replaced.
_DESCRIPTOR_PATH = re.compile(r"^/(?:dev/(?:stdout|stderr|fd/\d+)|proc/(?:self|\d+)/fd/\d+)$")
#: Temp files live this long before a later run for the same output may remove them
#: (a younger one may belong to a run still going).
STALE_TEMP_SECONDS = 3600.0


def is_stream_output(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is written by streaming into it, never by replacing it: ``-``
    (standard output), ``/dev/stdout`` and other descriptor paths, FIFOs, devices, sockets.

    >>> is_stream_output("-"), is_stream_output("/dev/null"), is_stream_output("out.csv")
    (True, True, False)
    """
    name = os.fspath(path)
    if name == "-" or _DESCRIPTOR_PATH.match(name):
        return True
    try:
        mode = os.stat(name).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def check_writable(path: str | os.PathLike[str]) -> None:
    """Fail early, before any work, if ``path`` cannot be written."""
    if is_stream_output(path):
        if os.fspath(path) != "-" and not os.access(path, os.W_OK):
            raise OutputError(f"{path}: is not writable")
        return
    path = Path(os.path.realpath(path))  # a symlink is written through to its target
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


def check_output(output: str | os.PathLike[str],
                 inputs: Iterable[str | os.PathLike[str] | None]) -> None:
    """Fail before any work if ``output`` cannot be written or is one of ``inputs`` (the same
    file, also through a symlink or a hard link): writing it would destroy that input.

    ``inputs`` are paths as the command line takes them (folders stand for their article
    files; ``-`` and None are skipped).
    """
    check_writable(output)
    if is_stream_output(output):
        return
    try:
        out = os.stat(output)
    except OSError:
        return  # a new file is no input
    paths: list[Path] = []
    for item in inputs:
        if item is None or os.fspath(item) == "-":
            continue
        p = Path(item)
        if p.is_dir():
            with contextlib.suppress(OSError):
                paths.extend(_article_files(p))
        else:
            paths.append(p)
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == (out.st_dev, out.st_ino):
            same = "" if os.fspath(p) == os.fspath(output) else f" (the same file as {p})"
            raise InputError(f"{output}: is also an input{same}; writing it would destroy the "
                             "input, so choose another output name")


def _remove_stale_temps(target: Path, *, now: float | None = None) -> None:
    """Remove temp files of earlier runs for ``target`` (killed before their rename) that are
    older than :data:`STALE_TEMP_SECONDS`; younger ones may belong to a run still going."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.w\.[A-Za-z0-9_]+\.tmp$")
    limit = (time.time() if now is None else now) - STALE_TEMP_SECONDS
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    for entry in entries:
        if pattern.match(entry.name):
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False) and \
                        entry.stat(follow_symlinks=False).st_mtime < limit:
                    os.unlink(entry.path)


def _new_file_mode() -> int:
    """The mode ``open()`` gives a new file under the current umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def _stream_writer(path: str | os.PathLike[str], *, binary: bool) -> Iterator[IO[Any]]:
    """Write straight into standard output, a FIFO, a device or a descriptor path."""
    if os.fspath(path) == "-":
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # a replaced sys.stdout (tests): text only
            yield sys.stdout
            return
        if binary:
            yield buffer
            buffer.flush()
            return
        wrapper = io.TextIOWrapper(buffer, encoding="utf-8", newline="\n", write_through=True)
        try:
            yield wrapper
            wrapper.flush()
        finally:
            wrapper.detach()  # standard output stays open
        return
    try:
        # Append: a descriptor path opened by the shell with >> keeps what it holds.
        fh = (open(path, "ab") if binary  # noqa: SIM115 - closed by the with below
              else open(path, "a", encoding="utf-8", newline="\n"))  # noqa: SIM115
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    with fh:
        yield fh


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], *, binary: bool = False) -> Iterator[IO[Any]]:
    """Write to a temp file beside ``path`` and rename it into place only on success.

    A symlink is written through (its target is replaced, the link stays); ``-``, FIFOs,
    devices and ``/dev/stdout`` are written directly, never replaced. The new file keeps
    the mode of the file it replaces (a new file gets the umask's). Temp files that earlier
    runs for the same output left behind are removed once they are an hour old.
    """
    if is_stream_output(path):
        check_writable(path)
        with _stream_writer(path, binary=binary) as fh:
            yield fh
        return
    target = Path(os.path.realpath(path))
    check_writable(target)
    _remove_stale_temps(target)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = _new_file_mode()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.w.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror})") from None
    try:
        with (os.fdopen(fd, "wb") if binary
              else os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as fh:
            yield fh
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    with atomic_writer(path) as fh:
        fh.write(text)
    return Path(path)
