"""What each mention is (``kind``: place, demonym, facility) and the ``--no-demonyms`` option."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from doc_support import labelled_spans

from gazetteer.model import Place
from geomap.components import SPAN_KEY
from geomap.errors import InputError
from geomap.formats.toponyms import toponym_record
from geomap.mentions import extract_mentions
from geomap.types import Mention, ResolvedPlace

SYRIA = Place("geonames:163843", "Syria", 35.0, 38.0, "A", "PCLI", "SY", "", 22_933_531, "geonames")
AIRBASE = Place("curated:hmeimim-air-base", "Hmeimim Air Base", 35.4011, 35.9487, "S", "MILB", "SY", "", 0,
                "curated")
DAMASCUS = Place("geonames:170654", "Damascus", 33.5102, 36.29128, "P", "PPLC", "SY", "", 2_584_771,
                 "geonames")


def test_kind_follows_the_span_label() -> None:
    nlp = spacy.blank("en")
    text = "Syrian troops left Hmeimim Air Base for Damascus."
    doc = nlp(text)
    doc.spans[SPAN_KEY] = labelled_spans(doc, [("Syrian", "NORP"), ("Hmeimim Air Base", "FAC"),
                                               ("Damascus", "GPE")])
    assert [(m.surface, m.kind) for m in extract_mentions(doc, doc_id="d")] == [
        ("Syrian", "demonym"), ("Hmeimim Air Base", "facility"), ("Damascus", "place")]


def test_kind_given_explicitly_is_checked() -> None:
    assert Mention("d", 0, 6, "Syrian", label="GPE", kind="demonym").kind == "demonym"
    with pytest.raises(InputError, match="unknown mention kind 'city'"):
        Mention("d", 0, 6, "Syrian", kind="city")  # type: ignore[arg-type]


def test_place_name_resolved_to_a_facility_is_a_facility() -> None:
    hmeimim = Mention("d", 0, 7, "Hmeimim")
    assert ResolvedPlace(hmeimim, AIRBASE).kind == "facility"
    assert ResolvedPlace(hmeimim, None).kind == "place"
    # a demonym stays a demonym whatever it resolved to
    assert ResolvedPlace(Mention("d", 0, 6, "Syrian", label="NORP"), SYRIA).kind == "demonym"


def test_toponym_record_has_kind_and_can_leave_demonyms_out() -> None:
    places = [ResolvedPlace(Mention("d", 0, 6, "Syrian", label="NORP"), SYRIA, 0.9),
              ResolvedPlace(Mention("d", 19, 26, "Hmeimim"), AIRBASE, 0.8),
              ResolvedPlace(Mention("d", 31, 39, "Damascus"), DAMASCUS, 0.95)]
    record = toponym_record("d", places)
    assert [(t["name"], t["kind"]) for t in record["toponyms"]] == [
        ("Syrian", "demonym"), ("Hmeimim", "facility"), ("Damascus", "place")]
    kept = toponym_record("d", places, demonyms=False)
    assert [t["name"] for t in kept["toponyms"]] == ["Hmeimim", "Damascus"]


@pytest.mark.model
def test_toponyms_and_eval_commands_drop_demonyms_on_request(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from geomap.cli import main

    text = "Syrian officials flew to Moscow on Sunday."
    corpus = tmp_path / "gold.jsonl"
    corpus.write_text(json.dumps({"id": "d1", "text": text, "toponyms": [
        {"start": 25, "end": 31, "name": "Moscow", "lat": 55.75222, "lon": 37.61556}]}) + "\n")

    out = tmp_path / "all.jsonl"
    assert main(["toponyms", str(corpus), "-o", str(out)]) == 0
    [record] = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(t["name"], t["kind"]) for t in record["toponyms"]] == [
        ("Syrian", "demonym"), ("Moscow", "place")]
    assert main(["toponyms", str(corpus), "-o", str(out), "--no-demonyms"]) == 0
    [record] = [json.loads(line) for line in out.read_text().splitlines()]
    assert [t["name"] for t in record["toponyms"]] == ["Moscow"]

    capsys.readouterr()
    assert main(["eval", str(corpus), "--json"]) == 0
    with_demonyms = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert main(["eval", str(corpus), "--json", "--no-demonyms"]) == 0
    without = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (with_demonyms["pred_toponyms"], without["pred_toponyms"]) == (2, 1)
    assert without["lenient"]["precision"] == 1.0
