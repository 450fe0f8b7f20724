"""The read-only :class:`Gazetteer`: name lookup, ids, nearest places."""

from __future__ import annotations

import functools
import json
import math
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gazetteer.errors import GazetteerError, GazetteerUnavailable
from gazetteer.geometry import MEAN_EARTH_RADIUS_KM
from gazetteer.model import Match, Place
from gazetteer.sources import ABBREVIATION, CODE, DEMONYM, NAME
from gazetteer.store import ALIAS_SEP, check_store, connect_readonly, unavailable_advice
from gazetteer.text import admin_variants, compact, fold, spelling_variants

# Scores per match type; fuzzy scores are scaled into [0, FUZZY_MAX].
_SCORE = {"exact": 1.0, "alternate": 0.98, "abbreviation": 0.95, "demonym": 0.92, "folded": 0.9}
FUZZY_MAX = 0.85
# An alternate name must belong to a place ~3x more important (log10 scale) to beat an
# exact name: GeoNames alternates include historic names and names of parts.
ALTERNATE_PENALTY = 0.5
# Tie-break order inside a ranking tier.
_TYPE_ORDER = {"exact": 0, "alternate": 1, "abbreviation": 2, "demonym": 3, "folded": 4,
               "fuzzy": 5}
_PLACE_COLUMNS = ("id, place_id, name, lat, lon, feature_class, feature_code, country_code, "
                  "admin1, population, source, admin1_name, aliases")


def _match_type(query: str, name: str, kind: int) -> str | None:
    """How a stored name matches the query (same fold key), or None if it must not."""
    if kind in (CODE, ABBREVIATION):
        # Codes/abbreviations are case-sensitive: "US" and "U.S." but not "us".
        return "abbreviation" if compact(query) == compact(name) else None
    if kind == DEMONYM:
        return "demonym"
    if query == name:
        return "exact" if kind == NAME else "alternate"
    if len(query) <= 3 and query.isupper() and not name.isupper():
        # "EU", "UN": an acronym is not the village "Eu" or "Un".
        return None
    return "folded"


def _initials(key: str) -> tuple[str, ...]:
    """The first letter of each word of a folded name (words split at spaces and hyphens)."""
    return tuple(w[0] for w in re.split(r"[\s\-]+", key) if w)


def _tier(match_type: str) -> int:
    """Ranking tier: an exact spelling beats a folded one, which beats fuzzy."""
    return {"folded": 1, "fuzzy": 2}.get(match_type, 0)


