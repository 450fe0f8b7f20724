"""Where the store lives and how builders of one store take turns.

This module depends on nothing else in the package, so the builder, the importers and
the store format can all use it without importing each other.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

#: Environment variable naming the store file.
ENV_VAR = "GEOMAP_GAZETTEER"
#: Version of the store's SQLite schema; part of the default file name.
SCHEMA_VERSION = 1


def default_path() -> Path:
    """Where the store lives: ``$GEOMAP_GAZETTEER`` or the user cache directory.

    >>> default_path().name.endswith(".sqlite")
    True
    """
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("geomap", appauthor=False)) / f"gazetteer-v{SCHEMA_VERSION}.sqlite"


def lock_path(path: Path) -> Path:
    """The lock file that guards the store at ``path``: ``<store>.lock`` beside it.

    >>> lock_path(Path("/tmp/g.sqlite")).name
    'g.sqlite.lock'
    """
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def build_lock(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold the lock that serialises writers of the store at ``path`` across processes.

    Builds and imports take it; readers never wait (a store is replaced by an atomic
    rename). The lock is a :class:`filelock.FileLock`, so it works on Windows too.

    Examples
    --------
    >>> with build_lock("/tmp/g.sqlite"):   # doctest: +SKIP
    ...     ...                               # no other process builds /tmp/g.sqlite now
    """
    from filelock import FileLock

    with FileLock(str(lock_path(Path(path)))):
        yield
