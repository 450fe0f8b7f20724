"""Corpus runs: streaming, the partial file, --resume, atomic output, multi-process equality."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from gazetteer.model import Place
from geomap import codec, corpus, formats
from geomap.errors import InputError, OutputError
from geomap.io import count_documents
from geomap.journal import partial_path
from geomap.pipeline import AnalyzedDocument, Pipeline
from geomap.types import Actor, Document, Event, Quote

CITIES = ("Nairobi", "Lagos", "Cairo", "Lima", "Manila", "Dhaka", "Warsaw", "Bogota")
TEMPLATES = (
    "Protesters gathered in {a} on Friday to demand lower fuel prices, organisers said.",
    "An explosion struck a market in {a} on Tuesday, killing three people, police said.",
    "Soldiers clashed with armed men near {a} on Sunday, officials in {b} said.",
    "The prime minister arrived in {a} on Monday for talks with leaders from {b}.",
)


def write_corpus(path: Path, n: int) -> Path:
    """``n`` small articles built from templates (not from any real text)."""
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = " ".join(t.format(a=CITIES[(i + k) % len(CITIES)],
                                     b=CITIES[(i * 3 + k) % len(CITIES)])
                            for k, t in enumerate(TEMPLATES[i % 2:i % 2 + 3]))
            fh.write(json.dumps({"id": f"n{i:03d}", "text": text,
                                 "published": f"2024-06-{1 + i % 20:02d}"}) + "\n")
    return path


# -- a stand-in pipeline: spaCy's blank English and one event per document ------------------------
class StubPipeline:
    """Enough of :class:`geomap.pipeline.Pipeline` for the runner; can stop after N documents."""

    def __init__(self, *, stop_after: int | None = None) -> None:
        import spacy

        self.nlp = spacy.blank("en")
        self.seen: list[str] = []
        self.stop_after = stop_after

    def load(self) -> StubPipeline:
        return self

    analyze = Pipeline.analyze  # the real batching, over the stub's blank model

    def analyze_doc(self, doc: Any, document: Document) -> AnalyzedDocument:
        if self.stop_after is not None and len(self.seen) >= self.stop_after:
            raise KeyboardInterrupt
        self.seen.append(document.id)
        n = int(document.id[1:])
        place = Place(f"test:{n % 3}", CITIES[n % 3], 1.0 + n % 3, 2.0, "P", "PPL", "KE")
        event = Event("Protests", "Peaceful protest", place,
                      (Quote(document.text[:40], document.id, 0),),
                      date=dt.date(2024, 1, 1 + n // 4), date_precision="day",
                      actors=(Actor("Protesters", "subject", "group"),),
                      event_id=f"e{n:04d}")
        return AnalyzedDocument(document, (), (), (event,))


def test_event_json_codec_gives_back_equal_events() -> None:
    place = Place("geonames:1", "Tartus", 34.9, 35.9, "P", "PPL", "SY", aliases=("Tartous",))
    origin = Place("geonames:2", "Damascus", 33.5, 36.3, "P", "PPLC", "SY")
    event = Event("Movement", "Arrival", place, (Quote("He landed.", "d1", 3, "src", None,
                                                        ((0, 2),)),),
                  date=dt.date(2024, 12, 8), date_precision="day",
                  actors=(Actor("the president", "subject"),), origin=origin,
                  confidence=0.75, event_id="x1")
    record = json.loads(json.dumps(codec.to_json(event)))
    assert "aliases" not in record["place"]  # outside equality: not stored
    back = codec.event_from_json(record)
    assert back == event
    assert back.quotes[0].place_spans == ((0, 2),) and isinstance(back.date, dt.date)
    assert back.origin == origin


def _stub_events(n: int, text: str) -> list[Event]:
    stub = StubPipeline()
    return [stub.analyze_doc(None, Document(f"n{i:03d}", text, published=dt.date(2024, 1, 2)))
            .events[0] for i in range(n)]


@pytest.mark.parametrize("n", [0, 1, 3])
def test_streamed_geojson_is_the_whole_document_json(n: int) -> None:
    events = _stub_events(n, "A protest in town.")
    buf = io.StringIO()
    formats.write_events(events, buf, fmt="geojson", title="t")
    whole = json.dumps(formats.to_geojson(events), ensure_ascii=False, indent=1) + "\n"
    assert buf.getvalue() == whole


@pytest.mark.parametrize("n", [0, 1, 3])
def test_streamed_kml_is_the_whole_tree_indented(n: int) -> None:
    events = _stub_events(n, "A <protest> & march in town.")
    streamed = formats.dumps(events, "kml", title="t & <u>")
    header, _, body = streamed.partition("\n")
    assert header == '<?xml version="1.0" encoding="UTF-8"?>'
    ns = "http://www.opengis.net/kml/2.2"
    ET.register_namespace("", ns)
    tree = ET.fromstring(body)
    assert len(tree.findall(f"{{{ns}}}Document/{{{ns}}}Placemark")) == n
    ET.indent(tree)
    assert ET.tostring(tree, encoding="unicode") + "\n" == body


def test_count_documents(tmp_path: Path) -> None:
    write_corpus(tmp_path / "a.jsonl", 7)
    folder = tmp_path / "texts"
    folder.mkdir()
    for name in ("x.txt", "y.txt", "skip.bin"):
        (folder / name).write_text("Crowds in Lagos.", encoding="utf-8")
    assert count_documents([tmp_path / "a.jsonl"]) == 7
    assert count_documents([tmp_path / "a.jsonl", folder]) == 9
    assert count_documents(["-"]) is None


def _run_toponyms(inputs: list[Path], out: Path, stub: StubPipeline, **kw: Any) -> corpus.CorpusStats:
    return corpus.toponyms_corpus(inputs, out, pipeline=stub, batch_size=2, **kw)  # type: ignore[arg-type]


def test_toponyms_stream_one_line_per_document(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in.jsonl", 5)
    out = tmp_path / "out.jsonl"
    stats = _run_toponyms([src], out, StubPipeline())
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == [
        f"n{i:03d}" for i in range(5)]
    assert stats.documents == 5 and not partial_path(out).exists()


def test_interrupted_toponyms_leave_a_partial_and_resume_completes(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in.jsonl", 9)
    full = tmp_path / "full.jsonl"
    _run_toponyms([src], full, StubPipeline())

    out = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        _run_toponyms([src], out, StubPipeline(stop_after=4))
    assert not out.exists()
    partial = partial_path(out)
    assert len(partial.read_bytes().splitlines()) == 1 + 4  # header + finished documents

    with pytest.raises(OutputError, match="--resume"):
        _run_toponyms([src], out, StubPipeline())
    assert not out.exists()

    again = StubPipeline()
    stats = _run_toponyms([src], out, again, resume=True)
    assert again.seen == [f"n{i:03d}" for i in range(4, 9)]  # finished ones are skipped
    assert (stats.resumed, stats.documents) == (4, 5)
    assert out.read_bytes() == full.read_bytes()
    assert not partial.exists()


def test_resume_cuts_a_torn_last_line(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in.jsonl", 6)
    full = tmp_path / "full.jsonl"
    _run_toponyms([src], full, StubPipeline())
    out = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        _run_toponyms([src], out, StubPipeline(stop_after=3))
    partial = partial_path(out)
    with partial.open("ab") as fh:
        fh.write(b'{"id": "n003", "topo')  # a write cut short by a crash
    again = StubPipeline()
    _run_toponyms([src], out, again, resume=True)
    assert again.seen[0] == "n003"
    assert out.read_bytes() == full.read_bytes()


def test_resume_refuses_other_options_or_changed_input(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in.jsonl", 6)
    out = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        _run_toponyms([src], out, StubPipeline(stop_after=3))
    with pytest.raises(InputError, match="published"):
        _run_toponyms([src], out, StubPipeline(), resume=True, published=dt.date(2024, 1, 1))
    lines = src.read_text().splitlines()
    src.write_text("\n".join([lines[1], lines[0], *lines[2:]]) + "\n")
    with pytest.raises(InputError, match="changed"):
        _run_toponyms([src], out, StubPipeline(), resume=True)


def test_interrupted_extract_resumes_to_the_same_merged_events(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in.jsonl", 10)
    full = tmp_path / "full.geojson"
    stats = corpus.extract_corpus([src], full, pipeline=StubPipeline(), batch_size=3)  # type: ignore[arg-type]
    # Same place and type, dates a day apart, same actor: the stub's events merge.
    assert stats.events == 10 and 0 < stats.merged_events < 10

    out = tmp_path / "out.geojson"
    with pytest.raises(KeyboardInterrupt):
        corpus.extract_corpus([src], out, pipeline=StubPipeline(stop_after=6), batch_size=3)  # type: ignore[arg-type]
    assert not out.exists() and partial_path(out).exists()
    resumed = corpus.extract_corpus([src], out, pipeline=StubPipeline(), batch_size=3,  # type: ignore[arg-type]
                                    resume=True)
    assert out.read_bytes() == full.read_bytes()
    assert (resumed.resumed, resumed.documents, resumed.merged_events) == (
        6, 4, stats.merged_events)


def test_extract_writes_geoparquet(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    shapely = pytest.importorskip("shapely")
    src = write_corpus(tmp_path / "in.jsonl", 4)
    out = tmp_path / "events.parquet"
    stats = corpus.extract_corpus([src], out, pipeline=StubPipeline())  # type: ignore[arg-type]
    table = pq.read_table(out)
    assert table.num_rows == stats.merged_events
    geo = json.loads(table.schema.metadata[b"geo"])
    assert geo["primary_column"] == "geometry"
    point = shapely.from_wkb(table.column("geometry")[0].as_py())
    assert (point.x, point.y) == (table.column("lon")[0].as_py(), table.column("lat")[0].as_py())


# -- with the real model ------------------------------------------------------------------------
def _jsonl(collection_path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in collection_path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.model
@pytest.mark.slow
def test_two_processes_give_the_same_results_as_one(tmp_path: Path, pipeline: Any) -> None:
    src = write_corpus(tmp_path / "in.jsonl", 12)
    outs = {}
    for n in (1, 2):
        outs[n] = tmp_path / f"events{n}.jsonl"
        corpus.extract_corpus([src], outs[n], pipeline=pipeline, n_process=n, batch_size=4)
        top = tmp_path / f"top{n}.jsonl"
        corpus.toponyms_corpus([src], top, pipeline=pipeline, n_process=n, batch_size=4)
    events = _jsonl(outs[1])
    assert events and {e["place_name"] for e in events} & set(CITIES)
    assert outs[1].read_bytes() == outs[2].read_bytes()
    assert (tmp_path / "top1.jsonl").read_bytes() == (tmp_path / "top2.jsonl").read_bytes()


@pytest.mark.model
@pytest.mark.slow
def test_with_two_processes_the_workers_do_the_analysis(tmp_path: Path, pipeline: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Places and events are found in spaCy's worker processes, not in the parent."""
    import srsly.msgpack

    from geomap.pipeline import Pipeline

    parent_calls: list[str] = []
    real = Pipeline.analyze_doc

    def counting(self: Pipeline, doc: Any, document: Document) -> AnalyzedDocument:
        parent_calls.append(document.id)  # a forked worker appends to its own copy
        return real(self, doc, document)

    monkeypatch.setattr(Pipeline, "analyze_doc", counting)
    docs = [Document(f"d{i}", f"Police arrested {i + 2} activists in Nairobi on Monday.",
                     published=dt.date(2024, 3, 6)) for i in range(6)]
    two = list(pipeline.analyze(docs, batch_size=2, n_process=2))
    assert parent_calls == []
    assert [r.document for r in two] == docs
    one = list(pipeline.analyze(docs, batch_size=2))
    assert parent_calls == [d.id for d in docs]
    assert [(r.places, r.events) for r in two] == [(r.places, r.events) for r in one]
    assert two[0].events and two[0].events[0].place.name == "Nairobi"
    assert two[0].events[0].date == dt.date(2024, 3, 4)  # "Monday" from the published date
    # srsly's registries are themselves again after the run
    assert "get_all" not in vars(srsly.msgpack.msgpack_encoders)


