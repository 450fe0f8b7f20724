"""Taxonomy loading and validation (no model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geomap.errors import TaxonomyError
from geomap.taxonomy import load_taxonomy

ACLED = {
    "Battles": {"Armed clash", "Government regains territory",
                "Non-state actor overtakes territory"},
    "Explosions/Remote violence": {"Air/drone strike", "Shelling/artillery/missile attack",
                                   "Remote explosive/landmine/IED", "Suicide bomb", "Grenade",
                                   "Chemical weapon"},
    "Violence against civilians": {"Attack", "Abduction/forced disappearance", "Sexual violence"},
    "Protests": {"Peaceful protest", "Protest with intervention",
                 "Excessive force against protesters"},
    "Riots": {"Violent demonstration", "Mob violence"},
    "Strategic developments": {"Agreement", "Arrests", "Change to group/activity",
                               "Disrupted weapons use", "Headquarters or base established",
                               "Looting/property destruction", "Non-violent transfer of territory",
                               "Other"},
    "Movement": {"Arrival", "Departure"},
    "Statements": {"Public statement/appearance"},
}


def test_default_taxonomy_has_acled_types_movement_and_statements() -> None:
    tax = load_taxonomy()
    assert {t.name: set(t.sub_event_types) for t in tax.event_types} == ACLED
    assert len(set(tax.colours.values())) == len(tax.colours)
    assert tax.event_type("Movement").requires_place


def test_every_default_rule_has_a_trigger() -> None:
    for rule in load_taxonomy().rules:
        assert rule.lemmas or rule.patterns or rule.dependency_patterns


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "tax.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_custom_taxonomy_replaces_the_default(tmp_path: Path) -> None:
    path = _write(tmp_path, {"format": "geomap-taxonomy/1", "name": "floods", "event_types": [
        {"name": "Flood", "colour": "#0000ff", "sub_event_types": [
            {"name": "River flood", "lemmas": ["flood", "inundate"],
             "patterns": [[{"LOWER": "burst"}, {"LOWER": "its"}, {"LOWER": "banks"}]]}]}]})
    tax = load_taxonomy(path)
    assert tax.type_names == ("Flood",)
    assert tax.colour("Flood") == "#0000ff"
    assert tax.rules[0].lemmas == ("flood", "inundate")


@pytest.mark.parametrize(("data", "fragment"), [
    ([], "top level"),
    ({"event_types": []}, "non-empty list"),
    ({"event_types": [{"name": "X", "colour": "red", "sub_event_types": [
        {"name": "y", "lemmas": ["a"]}]}]}, "colour"),
    ({"event_types": [{"name": "X", "sub_event_types": [{"name": "y"}]}]}, "at least one"),
    ({"event_types": [{"name": "X", "sub_event_types": [
        {"name": "y", "lemmas": ["a"], "contxt": ["b"]}]}]}, "unknown key"),
    ({"event_types": [{"name": "X", "sub_event_types": [
        {"name": "y", "patterns": [[{"NOT_AN_ATTR": "a"}]]}]}]}, "bad pattern"),
    ({"format": "other/2", "event_types": []}, "unknown format"),
])
def test_malformed_taxonomy_is_a_one_line_error(tmp_path: Path, data: object, fragment: str) -> None:
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(_write(tmp_path, data))
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message


def test_unreadable_and_invalid_json(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="cannot read"):
        load_taxonomy(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="not valid JSON"):
        load_taxonomy(bad)


def test_unparsed_doc_is_a_model_error() -> None:
    import spacy

    from geomap.errors import ModelError
    from geomap.events import detect_events
    from geomap.types import Document, Sentence

    text = "Protesters gathered in Nairobi."
    doc = spacy.blank("en")(text)
    with pytest.raises(ModelError, match="parsed document"):
        detect_events(doc, Document("d", text), [Sentence("d", 0, 0, len(text), text)], [],
                      taxonomy=load_taxonomy())


def test_sub_event_type_colours(tmp_path: Path) -> None:
    tax = load_taxonomy(_write(tmp_path, {"event_types": [
        {"name": "Flood", "colour": "#0000ff", "sub_event_types": [
            {"name": "River flood", "colour": "#00FFFF", "lemmas": ["flood"]},
            {"name": "Flash flood", "lemmas": ["deluge"]}]}]}))
    assert tax.colour("Flood", "River flood") == "#00ffff"
    assert tax.colour("Flood", "Flash flood") == "#0000ff"
    assert tax.colour("Flood") == "#0000ff"
    assert tax.colour("Drought") == "#555555"
