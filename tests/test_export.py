"""Exports: CSV, KML, GeoJSON and file-name handling, on hand-made events (no model)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from gazetteer.model import Place
from geomap.errors import InputError
from geomap.export import save
from geomap.formats import dumps, format_for_path
from geomap.types import Actor, Event, EventCollection, Quote

LIMA = Place("geonames:3936456", "Lima", -12.04318, -77.02824, "P", "PPLC", "PE")
QUITO = Place("geonames:3652462", "Quito", -0.22985, -78.52495, "P", "PPLC", "EC")


def _collection() -> EventCollection:
    hostile = "=HYPERLINK(\"http://x\") <img src=x onerror=alert(1)> marched in Lima."
    return EventCollection(events=(
        Event("Protests", "Peaceful protest", LIMA, (Quote(hostile, "d1", 0, source="-Wire"),),
              actors=(Actor("+students", "subject"),), event_id="e1"),
        Event("Movement", "Arrival", LIMA, (Quote("The envoy flew from Quito to Lima.", "d2", 1),),
              origin=QUITO, event_id="e2"),
    ), title="Peru")


def test_csv_keeps_negative_coordinates_numeric_and_guards_text() -> None:
    rows = list(csv.DictReader(io.StringIO(dumps(_collection(), "csv"))))
    assert [float(rows[0]["lat"]), float(rows[0]["lon"])] == [-12.04318, -77.02824]
    assert float(rows[1]["origin_lat"]) == pytest.approx(-0.22985)
    assert rows[0]["quotes"].startswith("'=HYPERLINK")
    assert rows[0]["actors"].startswith("'+students")
    assert rows[0]["sources"] == "'-Wire"


def test_kml_escapes_html_in_descriptions_and_keeps_numbers() -> None:
    root = ET.fromstring(dumps(_collection(), "kml").encode())
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    description = root.find(".//k:Placemark/k:description", ns).text  # type: ignore[union-attr]
    assert "<img" not in description and "&lt;img src=x" in description
    values = {d.get("name"): d.find("k:value", ns).text  # type: ignore[union-attr]
              for d in root.find(".//k:Placemark/k:ExtendedData", ns)}  # type: ignore[union-attr]
    assert values["lat"] == "-12.043180"
    coords = root.find(".//k:Point/k:coordinates", ns).text  # type: ignore[union-attr]
    assert coords == "-77.028240,-12.043180"


def test_geojson_properties_include_sources_and_lon_lat_order() -> None:
    data = json.loads(dumps(_collection(), "geojson"))
    first = data["features"][0]
    assert first["geometry"]["coordinates"] == [-77.02824, -12.04318]
    assert first["properties"]["sources"] == ["-Wire"]
    assert data["features"][1]["properties"]["origin"]["name"] == "Quito"


def test_file_names_choose_the_format_or_fail(tmp_path: Path) -> None:
    assert format_for_path("a.json") == "geojson" and format_for_path("b.ndjson") == "jsonl"
    assert format_for_path("c.geoparquet") == "parquet"
    with pytest.raises(InputError, match="cannot tell the format"):
        format_for_path("events.txt")
    with pytest.raises(InputError, match="cannot tell the format"):
        save(_collection(), tmp_path / "events.txt")
    assert not (tmp_path / "events.txt").exists()
    out = save(_collection(), tmp_path / "events.csv")
    assert out.read_text(encoding="utf-8").startswith("event_id,event_type")


def test_save_parquet_writes_parquet(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = save(_collection(), tmp_path / "events.parquet")
    assert out.read_bytes()[:4] == b"PAR1"
    table = pq.read_table(out)
    assert table.num_rows == 2


def test_moved_names_still_import_from_their_old_modules() -> None:
    import geomap.components
    import geomap.corpus
    import geomap.export
    import geomap.render.reader
    import geomap.render.schema
    from geomap import codec, formats, io, journal, workers
    from geomap.formats import parquet, reader, schema, text, toponyms

    assert geomap.export.dumps is formats.dumps
    assert geomap.export.FORMATS == ("geojson", "csv", "jsonl", "kml")
    assert geomap.export.event_properties is schema.event_to_properties
    assert geomap.export.csv_row is text.csv_row and geomap.export.toponym_record is toponyms.toponym_record
    assert geomap.export.dumps_csv([]) == formats.dumps([], "csv")
    assert geomap.corpus.CORPUS_FORMATS == ("geojson", "csv", "jsonl", "kml", "parquet")
    assert geomap.corpus.write_events is formats.write_events
    assert geomap.corpus.save_events is formats.save_events
    assert geomap.corpus.geoparquet_table is parquet.geoparquet_table
    assert geomap.corpus.to_json is codec.to_json and geomap.corpus.from_json is codec.from_json
    assert geomap.corpus.count_documents is io.count_documents
    assert geomap.corpus.partial_path is journal.partial_path
    assert geomap.render.schema.properties_to_event is schema.properties_to_event
    assert geomap.render.reader.read_events is reader.read_events
    assert geomap.components.FinishInWorker is workers.FinishInWorker
    assert geomap.components.cheap_doc_serialization is workers.cheap_doc_serialization
    with pytest.raises(AttributeError):
        _ = geomap.export.no_such_name


def test_collection_methods_work_with_only_the_types_imported(tmp_path: Path) -> None:
    # The methods reach formats/render through geomap.outputs, wired by the package root.
    import subprocess
    import sys

    code = ("import sys\n"
            "from geomap.types import EventCollection\n"
            "c = EventCollection(events=(), title='t')\n"
            "print(c.save(sys.argv[1]).read_text().splitlines()[0])\n"
            "print(c.to_geojson())\n"
            "print(c.to_map().startswith('<!DOCTYPE html>'))\n")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "e.csv")], text=True,
                          capture_output=True, cwd=Path(__file__).resolve().parent.parent, check=True)
    header, geojson, is_page = proc.stdout.splitlines()
    assert header.startswith("event_id,event_type,")
    assert geojson == "{'type': 'FeatureCollection', 'features': []}"
    assert is_page == "True"
