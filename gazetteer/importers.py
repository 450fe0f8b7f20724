"""Import a file a user has into the store: :func:`import_file`.

The supported files (GeoNames dumps, CSV/TSV tables, GeoJSON) and their readers are in
:mod:`gazetteer.import_formats`; their names are re-exported here.

Examples
--------
>>> from gazetteer.importers import import_file
>>> import_file("my_places.csv")                # doctest: +SKIP
ImportResult(path=..., places=12, names=30)
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sqlite3
from pathlib import Path

from gazetteer.build import open_gazetteer
from gazetteer.errors import GazetteerError
from gazetteer.import_formats import (
    IMPORTABLE_SUFFIXES,
    ImportResult,
    apply_alternate_names,
    apply_import,
    read_geojson,
    read_geonames_places,
    read_table,
)
from gazetteer.paths import build_lock, default_path
from gazetteer.store import StoreWriter, check_store, temp_path_for

log = logging.getLogger(__name__)


def import_file(
    path: str | os.PathLike[str],
    *,
    store: str | os.PathLike[str] | None = None,
    progress: bool = False,
) -> ImportResult:
    """Import a file into the store atomically (a private copy is changed, then renamed).

    Parameters
    ----------
    path
        The file to import (see the module docstring for formats).
    store
        The store to change; default :func:`gazetteer.default_path` (built if missing).
    progress
        Show progress bars on stderr (a first build, long GeoNames dumps).
    """
    source = Path(path).resolve()
    if not source.is_file():
        raise GazetteerError(f"cannot import {source}: no such file")
    if source.suffix.lower() not in IMPORTABLE_SUFFIXES:
        raise GazetteerError(
            f"cannot import {source}: use a GeoNames .zip/.txt dump, a .csv/.tsv table or .geojson"
        )
    target = Path(store) if store is not None else default_path()
    open_gazetteer(target, progress=progress).close()
    with build_lock(target):
        meta = check_store(target)
        tmp = temp_path_for(target)
        try:
            shutil.copyfile(target, tmp)
            writer = StoreWriter(tmp)
        except (OSError, sqlite3.Error) as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise GazetteerError(f"cannot prepare a copy of {target} to import into: {exc}") \
                from exc
        try:
            result = apply_import(writer, source, progress=progress)
            imports = [p for p in json.loads(meta.get("imports", "[]")) if p != str(source)]
            writer.finish({**{k: v for k, v in meta.items() if k != "complete"},
                           "imports": [*imports, str(source)]})
            os.replace(tmp, target)
            log.info("imported %s into %s: %d places, %d names", source, target,
                     result.places, result.names)
        except (OSError, sqlite3.Error) as exc:
            writer.abort()
            raise GazetteerError(f"could not import {source} into {target}: {exc}") from exc
        except BaseException:
            writer.abort()
            raise
    return result


__all__ = ["ImportResult", "apply_alternate_names", "apply_import", "import_file", "read_geojson",
           "read_geonames_places", "read_table"]