def _geomap(*args: object, **kw: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "geomap", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


@pytest.mark.model
@pytest.mark.slow
def test_an_error_in_a_worker_reaches_the_caller_as_itself(pipeline: Any,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from geomap.errors import GazetteerError
    from geomap.pipeline import Pipeline

    def failing(self: Pipeline, doc: Any, document: Document) -> AnalyzedDocument:
        raise GazetteerError("gazetteer store is locked")

    monkeypatch.setattr(Pipeline, "analyze_doc", failing)  # forked workers inherit it
    docs = [Document(f"d{i}", "Police arrested activists in Nairobi.") for i in range(4)]
    with pytest.raises(GazetteerError, match="store is locked"):
        list(pipeline.analyze(docs, batch_size=2, n_process=2))


@pytest.mark.model
@pytest.mark.slow
def test_workers_keep_spacys_length_limit(pipeline: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline.nlp, "max_length", 40)
    docs = [Document("long", "Police arrested activists in Nairobi on Monday, officials said.")]
    with pytest.raises(ValueError, match="longer than one article"):
        list(pipeline.analyze(docs, n_process=2))


@pytest.mark.model
@pytest.mark.slow
def test_cli_processes_2_from_a_fork_server_equals_one_process(tmp_path: Path) -> None:
    """``geomap extract --processes 2`` (workers started from a fork server) == 1 process."""
    src = write_corpus(tmp_path / "in.jsonl", 10)
    outs = {}
    for n in (1, 2):
        outs[n] = tmp_path / f"events{n}.jsonl"
        proc = _geomap("extract", src, "-o", outs[n], "--processes", n)
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
    assert outs[1].read_bytes() == outs[2].read_bytes()
    assert {e["place_name"] for e in _jsonl(outs[2])} & set(CITIES)


@pytest.mark.slow
def test_the_geomap_command_sets_up_fresh_workers_and_one_blas_thread() -> None:
    code = ("import multiprocessing, os, sys\n"
            "from geomap.cli import main\n"
            "main(['extract', '--processes', '2', '/nonexistent.jsonl'])\n"
            "print(multiprocessing.get_start_method(), os.environ['OPENBLAS_NUM_THREADS'])")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS",
                                                            "OMP_NUM_THREADS")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, check=False)
    assert proc.stdout.split() == ["forkserver", "1"], proc.stderr
    assert "nonexistent.jsonl" in proc.stderr  # the run itself failed cleanly, in one line


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT")
def test_ctrl_c_leaves_no_output_and_resume_finishes(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "in.jsonl", 200)
    out = tmp_path / "events.geojson"
    partial = partial_path(out)
    # Ctrl-C as in a terminal: a test run started in the background by a non-interactive
    # shell ("pytest &") would hand the job an ignored SIGINT, and it would run to the end
    proc = _geomap("extract", src, "-o", out, "--batch-size", "2",
                   preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if partial.exists() and len(partial.read_bytes().splitlines()) > 3:
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert b"--resume" in err
    assert not out.exists() and partial.exists()
    done = len(partial.read_bytes().splitlines()) - 1
    assert 0 < done < 200

    proc = _geomap("extract", src, "-o", out, "--resume")
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    assert f"{done} more from the earlier partial run" in err.decode()
    assert not partial.exists()
    full = tmp_path / "full.geojson"
    proc = _geomap("extract", src, "-o", full)
    assert proc.communicate(timeout=600) and proc.returncode == 0
    assert out.read_bytes() == full.read_bytes()


def test_a_failed_run_keeps_a_partial_only_when_documents_were_finished(tmp_path: Path) -> None:
    out = tmp_path / "out" / "top.jsonl"
    with pytest.raises(InputError, match="no such file"):
        _run_toponyms([tmp_path / "missing.jsonl"], out, StubPipeline())
    assert not out.parent.exists() or not list(out.parent.iterdir())
    src = write_corpus(tmp_path / "in.jsonl", 6)
    with pytest.raises(KeyboardInterrupt):
        _run_toponyms([src], out, StubPipeline(stop_after=0))
    assert not list(out.parent.iterdir())
    with pytest.raises(KeyboardInterrupt):
        _run_toponyms([src], out, StubPipeline(stop_after=2))
    assert [p.name for p in out.parent.iterdir()] == ["top.jsonl.partial"]
