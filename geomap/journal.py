"""The partial file of a corpus run (``OUT.partial``): what lets an interrupted run resume.

A header line (the journal version and a fingerprint of the inputs and options, with a hash
of the taxonomy file's content), then one JSON line per finished document, in input order,
each with a hash of its document (text, dates, source). A resumed run checks the fingerprint
and the document ids, reads the records back and continues after them; from the first
document whose hash differs (its text changed under the same id) it computes again. A torn
last line (the run was killed while writing it) is cut off.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from geomap.errors import InputError, OutputError
from geomap.io import check_writable
from geomap.types import Document

PARTIAL_SUFFIX = ".partial"
JOURNAL_VERSION = 2
#: The key of a record's document hash (removed before the record is used or copied out).
DIGEST_KEY = "geomap_document_sha256"

log = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]


def partial_path(output: PathLike) -> Path:
    """Where a run writing ``output`` keeps its progress: ``OUT.partial`` beside it."""
    out = Path(output)
    return out.with_name(out.name + PARTIAL_SUFFIX)


def fingerprint(kind: str, inputs: Sequence[PathLike], **options: object) -> dict[str, Any]:
    """What must be the same for a run to continue another: its kind, inputs and options."""
    return {"kind": kind,
            "inputs": [str(i) if str(i) == "-" else str(Path(i).resolve()) for i in inputs],
            **{k: (str(v) if v is not None else None) for k, v in sorted(options.items())}}


def document_digest(document: Document) -> str:
    """A hash of everything of ``document`` that its results depend on."""
    h = hashlib.sha256()
    for part in (document.id, document.text, document.source, document.url,
                 document.published.isoformat() if document.published else None):
        data = b"\x00" if part is None else b"\x01" + part.encode("utf-8")
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def file_digest(path: PathLike | None) -> str | None:
    """A hash of a file's content (a taxonomy read by the run), None without a file."""
    if path is None:
        return None
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None  # the run itself reports the unreadable file


class Journal:
    """The partial file: a header line, then one JSON line per finished document, in order."""

    def __init__(self, output: Path, fingerprint: dict[str, Any], *, resume: bool) -> None:
        self.path = partial_path(output)
        self.fingerprint = fingerprint
        self.resume = resume
        self._fh: IO[bytes] | None = None
        self._truncate_at: int | None = None

    def records(self) -> Iterator[dict[str, Any]]:
        """Records of an earlier run (after checking it matches); cuts off a torn last line."""
        if not self.path.exists():
            if self.resume:
                log.warning("geomap: no partial run at %s; starting from the beginning",
                            self.path)
            return
        if not self.resume:
            raise OutputError(
                f"{self.path}: an earlier run was interrupted here; pass --resume to continue it, "
                "or delete the file to start over")
        good_end = 0
        with self.path.open("rb") as fh:
            header_line = fh.readline()
            try:
                header = json.loads(header_line)
            except json.JSONDecodeError:
                header = None
            if not isinstance(header, dict) or header.get("geomap_partial") != JOURNAL_VERSION:
                other = isinstance(header, dict) and "geomap_partial" in header
                raise InputError(f"{self.path}: " + ("written by another version of geomap"
                                                     if other else "not a geomap partial file")
                                 + "; delete it to start over")
            if header.get("fingerprint") != self.fingerprint:
                raise InputError(
                    f"{self.path}: the interrupted run used other inputs or options "
                    f"({_diff(header.get('fingerprint'), self.fingerprint)}); rerun with the same "
                    "ones, or delete the file to start over")
            good_end = fh.tell()
            for raw in fh:
                if not raw.endswith(b"\n"):
                    break
                try:
                    record = json.loads(raw)
                except json.JSONDecodeError:
                    break
                # a consumer that stops at this record (its document changed) keeps the ones
                # before it only
                self._truncate_at = good_end
                good_end += len(raw)
                yield record
        self._truncate_at = good_end

    def open(self) -> IO[bytes]:
        fh: IO[bytes]
        if self._truncate_at is not None:
            fh = self.path.open("r+b")
            fh.truncate(self._truncate_at)
            fh.seek(self._truncate_at)
        else:
            check_writable(self.path)
            try:
                fh = self.path.open("wb")
            except OSError as exc:
                raise OutputError(f"{self.path}: cannot write ({exc.strerror or exc})") from None
            header = {"geomap_partial": JOURNAL_VERSION, "fingerprint": self.fingerprint}
            fh.write(json.dumps(header).encode() + b"\n")
        self._fh = fh
        return fh

    def append(self, record: dict[str, Any], document: Document) -> None:
        """Keep the record of ``document`` (with the document's hash)."""
        assert self._fh is not None
        line = json.dumps({DIGEST_KEY: document_digest(document), **record}, ensure_ascii=False)
        self._fh.write(line.encode("utf-8") + b"\n")

    def flush(self) -> None:
        if self._fh is not None:
            self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def lines(self) -> Iterator[bytes]:
        """Record lines without the document hashes (for copying into the output): the bytes
        ``json.dumps(record, ensure_ascii=False)`` gives."""
        with self.path.open("rb") as fh:
            fh.readline()
            for raw in fh:
                record = json.loads(raw)
                record.pop(DIGEST_KEY, None)
                yield json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _diff(old: object, new: dict[str, Any]) -> str:
    if not isinstance(old, dict):
        return "unknown options"
    keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return "differs in " + ", ".join(
        f"the content of the {k.removesuffix('_sha256')} file" if k.endswith("_sha256") else k
        for k in keys)


def skip_done(documents: Iterator[Document], records: Iterator[dict[str, Any]],
              on_record: Callable[[dict[str, Any]], None]) -> tuple[int, Iterator[Document]]:
    """Consume the documents an earlier run finished, checking they are the same ones.

    Returns how many were done and the documents still to compute: those after the last
    done one, or from the first whose content changed since (its hash differs; the journal
    then keeps only the records before it).
    """
    done = 0
    for record in records:
        document = next(documents, None)
        if document is None:
            raise InputError("the input has fewer documents than the interrupted run "
                             f"processed ({done}+); it changed since — delete the partial file")
        if document.id != record.get("id"):
            raise InputError(
                f"document {done + 1} of the input is {document.id!r} but the interrupted run "
                f"processed {record.get('id')!r} there; the input changed since — rerun with "
                "the same input or delete the partial file")
        if record.pop(DIGEST_KEY, None) != document_digest(document):
            log.warning("geomap: document %r changed since the interrupted run; computing "
                        "it and the ones after it again", document.id)
            if hasattr(records, "close"):
                records.close()
            return done, itertools.chain([document], documents)
        on_record(record)
        done += 1
    return done, documents
