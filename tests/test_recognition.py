"""The recogniser's fitted second look (geomap.recognition) and its fit (tests/fit_recogniser.py)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

from geomap.errors import ModelError
from geomap.mentions import extract_mentions
from geomap.recognition import RecogniserModel, after_title, candidate_features, default_model

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_recogniser  # noqa: E402


def _mentions(pipeline, text: str, *, second_look: bool) -> list[str]:  # type: ignore[no-untyped-def]
    ruler = pipeline.nlp.get_pipe("geomap_gazetteer_ruler")
    before = ruler.second_look
    ruler.second_look = second_look
    try:
        doc = pipeline.nlp(text)
    finally:
        ruler.second_look = before
    return [m.surface for m in extract_mentions(doc, doc_id="d")]


@pytest.mark.model
@pytest.mark.parametrize(("text", "town"), [
    # the model calls the town a person; it is listed after a place
    ("Similar rallies were reported in Isfahan and Tabriz, where shopkeepers chanted slogans.",
     "Tabriz"),
    # the model calls the small town an organisation; "a motel in" says what it is
    ("Her husband was arrested the next morning at a motel in Checotah after a clerk "
     "recognized his truck.", "Checotah"),
    # the model calls the town a nationality, a person: learnt from our own decided names
    # (tests/placeset), which the geoparsing corpora have few of
    ("Dozens of families fled to the district town of Sugapa overnight.", "Sugapa"),
    ("Fishermen said a patrol boat fired on them off the coast of Khan Younis.", "Khan Younis"),
])
def test_second_look_finds_a_town_the_model_mislabelled(pipeline, text: str, town: str) -> None:
    assert town not in _mentions(pipeline, text, second_look=False)
    assert town in _mentions(pipeline, text, second_look=True)


@pytest.mark.model
@pytest.mark.parametrize("text", [
    "Mr. Tabriz said on Monday that the company would hire more workers.",
    "Jackson said the team would play better next week.",
])
def test_second_look_leaves_people_named_like_towns(pipeline, text: str) -> None:
    assert _mentions(pipeline, text, second_look=True) == []


def test_shipped_weights_load_and_say_what_they_were_fitted_on() -> None:
    model = default_model()
    assert model is not None and 0.0 < model.threshold < 1.0
    data = json.loads((Path(fit_recogniser.ROOT) / "geomap" / "data" /
                       "recogniser_weights.json").read_text(encoding="utf-8"))
    assert data["fitted_on"] == ["lgl", "trnews", "decisions"]
    # the decided names' source feature stays out of the shipped weights
    assert fit_recogniser.SOURCE not in model.weights
    # a name after "in" is likelier a place, a name used as a person's elsewhere less likely
    assert model.weights["locative"] > 0 > model.weights["person_word"]


@pytest.mark.parametrize("bad", [
    {"weights": {}, "bias": 0.0},                                   # no threshold
    {"weights": {"a": math.nan}, "bias": 0.0, "threshold": 0.5},
    {"weights": {}, "bias": 0.0, "threshold": 1.5},
    {"weights": [], "bias": 0.0, "threshold": 0.5},
    [1, 2],
])
def test_malformed_weights_are_a_model_error(bad: object) -> None:
    with pytest.raises(ModelError):
        RecogniserModel.from_dict(bad)


def test_probability_is_logistic_and_bounded() -> None:
    model = RecogniserModel({"a": 2.0, "b": -1.0}, 0.5, 0.5)
    assert model.probability(["a", "b", "unknown"]) == pytest.approx(1 / (1 + math.exp(-1.5)))
    assert model.probability(["a"] * 1000) == pytest.approx(1.0)


@pytest.mark.model
def test_ruler_setting_round_trips(pipeline) -> None:  # type: ignore[no-untyped-def]
    from geomap.components import GazetteerRuler

    ruler = pipeline.nlp.get_pipe("geomap_gazetteer_ruler")
    other = GazetteerRuler(pipeline.nlp, "r2", second_look=False)
    other.from_bytes(ruler.to_bytes())
    assert other.second_look is ruler.second_look is True


@pytest.mark.model
def test_ruler_is_pickled_without_its_caches(pipeline) -> None:  # type: ignore[no-untyped-def]
    import pickle

    ruler = pipeline.nlp.get_pipe("geomap_gazetteer_ruler")
    pipeline.nlp("Crowds gathered in Isfahan and Tabriz on Friday.")
    assert ruler._reading_cache  # filled by the second look
    copy = pickle.loads(pickle.dumps(ruler))
    assert copy._reading_cache == {} and copy._cache == {}
    assert copy.second_look is ruler.second_look


@pytest.mark.model
@pytest.mark.parametrize(("text", "name", "titled"), [
    ("DPD Lt. Carlisle Wheat said the man was held.", "Carlisle", True),  # "Lt" "." split
    ("Gov. Carlisle Wheat said the man was held.", "Carlisle", True),  # "Gov." one token
    ("The board named a president. Carlisle officials agreed.", "Carlisle", False),
    ("They drove to Carlisle on Monday.", "Carlisle", False),
])
def test_the_second_look_sees_a_title_before_a_name_however_it_is_split(
        pipeline, text: str, name: str, titled: bool) -> None:  # type: ignore[no-untyped-def]
    doc = pipeline.nlp.make_doc(text)
    for name_, proc in pipeline.nlp.pipeline:
        if name_ == "geomap_gazetteer_ruler":
            break  # the model's parse, before the ruler's second look
        doc = proc(doc)
    start = next(t.i for t in doc if t.text == name)
    assert after_title(doc, start) is titled
    feats = candidate_features(doc, start, start + 1, label="GPE", gazetteer=(),
                               place_starts=set(), place_ends=set(), place_texts=set(),
                               person_words=set(), surnames=set(), lower_words=set(),
                               headline=False)
    assert ("after_title" in feats) is titled


def test_fit_learns_the_feature_that_separates_places() -> None:
    def doc(i: int, place: bool) -> fit_recogniser.Doc:
        feats = ["bias", "locative" if place else "person_word", f"noise={i % 3}"]
        return fit_recogniser.Doc("c", str(i), [(0, 5)] if place else [], [],
                                  [(0, 5, feats, place)])

    docs = [doc(i, i % 2 == 0) for i in range(40)]
    model = fit_recogniser.fit(docs, l2=1.0, threshold=0.5)
    assert model.weights["locative"] > 0 > model.weights["person_word"]
    p, r, f1, added = fit_recogniser.score(docs, model)
    assert (p, r, f1, added) == (1.0, 1.0, 1.0, 20)
    assert fit_recogniser.score(docs, None) == (0.0, 0.0, 0.0, 0)


@pytest.mark.model
def test_decisions_label_the_names_the_second_look_reconsiders(tmp_path) -> None:
    written = tmp_path / "written.jsonl"
    text = ("Dozens of families fled to the district town of Sugapa overnight. "
            "Yates said on Monday that the company would hire more workers. "
            "Fishermen said a patrol boat fired on them off the coast of Khan Younis.")
    written.write_text(json.dumps({"id": "w1", "text": text}) + "\n", encoding="utf-8")
    decisions = tmp_path / "decisions.jsonl"
    rows = [{"article": "w1", "start": text.index("Sugapa"), "end": text.index("Sugapa") + 6,
             "name": "Sugapa", "label": "place"},
            {"article": "w1", "start": text.index("Yates"), "end": text.index("Yates") + 5,
             "name": "Yates", "label": "not"},
            {"article": "w1", "start": text.index("Khan"), "end": text.index("Khan") + 11,
             "name": "Khan Younis", "label": "place"}]
    decisions.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    [doc] = fit_recogniser.load_decisions(decisions, [written])
    labels = {text[s:e]: lab for s, e, _, lab in doc.cands}
    assert labels == {"Sugapa": True, "Yates": False, "Khan Younis": True}
    assert all(fit_recogniser.SOURCE in feats for _, _, feats, _ in doc.cands)
    assert doc.gold == [] and doc.found == []  # never scored
    # an "unsure" decision is left out
    rows[1]["label"] = "unsure"
    del rows[2]  # and a name the file does not decide is left out too
    decisions.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    [doc] = fit_recogniser.load_decisions(decisions, [written])
    assert [text[s:e] for s, e, _, _ in doc.cands] == ["Sugapa"]


def test_decisions_cv_scores_each_decided_name_with_weights_not_fitted_on_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # the corpora teach "locative"; only the decided names teach "kind_of"
    corpora = [fit_recogniser.Doc("c", str(i), [], [], [
        (0, 5, ["bias", "locative" if i % 2 else "person_word"], bool(i % 2))])
        for i in range(40)]
    # decided names are mostly places: a model that kept SOURCE when scoring would take the
    # one name whose only other feature the fit never saw
    extra = [fit_recogniser.Doc("decisions", f"w{i}", [], [], [
        (0, 5, ["bias", "kind_of" if i % 5 else "common_word", fit_recogniser.SOURCE],
         bool(i % 5))]) for i in range(40)]
    extra.append(fit_recogniser.Doc("decisions", "unseen", [], [], [
        (0, 5, ["bias", "never_seen", fit_recogniser.SOURCE], False)]))
    fitted_on: list[set[str]] = []
    real_fit = fit_recogniser.fit

    def spy(docs, **kw):  # type: ignore[no-untyped-def]
        fitted_on.append({d.id for d in docs if d.corpus == "decisions"})
        return real_fit(docs, **kw)

    monkeypatch.setattr(fit_recogniser, "fit", spy)
    alone, with_decisions = fit_recogniser.decisions_cv(corpora, extra, l2=0.3, threshold=0.6)
    assert alone == (0.0, 0.0, 0.0)  # the corpora alone never saw "kind_of": nothing is taken
    assert with_decisions == (1.0, 1.0, 1.0)  # "unseen" is not taken: SOURCE was dropped
    # one fit without decisions, then five each without a different fifth, all left out once
    every = {d.id for d in extra}
    assert fitted_on[0] == set() and len(fitted_on) == 1 + fit_recogniser.FOLDS
    held = [every - ids for ids in fitted_on[1:]]
    assert all(held) and sum(len(h) for h in held) == len(every) and set().union(*held) == every


@pytest.mark.parametrize(("rows", "message"), [
    ([{"article": "w1", "start": 0, "end": 3, "name": "Dog", "label": "maybe"}],
     "label must be place, not or unsure"),
    ([{"article": "w9", "start": 0, "end": 3, "name": "Dog", "label": "place"}],
     "is in no written file"),
    ([{"article": "w1", "start": 0, "end": 4, "name": "Dog", "label": "place"}],
     "'Dog' is not at 0:4"),
    ([{"article": "w1", "start": 0, "end": 3, "name": "Dog", "label": "place"},
      {"article": "w1", "start": 0, "end": 3, "name": "Dog", "label": "not"}],
     "decided twice"),
    ([{"article": "w1", "start": 0, "end": 3, "name": "Dog", "label": "unsure"}],
     "decides no name"),
    ([], "decides no name"),
])
def test_bad_decisions_are_refused(tmp_path, rows: list[dict[str, object]],
                                   message: str) -> None:
    written = tmp_path / "written.jsonl"
    written.write_text(json.dumps({"id": "w1", "text": "Dog days."}) + "\n", encoding="utf-8")
    decisions = tmp_path / "decisions.jsonl"
    decisions.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        fit_recogniser.read_decisions(decisions, [written])


@pytest.mark.parametrize(("args", "message"), [
    (["no/such/corpus.jsonl"], "no such corpus file"),
    (["{corpus}", "--decisions", "no/such/decisions.jsonl"], "no such decisions file"),
    (["{corpus}", "--decisions", "{bad}"], "label must be place, not or unsure"),
    (["{corpus}", "--l2", "0"], "--l2 takes positive numbers"),
    (["{corpus}", "--threshold", "1.5"], "--threshold takes numbers in (0, 1]"),
])
def test_fit_script_rejects_bad_input_in_one_line(tmp_path, capsys, args: list[str],
                                                  message: str) -> None:
    corpus = tmp_path / "gold.jsonl"
    corpus.write_text('{"id": "1", "text": "x", "toponyms": []}\n', encoding="utf-8")
    bad = tmp_path / "decisions.jsonl"
    bad.write_text('{"article": "a", "start": 0, "end": 1, "name": "x", "label": "maybe"}\n',
                   encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        fit_recogniser.main([a.format(corpus=corpus, bad=bad) for a in args] + ["--dry-run"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_list_names_never_writes_over_the_articles_or_the_annotations(capsys) -> None:  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(Path(fit_recogniser.ROOT) / "tests" / "placeset"))
    import list_names

    decisions = Path(fit_recogniser.ROOT) / "tests" / "placeset" / "decisions.jsonl"
    before = decisions.read_bytes()
    assert list_names.main([str(decisions)]) == 2
    assert decisions.read_bytes() == before
    err = capsys.readouterr().err
    assert "is also an input" in err and "Traceback" not in err
