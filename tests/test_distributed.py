"""Dask runs: partitioning, and a local 2-process cluster giving the single-process events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_corpus import CITIES, write_corpus

from geomap import corpus, formats
from geomap.errors import InputError
from geomap.io import iter_documents

pytest.importorskip("distributed")

from geomap import distributed  # noqa: E402


def test_blocks_cover_every_line_once_with_line_numbers(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in.jsonl", 23)
    with src.open("a", encoding="utf-8") as fh:  # a record without an id and a blank line
        fh.write("\n" + json.dumps({"text": "Crowds in Lima."}) + "\n")
    blocks = distributed.plan_blocks([src], blocksize=700)
    assert len(blocks) > 3
    assert blocks[0].start == 0 and blocks[-1].end == src.stat().st_size
    assert all(a.end == b.start for a, b in zip(blocks, blocks[1:], strict=False))
    from_blocks = [d for b in blocks for d in distributed.read_block(b)]
    assert from_blocks == list(iter_documents([src]))
    assert from_blocks[-1].id == "in-25"  # default ids keep the file's line numbers


def test_text_folders_are_grouped_in_order(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text(f"Protesters marched in {CITIES[i]}.", encoding="utf-8")
    blocks = distributed.plan_blocks([tmp_path], blocksize=60)
    assert len(blocks) >= 2
    docs = [d for b in blocks for d in distributed.read_block(b)]
    assert [d.id for d in docs] == ["0", "1", "2", "3", "4"]


def test_bad_inputs_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="standard input"):
        distributed.plan_blocks(["-"])
    with pytest.raises(InputError, match="blocksize"):
        distributed.partition_tasks([tmp_path], blocksize="lots")
    with pytest.raises(InputError, match="'id'"):
        list(distributed._documents([{"text": "x"}], published=None, index=0))


@pytest.fixture(scope="module")
def client() -> Any:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as c:
        yield c


@pytest.mark.model
@pytest.mark.slow
def test_dask_events_equal_single_process_events(tmp_path: Path, client: Any,
                                                 pipeline: Any) -> None:
    src = write_corpus(tmp_path / "in.jsonl", 16)
    single = tmp_path / "single.jsonl"
    stats = corpus.extract_corpus([src], single, pipeline=pipeline)
    expected = single.read_text(encoding="utf-8")
    assert stats.merged_events > 0

    parts = tmp_path / "parts"
    results = distributed.extract_partitions([src], parts_dir=parts, blocksize=1500)
    assert len(results) >= 3 and sum(r.documents for r in results) == 16
    merged = distributed.merge_partitions(results)
    out = tmp_path / "dask.jsonl"
    formats.save_events(merged, out)
    assert out.read_text(encoding="utf-8") == expected  # same fields, same order

    # Partitioned outputs: one JSONL and one GeoParquet file per partition.
    for r in results:
        assert {Path(f).name for f in r.files} == {f"part-{r.index:05d}.jsonl",
                                                   f"part-{r.index:05d}.parquet"}
    part_events = sum(len(Path(f).read_text().splitlines())
                      for r in results for f in r.files if f.endswith(".jsonl"))
    assert part_events >= len(merged)

    # A bag of documents gives the same events; the workers loaded their pipeline once.
    import dask.bag as db

    bag = db.from_sequence(list(iter_documents([src])), npartitions=5)
    collection = distributed.extract_bag(bag)
    assert list(collection.events) == merged
    loads = client.run(distributed.pipeline_loads)
    assert sorted(loads.values()) == [1, 1]


@pytest.mark.model
@pytest.mark.slow
def test_cli_dask_local_cluster_matches_single_process(tmp_path: Path, client: Any) -> None:
    from geomap.cli import main

    src = write_corpus(tmp_path / "in.jsonl", 8)
    assert main(["extract", str(src), "-o", str(tmp_path / "one.geojson")]) == 0
    assert main(["extract", str(src), "-o", str(tmp_path / "two.geojson"), "--dask", "local:2",
                 "--blocksize", "1kB", "--parts", str(tmp_path / "parts")]) == 0
    assert (tmp_path / "one.geojson").read_bytes() == (tmp_path / "two.geojson").read_bytes()
    assert sorted(p.suffix for p in (tmp_path / "parts").iterdir())[:2] == [".jsonl", ".jsonl"]
    # A running cluster, by its scheduler address.
    assert main(["extract", str(src), "-o", str(tmp_path / "three.csv"),
                 "--dask", client.scheduler.address]) == 0
    assert main(["extract", str(src), "-o", str(tmp_path / "one.csv")]) == 0
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "three.csv").read_bytes()
