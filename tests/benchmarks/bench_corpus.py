"""Corpus-scale benchmark: throughput with 1 process, 2 spaCy processes and 2 Dask workers;
peak memory (RSS of the whole process tree) for a small and a 10x larger corpus.

    python tests/benchmarks/bench_corpus.py                 # 5,000 articles; 1,000 vs 10,000
    python tests/benchmarks/bench_corpus.py --docs 5000 --memory 500,5000 \
        --memory-commands extract,toponyms

The corpus is generated: short news-like articles written from templates, with places drawn
from the packaged gazetteer (seeded, so every run reads the same text). Prints documents/s and
ratios against the single-process run measured in the same run (each configuration in a
fresh process, set up as the geomap command sets itself up), whether the three runs wrote
identical events, and the memory ratio. Must hold: >= 1.7x with 2 processes or 2 workers on a
2-core machine; memory within 20%; identical events.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

EVENT_SENTENCES = (
    "Thousands of protesters gathered in {a} on {day} to demand the resignation of the "
    "transport minister, organisers said.",
    "An explosion struck a crowded market in {a} on {day}, killing at least {n} people, "
    "police said.",
    "Government troops clashed with armed fighters on the outskirts of {a} on {day}, "
    "according to officials in {b}.",
    "The foreign minister arrived in {a} on {day} for two days of talks with officials "
    "from {b}.",
    "Police arrested {n} opposition activists in {a} on {day}, their lawyers said.",
    "Rioters set fire to several shops in {a} on {day} after a disputed vote count.",
)
FILLER_SENTENCES = (
    "The city of {a} has grown quickly over the past decade.",
    "Food prices have risen sharply since the start of the year, traders said.",
    "Analysts expect the central bank to keep interest rates unchanged next month.",
    "Relations between the two governments have been strained for several years.",
    "A spokesperson declined to comment on the details of the agreement.",
    "Local newspapers in {b} carried the story on their front pages.",
    "The region has a long history of disputes over land and water.",
    "Schools and most businesses remained open, residents said.",
    "Officials in {a} said the budget for road repairs would be doubled next year.",
    "Several international airlines have resumed flights to {b} in recent months.",
    "The opposition has called for an independent inquiry into the spending.",
    "Farmers complained that the rains had arrived later than usual this season.",
    "Diplomats said a new round of negotiations could begin before the summer.",
    "Unemployment among young people remains well above the national average.",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def place_names(count: int = 400) -> list[str]:
    """Primary names of large populated places in the packaged gazetteer (ASCII, sorted)."""
    from gazetteer import open_gazetteer

    gaz = open_gazetteer(progress=False)
    ids: dict[str, None] = {}
    for _, place_id in gaz.iter_names(feature_classes=["P"], min_population=500_000):
        ids.setdefault(place_id)
    names = set()
    for place_id in ids:
        place = gaz.get(place_id)
        if place is not None and place.name.isascii() and place.name.replace(" ", "").isalpha():
            names.add(place.name)
    return sorted(names)[:count]


def write_corpus(path: Path, n: int, *, names: list[str], seed: int = 7) -> Path:
    """``n`` articles of 11-12 sentences (2-3 reporting events), one JSON object per line."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fill = {"a": rnd.choice(names), "b": rnd.choice(names)}
            sentences = [s.format(day=rnd.choice(DAYS), n=rnd.randint(2, 40),
                                  **{"a": fill["a"] if rnd.random() < 0.7 else rnd.choice(names),
                                     "b": fill["b"]})
                         for s in rnd.sample(EVENT_SENTENCES, rnd.randint(2, 3))]
            sentences += [s.format(**fill) for s in rnd.sample(FILLER_SENTENCES, 9)]
            rnd.shuffle(sentences)
            month, day = 1 + (i // 28) % 12, 1 + i % 28
            fh.write(json.dumps({"id": f"art{i:06d}", "text": " ".join(sentences),
                                 "published": f"2024-{month:02d}-{day:02d}",
                                 "source": f"wire{i % 5}"}) + "\n")
    return path


# -- throughput ------------------------------------------------------------------------------
CONFIGS = ("1 process", "2 processes", "Dask, 2 workers")


def run_config(config: str, corpus_path: Path, out: Path, *, batch_size: int) -> float:
    """Docs/s of one configuration on a warm pipeline (loading and warm-up are not timed).

    Runs in a fresh process per configuration (see :func:`throughput`), set up as the
    ``geomap`` command sets itself up: one BLAS thread, worker processes from a fork server.
    """
    from geomap.corpus import extract_corpus
    from geomap.formats import save_events
    from geomap.nlp import prefer_fresh_worker_processes

    n_docs = sum(1 for _ in corpus_path.open("rb"))
    warm = out.with_name("warm.jsonl")
    with corpus_path.open("rb") as src, warm.open("wb") as dst:
        for _, line in zip(range(64), src, strict=False):
            dst.write(line)
    if config == "Dask, 2 workers":
        from distributed import Client, LocalCluster

        from geomap import distributed

        with distributed.local_cluster_config(), LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True,
                dashboard_address=":0") as cluster, Client(cluster):
            distributed.extract_partitions([warm], blocksize=4096, batch_size=batch_size)
            size = max(1, corpus_path.stat().st_size // 16)  # 16 partitions: 8 per worker
            started = time.perf_counter()
            parts = distributed.extract_partitions([corpus_path], blocksize=size,
                                                   batch_size=batch_size,
                                                   parts_dir=out.with_name("parts"))
            save_events(distributed.merge_partitions(parts), out)
            return n_docs / (time.perf_counter() - started)
    from geomap.pipeline import Pipeline

    n = 1 if config == "1 process" else 2
    if n > 1:
        prefer_fresh_worker_processes()
    pipeline = Pipeline().load()
    extract_corpus([warm], out.with_name("warm.out.jsonl"), pipeline=pipeline, n_process=n,
                   batch_size=batch_size)
    started = time.perf_counter()
    extract_corpus([corpus_path], out, pipeline=pipeline, n_process=n, batch_size=batch_size)
    return n_docs / (time.perf_counter() - started)


def throughput(corpus_path: Path, workdir: Path, *, batch_size: int) -> dict[str, tuple[float, bytes]]:
    """Docs/s and output of each configuration, each measured in a fresh process.

    A fresh process per run keeps the runs independent: a process that has ever started a
    thread (a Dask client, a multiprocessing queue) runs spaCy ~10% slower from then on, so
    measuring the single-process run inside the process that hosts the Dask cluster would
    understate it and flatter the ratios.
    """
    results: dict[str, tuple[float, bytes]] = {}
    for i, config in enumerate(CONFIGS):
        out = workdir / f"run{i}" / "events.jsonl"
        out.parent.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run([sys.executable, __file__, "--run-config", config,
                               "--corpus", str(corpus_path), "--out", str(out),
                               "--batch-size", str(batch_size)],
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"{config} failed:\n{proc.stderr[-2000:]}")
        rate = float(proc.stdout.strip().splitlines()[-1])
        results[config] = (rate, out.read_bytes())
        print(f"  {config}: {rate:.1f} docs/s", flush=True)
    return results


# -- memory ----------------------------------------------------------------------------------
def peak_rss(cmd: list[str]) -> tuple[int, float]:
    """Peak summed RSS (bytes) of ``cmd`` and its children, sampled every 50 ms."""
    import psutil

    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = psutil.Process(proc.pid)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                total = 0
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        total += p.memory_info().rss
                peak = max(peak, total)
            except psutil.Error:
                pass
            time.sleep(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    started = time.perf_counter()
    thread.start()
    _, err = proc.communicate()
    done.set()
    thread.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err.decode()[-2000:]}")
    return peak, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    from geomap.nlp import prefer_one_blas_thread

    prefer_one_blas_thread()  # as the geomap command does, before numpy loads
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000, help="articles for throughput")
    parser.add_argument("--memory", default="1000,10000",
                        help="two corpus sizes for the peak-memory comparison ('' to skip)")
    parser.add_argument("--memory-processes", type=int, default=2,
                        help="--processes for the memory runs (RSS includes the children)")
    parser.add_argument("--memory-commands", default="extract",
                        help="commands whose peak memory is compared (extract,toponyms)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--run-config", choices=CONFIGS, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_config:  # one measurement, in this fresh process (see throughput())
        print(run_config(args.run_config, args.corpus, args.out, batch_size=args.batch_size))
        return 0

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="geomap-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    names = place_names()
    print(f"machine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} at start; "
          f"{len(names)} place names from the packaged gazetteer; work in {workdir}")

    ok = True
    if args.docs:
        src = write_corpus(workdir / f"corpus-{args.docs}.jsonl", args.docs, names=names)
        words = sum(len(json.loads(x)["text"].split()) for x in src.open()) / args.docs
        print(f"throughput on {args.docs} articles (~{words:.0f} words each), warm pipelines, "
              "each configuration in a fresh process:")
        results = throughput(src, workdir, batch_size=args.batch_size)
        base = results["1 process"][0]
        for name, (rate, _) in results.items():
            print(f"  {name:16s} {rate:8.1f} docs/s  {rate / base:5.2f}x")
        outputs = {data for _, data in results.values()}
        n_events = len(next(iter(outputs)).splitlines())
        same = len(outputs) == 1
        print(f"identical events across the three runs: {same} ({n_events} merged events)")
        best = max(rate for name, (rate, _) in results.items() if name != "1 process")
        ok &= same and best / base >= 1.7
        print(f"best parallel ratio {best / base:.2f}x (must be >= 1.70)")

    if args.memory:
        small, large = (int(x) for x in args.memory.split(","))
        peaks = {}
        for n in (small, large):
            src = write_corpus(workdir / f"mem-{n}.jsonl", n, names=names)
            for command in args.memory_commands.split(","):
                out = workdir / f"mem-{n}.{command}.jsonl"
                peak, seconds = peak_rss([sys.executable, "-m", "geomap", command, str(src),
                                          "-o", str(out), "--processes",
                                          str(args.memory_processes)])
                peaks[n, command] = peak
                print(f"peak RSS, {command} of {n} articles with --processes "
                      f"{args.memory_processes}: {peak / 2**20:.0f} MiB ({seconds:.0f} s)",
                      flush=True)
        for command in args.memory_commands.split(","):
            ratio = peaks[large, command] / peaks[small, command]
            print(f"memory {command}: {large} vs {small} articles: {ratio:.2f}x "
                  "(must be <= 1.20)")
            ok &= ratio <= 1.2
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