class Gazetteer:
    """A read-only gazetteer store.

    Parameters
    ----------
    path
        A store built by :func:`gazetteer.build_gazetteer`.
    cache_size
        Number of lookups remembered (an LRU cache); repeated names cost a dict hit.

    Raises
    ------
    GazetteerUnavailable
        If the store is missing, incomplete or corrupt; the message says what to run.

    Examples
    --------
    >>> gaz = Gazetteer(default_path())                 # doctest: +SKIP
    >>> [m.place.name for m in gaz.lookup("Paris", country="US", limit=1)]  # doctest: +SKIP
    ['Paris']
    """

    def __init__(self, path: str | os.PathLike[str], *, cache_size: int = 200_000) -> None:
        self.path = Path(path)
        self._meta = check_store(self.path)
        self._local = threading.local()
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._lookup_cached = functools.lru_cache(maxsize=cache_size)(self._lookup_uncached)
        self._contains_cached = functools.lru_cache(maxsize=cache_size)(self._contains_uncached)
        self._place_memo: dict[int, Place] = {}
        self._place_memo_size = max(cache_size, 1024)
        self._cache_size = cache_size
        self._fuzzy_index: dict[str, list[str]] | None = None
        self._points: Any = None
        self._countries: dict[str, int] | None = None
        self._admin1: dict[tuple[str, str], int] | None = None

    # -- connection ------------------------------------------------------------------------
    @property
    def _conn(self) -> sqlite3.Connection:
        # One connection per thread and per process: a forked child must not share
        # the parent's SQLite handle.
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or self._pid != os.getpid():
            if self._pid != os.getpid():
                self._local = threading.local()
                self._pid = os.getpid()
            try:
                conn = connect_readonly(self.path)
            except sqlite3.Error as exc:
                raise GazetteerUnavailable(
                    f"cannot open gazetteer store {self.path}: {exc}; "
                    f"{unavailable_advice(self.path)}"
                ) from exc
            self._local.conn = conn
        return conn

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> list[Any]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise GazetteerUnavailable(
                f"gazetteer store {self.path} cannot be read ({exc}); "
                f"{unavailable_advice(self.path)}"
            ) from exc

    def close(self) -> None:
        """Close this thread's connection (others close when garbage collected)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Gazetteer({str(self.path)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickles as "reopen this path" (spaCy/Dask workers): connections and caches
        # are per process.
        return (_reopen, (str(self.path), self._cache_size))

    # -- places ----------------------------------------------------------------------------
    @staticmethod
    def _row_to_place(row: tuple[Any, ...]) -> Place:
        (_, place_id, name, lat, lon, fcl, fcode, cc, a1, pop, source, a1name, aliases) = row
        return Place(
            place_id=place_id, name=name, lat=lat, lon=lon, feature_class=fcl,
            feature_code=fcode, country_code=cc, admin1=a1, population=pop, source=source,
            admin1_name=a1name, aliases=tuple(aliases.split(ALIAS_SEP)) if aliases else (),
        )

    def _places(self, rowids: Iterable[int]) -> dict[int, Place]:
        """Places by internal row id, fetching the ones not yet memoised in one query."""
        memo = self._place_memo
        wanted = list(rowids)
        missing = [r for r in wanted if r not in memo]
        if missing:
            if len(memo) + len(missing) > self._place_memo_size:
                memo.clear()  # crude but bounded; hot places come back on the next miss
            marks = ",".join("?" * len(missing))
            for row in self._query(
                f"SELECT {_PLACE_COLUMNS} FROM places WHERE id IN ({marks})", tuple(missing)
            ):
                memo[row[0]] = self._row_to_place(row)
        return {r: memo[r] for r in wanted if r in memo}

    def _place_cached(self, rowid: int) -> Place | None:
        return self._places((rowid,)).get(rowid)

    def get(self, place_id: str) -> Place | None:
        """Return the place with this id (``geonames:170654``, ``curated:…``), or None."""
        rows = self._query("SELECT id FROM places WHERE place_id = ?", (place_id,))
        return self._place_cached(rows[0][0]) if rows else None

    def country(self, cc: str) -> Place | None:
        """Return the country place of an ISO 3166-1 alpha-2 code (``"SY"``), or None."""
        if self._countries is None:
            rows = self._query(
                "SELECT country_code, id FROM places WHERE feature_code = 'PCLI' "
                "ORDER BY importance, id"
            )
            self._countries = {cc_: rowid for cc_, rowid in rows}
        rowid = self._countries.get(cc.upper())
        return self._place_cached(rowid) if rowid is not None else None

    def admin1(self, cc: str, admin1_code: str) -> Place | None:
        """Return the first-level region (``admin1("SY", "02")`` is Latakia), or None."""
        if self._admin1 is None:
            rows = self._query(
                "SELECT country_code, admin1, id FROM places WHERE feature_code = 'ADM1' "
                "ORDER BY importance, id"
            )
            self._admin1 = {(c, a): rowid for c, a, rowid in rows}
        rowid = self._admin1.get((cc.upper(), admin1_code))
        return self._place_cached(rowid) if rowid is not None else None

    # -- lookup ----------------------------------------------------------------------------
    def lookup(
        self,
        name: str,
        *,
        country: str | None = None,
        feature_class: str | Iterable[str] | None = None,
        fuzzy: bool = True,
        limit: int = 20,
    ) -> list[Match]:
        """Return candidate places for a name, best first; an unknown name gives ``[]``.

        Ranking is, in order: (1) match tier — exact spelling, alternate name,
        abbreviation or demonym; then case/diacritic-folded; then fuzzy; (2) importance
        — countries 10, continents and regions 9–9.5, curated facilities 7, admin-1
        regions 6.5 (4.0 when a town inside has the same name), cities
        log10(population) (+1.5 for capitals), airports 3.5, with 0.5 off for a match
        on an alternate name; (3) match type; (4) population; (5) id. When nothing matched
        exactly or folded, other romanisations of an Arabic-style name are tried first
        (Hawija / Hawijah, Al-Qusayr / Qusayr: :func:`gazetteer.text.spelling_variants`;
        they match as "folded"), and then fuzzy matching (rapidfuzz, names of places of
        importance >= 3 with the same first letter).

        Parameters
        ----------
        name
            The name as written ("Tartous", "U.S.", "Syrian", "Khmeimim").
        country
            ISO2 code (or several, comma-separated) to keep.
        feature_class
            GeoNames feature class(es) to keep: A, P, S, H, T, L.
        fuzzy
            Allow the fallbacks: other romanisations, then fuzzy matching.
        limit
            Maximum number of candidates.

        Examples
        --------
        >>> gaz.lookup("Tartous")[0].place.name            # doctest: +SKIP
        'Ţarţūs'
        >>> gaz.lookup("Syrian")[0].match_type             # doctest: +SKIP
        'demonym'
        """
        if isinstance(feature_class, str):
            fcs: tuple[str, ...] | None = tuple(feature_class.upper())
        elif feature_class is not None:
            fcs = tuple(sorted({f.upper() for f in feature_class}))
        else:
            fcs = None
        ccs = tuple(sorted({c.strip().upper() for c in country.split(",")})) if country else None
        return list(self._lookup_cached(name, ccs, fcs, fuzzy, limit))

    def _lookup_uncached(
        self,
        name: str,
        ccs: tuple[str, ...] | None,
        fcs: tuple[str, ...] | None,
        fuzzy: bool,
        limit: int,
    ) -> tuple[Match, ...]:
        query = name.strip()
        key = fold(query)
        if not key or limit <= 0:
            return ()
        ranked = self._rank(query, self._rows_for_key(key), ccs, fcs, None)
        if not ranked and key.startswith("the "):
            ranked = self._rank(query[4:], self._rows_for_key(key[4:]), ccs, fcs, None)
        if not ranked and fuzzy:
            # another romanisation of the name (Hawija / Hawijah / Al-Hawija) before any fuzzy
            # match, which would take the nearest spelling of some other place (Al 'Awja)
            for variant in spelling_variants(key):
                ranked = self._rank(query, self._rows_for_key(variant), ccs, fcs, None)
                if ranked:  # a "folded" match: the query is not the stored spelling
                    break
        if not ranked and fuzzy and (fcs is None or "A" in fcs):
            # an administrative unit named without its generic word ("Kandiyohi" for
            # Kandiyohi County), before a fuzzy match takes the nearest spelling of a town
            rows = [r for v in admin_variants(key) for r in self._rows_for_key(v)]
            ranked = self._rank(query, rows, ccs, ("A",), None)
        if not ranked and fuzzy and 4 <= len(key) <= 64:
            ranked = self._fuzzy(query, key, ccs, fcs)
        memo = self._place_memo
        out = []
        for (*_, rowid, matched, mtype, score, row) in ranked[:limit]:
            place = memo.get(rowid)
            if place is None:
                if len(memo) >= self._place_memo_size:
                    memo.clear()
                place = memo[rowid] = self._candidate_row_to_place(row)
            out.append(Match(place, matched, mtype, score))
        return tuple(out)

    @staticmethod
    def _candidate_row_to_place(row: tuple[Any, ...]) -> Place:
        (_, _, _, _, cc, fcl, pop, place_id, name, lat, lon, fcode, a1, source, a1name,
         aliases) = row
        return Place(
            place_id=place_id, name=name, lat=lat, lon=lon, feature_class=fcl,
            feature_code=fcode, country_code=cc, admin1=a1, population=pop, source=source,
            admin1_name=a1name, aliases=tuple(aliases.split(ALIAS_SEP)) if aliases else (),
        )

    def _rows_for_key(self, key: str) -> list[Any]:
        return self._query(
            # One query gives both what ranking needs and the place itself.
            "SELECT n.kind, n.name, n.pid, p.importance, p.country_code, p.feature_class, "
            "p.population, p.place_id, p.name, p.lat, p.lon, p.feature_code, p.admin1, "
            "p.source, p.admin1_name, p.aliases "
            "FROM names n JOIN places p ON p.id = n.pid WHERE n.key = ?",
            (key,),
        )

    @staticmethod
    def _rank(
        query: str,
        rows: Iterable[Any],
        ccs: tuple[str, ...] | None,
        fcs: tuple[str, ...] | None,
        fuzzy_score: dict[str, float] | None,
    ) -> list[tuple[Any, ...]]:
        best: dict[int, tuple[Any, ...]] = {}
        for row in rows:
            kind, stored, rowid, importance, cc, fcl, pop, place_id = row[:8]
            if ccs is not None and cc not in ccs:
                continue
            if fcs is not None and fcl not in fcs:
                continue
            if fuzzy_score is not None:
                mtype = "fuzzy"
                score = fuzzy_score[stored]
            else:
                mtype_or_none = _match_type(query, stored, kind)
                if mtype_or_none is None:
                    continue
                mtype = mtype_or_none
                score = _SCORE[mtype]
            if mtype == "alternate":
                importance -= ALTERNATE_PENALTY
            # Fuzzy candidates rank by similarity first; the others share score 0 here.
            item = (_tier(mtype), -score if fuzzy_score is not None else 0.0, -importance,
                    _TYPE_ORDER[mtype], -pop, place_id, rowid, stored, mtype, score, row)
            if rowid not in best or item < best[rowid]:
                best[rowid] = item
        return sorted(best.values())

    def _fuzzy(
        self, query: str, key: str, ccs: tuple[str, ...] | None, fcs: tuple[str, ...] | None
    ) -> list[tuple[Any, ...]]:
        from rapidfuzz import fuzz, process

        keys = self._fuzzy_keys().get(key[0], [])
        hits = process.extract(key, keys, scorer=fuzz.ratio, limit=10, score_cutoff=85)
        rows: list[Any] = []
        scores: dict[str, float] = {}
        initials = _initials(key)
        for hit_key, score, _ in hits:
            if _initials(hit_key) != initials:
                # A misspelling keeps the words and their first letters; "North Raven" is
                # another name, not a way of writing North Haven.
                continue
            for row in self._rows_for_key(hit_key):
                if row[0] in (CODE, ABBREVIATION):
                    continue
                rows.append(row)
                scores[row[1]] = max(scores.get(row[1], 0.0), round(score / 100 * FUZZY_MAX, 4))
        return self._rank(query, rows, ccs, fcs, scores)

    def _fuzzy_keys(self) -> dict[str, list[str]]:
        """Fold keys worth fuzzy matching, bucketed by first character.

        Only names of places with importance >= 3 take part (precomputed at build
        time into the store's ``blobs`` table): fuzzy search over every hamlet's alternate names would be
        slow and mostly surface noise. Bucketing by the first character makes a
        search ~30x cheaper; a misspelt first letter is left to the alternate names.
        """
        with self._lock:
            if self._fuzzy_index is None:
                blob = self._blob("fuzzy_keys")
                if blob is not None:
                    keys = blob.decode("utf-8").split("\n")
                else:  # a store written before the blobs table existed
                    keys = [k for (k,) in self._query(
                        "SELECT DISTINCT n.key FROM names n JOIN places p ON p.id = n.pid "
                        "WHERE p.importance >= 3 AND n.kind IN (0, 1, 2) AND length(n.key) >= 4"
                    ) if k.isascii()]
                buckets: dict[str, list[str]] = {}
                for key in keys:
                    if key:
                        buckets.setdefault(key[0], []).append(key)
                self._fuzzy_index = buckets
            return self._fuzzy_index

    def _blob(self, name: str) -> bytes | None:
        try:
            rows = self._conn.execute("SELECT data FROM blobs WHERE name = ?", (name,)).fetchall()
        except sqlite3.OperationalError:
            return None
        return bytes(rows[0][0]) if rows else None

    def contains(self, name: str) -> bool:
        """True if ``lookup(name, fuzzy=False)`` would find something; cached and fast."""
        return bool(self._contains_cached(name))

    def _contains_uncached(self, name: str) -> bool:
        query = name.strip()
        key = fold(query)
        if not key:
            return False
        rows = self._query("SELECT kind, name FROM names WHERE key = ?", (key,))
        return any(_match_type(query, stored, kind) is not None for kind, stored in rows)

    # -- enumeration -----------------------------------------------------------------------
    def iter_names(
        self,
        *,
        sources: Iterable[str] | None = None,
        feature_classes: Iterable[str] | None = None,
        min_population: int = 0,
    ) -> Iterator[tuple[str, str]]:
        """Yield ``(name, place_id)`` for every name, demonym and abbreviation.

        Airport/ISO codes (case-sensitive 2–4 letter codes) are left out: as matcher
        patterns they mostly hit ordinary words and acronyms.

        Parameters
        ----------
        sources
            Id prefixes to keep: ``geonames``, ``admin1``, ``region``, ``airport``,
            ``curated``, ``user``, ``country``.
        feature_classes
            GeoNames feature classes to keep.
        min_population
            Keep places with at least this population; places without a population
            (countries' regions, facilities) are kept only when it is 0.
        """
        where = ["n.kind != ?"]
        params: list[object] = [CODE]
        if sources is not None:
            prefixes = sorted(set(sources))
            where.append("(" + " OR ".join("p.place_id LIKE ?" for _ in prefixes) + ")")
            params += [f"{p}:%" for p in prefixes]
        if feature_classes is not None:
            classes = sorted({f.upper() for f in feature_classes})
            where.append(f"p.feature_class IN ({','.join('?' for _ in classes)})")
            params += classes
        if min_population > 0:
            where.append("p.population >= ?")
            params.append(min_population)
        sql = (
            "SELECT n.name, p.place_id FROM names n JOIN places p ON p.id = n.pid "
            f"WHERE {' AND '.join(where)} ORDER BY p.id, n.name"
        )
        try:
            cur = self._conn.execute(sql, tuple(params))
            while batch := cur.fetchmany(8192):
                yield from batch
        except sqlite3.DatabaseError as exc:
            raise GazetteerUnavailable(
                f"gazetteer store {self.path} cannot be read ({exc}); "
                f"{unavailable_advice(self.path)}"
            ) from exc

    # -- nearest ---------------------------------------------------------------------------
    def near(
        self,
        lat: float,
        lon: float,
        *,
        k: int = 1,
        feature_class: str | Iterable[str] | None = None,
    ) -> list[tuple[Place, float]]:
        """Return the ``k`` nearest places with their great-circle distance in km.

        >>> [(p.name, round(km)) for p, km in gaz.near(35.40, 35.95, k=1)]  # doctest: +SKIP
        [('Hmeimim Air Base', 0)]
        """
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise GazetteerError(f"coordinates out of range: {lat}, {lon}")
        if k <= 0:
            return []
        import numpy as np

        lat_deg, ids, lats, lons, classes = self._load_points()
        wanted = None
        if feature_class is not None:
            wanted = sorted(set(feature_class.upper()) if isinstance(feature_class, str)
                            else {f.upper() for f in feature_class})
        la, lo = math.radians(lat), math.radians(lon)
        km_per_degree = MEAN_EARTH_RADIUS_KM * math.pi / 180
        # Search a latitude band that widens until it holds k places closer than the
        # band's half-width: everything outside the band is farther than that.
        half = 0.25
        while True:
            start = int(np.searchsorted(lat_deg, lat - half, side="left"))
            stop = int(np.searchsorted(lat_deg, lat + half, side="right"))
            b_lats, b_lons = lats[start:stop], lons[start:stop]
            a = (np.sin((b_lats - la) / 2) ** 2
                 + math.cos(la) * np.cos(b_lats) * np.sin((b_lons - lo) / 2) ** 2)
            dist = 2 * MEAN_EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
            if wanted is not None:
                dist = np.where(np.isin(classes[start:stop], wanted), dist, np.inf)
            complete = half >= 180
            limit = np.inf if complete else half * km_per_degree
            inside = np.flatnonzero(dist <= limit)
            if len(inside) >= k or complete:
                break
            half *= 2
        b_ids = ids[start:stop]
        order = inside[np.lexsort((b_ids[inside], dist[inside]))][:k]
        found = self._places(int(b_ids[i]) for i in order)
        return [(found[int(b_ids[i])], float(dist[i])) for i in order
                if int(b_ids[i]) in found]

    def _load_points(self) -> Any:
        """Coordinates of every place, sorted by latitude (loaded once, ~0.5 s)."""
        with self._lock:
            if self._points is None:
                import numpy as np

                if (lat_blob := self._blob("points_lat")) is not None:
                    lat_deg = np.frombuffer(lat_blob, dtype=np.float64)
                    ids = np.frombuffer(self._blob("points_id") or b"", dtype=np.int64)
                    lons = np.frombuffer(self._blob("points_lon") or b"", dtype=np.float64)
                    classes = np.frombuffer(self._blob("points_class") or b"", dtype="S1")
                else:  # a store written before the blobs table existed
                    rows = self._query(
                        "SELECT lat, id, lon, feature_class FROM places ORDER BY lat, id")
                    lat_deg = np.array([r[0] for r in rows], dtype=np.float64)
                    ids = np.array([r[1] for r in rows], dtype=np.int64)
                    lons = np.array([r[2] for r in rows], dtype=np.float64)
                    classes = np.array([r[3][:1] for r in rows], dtype="S1")
                self._points = (lat_deg, ids, np.radians(lat_deg), np.radians(lons),
                                classes.astype("<U1"))
            return self._points

    def info_meta(self) -> dict[str, str]:
        """The raw ``meta`` table of the store (strings)."""
        return dict(self._meta)

    # -- info ------------------------------------------------------------------------------
    def info(self) -> dict[str, Any]:
        """Describe the store: path, size, build time, counts per source and per id prefix."""
        meta = self._meta
        return {
            "path": str(self.path),
            "size_bytes": self.path.stat().st_size,
            "schema_version": int(meta.get("schema_version", "0")),
            "built_at": meta.get("built_at", ""),
            "build_seconds": float(meta.get("build_seconds", "0") or 0),
            "places": sum(json.loads(meta.get("counts_by_id_prefix", "{}")).values()),
            "names": int(meta.get("names", "0")),
            "counts_by_source": json.loads(meta.get("counts_by_source", "{}")),
            "counts_by_id_prefix": json.loads(meta.get("counts_by_id_prefix", "{}")),
            "sources": json.loads(meta.get("sources", "[]")),
            "imports": json.loads(meta.get("imports", "[]")),
            "fingerprint": meta.get("fingerprint", ""),
        }


def _reopen(path: str, cache_size: int) -> Gazetteer:
    return Gazetteer(path, cache_size=cache_size)
