"""Benchmark the gazetteer: build time, store size, open + first lookup, lookups/s, RSS.

Usage::

    python tests/benchmarks/bench_gazetteer.py            # builds a fresh store in a tmp dir
    python tests/benchmarks/bench_gazetteer.py --store PATH   # reuse an existing store

Ratios are printed against baselines measured in the same run: warm lookups
against a bare ``dict.get`` over the same names, first-time lookups against one raw
SQLite query per name. Targets from issue 4: >= 200,000 warm exact lookups/s,
open + first lookup < 0.3 s, build < 60 s.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fresh_process_rss(store: Path, *, full: bool = False) -> float:
    """Resident MB of a fresh process that opened the store and did typical work."""
    extra = "g.near(35.4, 35.9); g.lookup('Damscus')\n" if full else ""
    code = (
        "import sys, sqlite3\n"
        "sys.path.insert(0, sys.argv[2])\n"
        "from bench_gazetteer import rss_mb\n"
        "from gazetteer import Gazetteer\n"
        "g = Gazetteer(sys.argv[1])\n"
        "names = [r[0] for r in g._conn.execute("
        "'SELECT name FROM places WHERE population > 5000 LIMIT 5000')]\n"
        "for n in names: g.lookup(n, fuzzy=False)\n"
        f"{extra}"
        "print(rss_mb())\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(store), str(Path(__file__).parent)],
                         check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def open_first_lookup(store: Path, *, via_open_gazetteer: bool) -> float:
    """Seconds for a fresh interpreter to import, open the store and answer one lookup."""
    opener = "open_gazetteer(p, progress=False)" if via_open_gazetteer else "Gazetteer(p)"
    code = (
        "import time, sys; t = time.perf_counter()\n"
        "from gazetteer import Gazetteer, open_gazetteer\n"
        f"p = sys.argv[1]; g = {opener}; m = g.lookup('Tartous')\n"
        "assert m and m[0].place.country_code == 'SY'\n"
        "print(time.perf_counter() - t)\n"
    )
    runs = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", code, str(store)], check=True,
                             capture_output=True, text=True)
        runs.append(float(out.stdout.strip()))
    return min(runs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, help="existing store (skips the build)")
    ap.add_argument("--names", type=int, default=5000, help="distinct names to look up")
    args = ap.parse_args()

    from gazetteer import Gazetteer, build_gazetteer

    tmpdir = None
    if args.store is None:
        tmpdir = tempfile.TemporaryDirectory()
        store = Path(tmpdir.name) / "bench.sqlite"
        load = os.getloadavg()[0]
        t, cpu = time.perf_counter(), time.process_time()
        build_gazetteer(store, progress=False)
        build_s, build_cpu = time.perf_counter() - t, time.process_time() - cpu
        print(f"build time:                 {build_s:8.1f} s    (target < 60 s; ratio "
              f"{build_s / 60:.2f} of budget; CPU {build_cpu:.1f} s; load average "
              f"{load:.1f} at start)")
    else:
        store = args.store
    size = store.stat().st_size
    print(f"store size:                 {size / 1e6:8.1f} MB")

    t_open = open_first_lookup(store, via_open_gazetteer=False)
    t_open2 = open_first_lookup(store, via_open_gazetteer=True)
    py = subprocess.run([sys.executable, "-c", "import time; t=time.perf_counter(); "
                         "import gazetteer; print(time.perf_counter()-t)"],
                        check=True, capture_output=True, text=True)
    print(f"open + first lookup:        {t_open:8.3f} s    (Gazetteer(path); target < 0.3 s; "
          f"ratio {t_open / 0.3:.2f} of budget)")
    print(f"open_gazetteer + lookup:    {t_open2:8.3f} s    (incl. data fingerprint check)")
    print(f"  of which import gazetteer {float(py.stdout):8.3f} s")

    rss0 = rss_mb()
    gaz = Gazetteer(store)
    conn = sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True)
    names = [r[0] for r in conn.execute(
        "SELECT name FROM places WHERE population > 1000 OR feature_code != 'PPL'")]
    random.Random(7).shuffle(names)
    names = names[: args.names]

    # Baseline 1: one raw indexed SQLite query per name (what an uncached store does at best).
    from gazetteer.text import fold

    keys = [fold(n) for n in names]
    t = time.perf_counter()
    for k in keys:
        conn.execute("SELECT pid FROM names WHERE key = ?", (k,)).fetchall()
    raw_rate = len(keys) / (time.perf_counter() - t)

    t = time.perf_counter()
    for n in names:
        gaz.lookup(n, fuzzy=False)
    first_rate = len(names) / (time.perf_counter() - t)

    rounds = 40
    t = time.perf_counter()
    for _ in range(rounds):
        for n in names:
            gaz.lookup(n, fuzzy=False)
    warm_rate = rounds * len(names) / (time.perf_counter() - t)

    # Baseline 2: a bare dict.get over the same names (the floor of any Python cache).
    table = {n: n for n in names}
    t = time.perf_counter()
    for _ in range(rounds):
        for n in names:
            table.get(n)
    dict_rate = rounds * len(names) / (time.perf_counter() - t)

    t = time.perf_counter()
    for _ in range(rounds):
        for n in names:
            gaz.contains(n)
    contains_rate = rounds * len(names) / (time.perf_counter() - t)

    t = time.perf_counter()
    gaz.near(35.4, 35.9)
    near_first = time.perf_counter() - t
    rng = random.Random(3)
    towns = conn.execute("SELECT lat, lon FROM places WHERE population > 100000").fetchall()
    rng.shuffle(towns)
    pts = [(lat + 0.01, lon + 0.01) for lat, lon in towns[:500]]
    t = time.perf_counter()
    for lat, lon in pts:
        gaz.near(lat, lon, k=5)
    near_rate = len(pts) / (time.perf_counter() - t)
    pts = [(rng.uniform(-60, 70), rng.uniform(-180, 180)) for _ in range(200)]
    t = time.perf_counter()
    for lat, lon in pts:
        gaz.near(lat, lon, k=5)
    near_rate_any = len(pts) / (time.perf_counter() - t)

    t = time.perf_counter()
    gaz.lookup("Damscus")
    fuzzy_first = time.perf_counter() - t
    typos = ["Aleppoo", "Tehrann", "Benghazy", "Kandahr", "Mogadisu", "Kharkov", "Sevastopl",
             "Islamabd", "Jerusalm", "Latakiya"]
    t = time.perf_counter()
    for q in typos:
        gaz.lookup(q)
    fuzzy_ms = (time.perf_counter() - t) / len(typos) * 1000

    print(f"first-time exact lookups/s: {first_rate:10,.0f}  (ratio {first_rate / raw_rate:.2f}"
          f" of one raw SQLite query/name = {raw_rate:,.0f}/s)")
    print(f"warm exact lookups/s:       {warm_rate:10,.0f}  (target >= 200,000; ratio "
          f"{warm_rate / 200_000:.1f}x target, {warm_rate / dict_rate:.2f} of dict.get = "
          f"{dict_rate:,.0f}/s)")
    print(f"warm contains()/s:          {contains_rate:10,.0f}")
    print(f"near(k=5)/s:                {near_rate:10,.0f}  (next to towns; random points on "
          f"the globe: {near_rate_any:,.0f}/s; first call loads points: {near_first:.2f} s)")
    print(f"fuzzy lookup:               {fuzzy_ms:8.1f} ms  (first call loads keys: "
          f"{fuzzy_first:.2f} s)")
    print(f"RSS after all of the above: {rss_mb():8.1f} MB   (before opening: {rss0:.1f} MB)")
    print(f"RSS, fresh process:         {fresh_process_rss(store):8.1f} MB   (5,000 lookups; "
          f"+ near + fuzzy indexes: {fresh_process_rss(store, full=True):.1f} MB)")
    print(f"machine: {os.cpu_count()} CPUs, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if tmpdir is not None:
        tmpdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
