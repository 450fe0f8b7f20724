"""Find trigger tokens: the taxonomy's Matcher/DependencyMatcher patterns plus context rules."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geomap.taxonomy import Taxonomy, TriggerRule

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.vocab import Vocab

# Subordinate clauses describe other happenings; context words there say nothing about this one.
_CLAUSE_BOUNDARIES = frozenset({"ccomp", "advcl", "relcl", "parataxis", "csubj"})
_OBJECT_DEPS = frozenset({"dobj", "nsubjpass", "compound", "attr", "oprd", "dative"})
_OBJECT_PREPS = frozenset({"on", "against", "at", "near", "targeting", "of", "in", "into"})


@dataclass(frozen=True, slots=True)
class Trigger:
    """A token that reports an event, with the rule that recognised it."""

    token: Token
    rule: TriggerRule
    span_start: int
    span_end: int


@dataclass(frozen=True, slots=True)
class _Gated:
    """A matcher for one rule, run only when the document has every word its patterns need."""

    rule: int
    matcher: object
    needs: tuple[tuple[frozenset[str], ...], ...]  # per pattern: sets that must all be present


@dataclass(frozen=True, slots=True)
class _Compiled:
    taxonomy: Taxonomy
    vocab: Vocab
    matchers: tuple[_Gated, ...]
    dep_matchers: tuple[_Gated, ...]
    words: dict[str, list[tuple[int, frozenset[str]]]]


_CACHE: dict[tuple[int, int], _Compiled] = {}
_LOCK = threading.Lock()
_WORD_ATTRS = ("LEMMA", "LOWER", "ORTH", "TEXT", "NORM")


def _required_words(spec: dict[str, object]) -> frozenset[str] | None:
    """Words one of which a token matching ``spec`` must be (None: any token could match)."""
    if spec.get("OP") in ("?", "*", "!"):
        return None
    for attr in _WORD_ATTRS:
        value = spec.get(attr)
        if isinstance(value, str):
            return frozenset({value.lower()})
        if isinstance(value, dict) and isinstance(value.get("IN"), list):
            return frozenset(str(v).lower() for v in value["IN"])
    return None


def _needs(pattern: list[dict[str, object]], *, dependency: bool) -> tuple[frozenset[str], ...]:
    specs = [node.get("RIGHT_ATTRS", {}) for node in pattern] if dependency else pattern
    return tuple(w for w in (_required_words(s) for s in specs) if w)  # type: ignore[arg-type]


def _compile(taxonomy: Taxonomy, vocab: Vocab) -> _Compiled:
    """Build (once per taxonomy and vocabulary) the matchers for every rule of ``taxonomy``."""
    key = (id(taxonomy), id(vocab))
    hit = _CACHE.get(key)
    if hit is not None and hit.taxonomy is taxonomy and hit.vocab is vocab:
        return hit
    from spacy.matcher import DependencyMatcher, Matcher

    matchers: list[_Gated] = []
    dep_matchers: list[_Gated] = []
    # Single-word triggers are a dictionary lookup per token: far cheaper than Matcher states.
    words: dict[str, list[tuple[int, frozenset[str]]]] = {}
    for n, rule in enumerate(taxonomy.rules):
        for lemma in rule.lemmas:
            words.setdefault(lemma, []).append((n, frozenset(rule.pos)))
        if rule.patterns:
            patterns = [json.loads(p) for p in rule.patterns]
            m = Matcher(vocab)
            m.add(str(n), patterns)
            matchers.append(_Gated(n, m, tuple(_needs(p, dependency=False) for p in patterns)))
        if rule.dependency_patterns:
            patterns = [json.loads(p) for p in rule.dependency_patterns]
            d = DependencyMatcher(vocab)
            d.add(str(n), patterns)
            dep_matchers.append(_Gated(n, d, tuple(_needs(p, dependency=True) for p in patterns)))
    compiled = _Compiled(taxonomy, vocab, tuple(matchers), tuple(dep_matchers), words)
    with _LOCK:
        _CACHE[key] = compiled
    return compiled


def _possible(gated: _Gated, present: set[str]) -> bool:
    for needs in gated.needs:
        for need in needs:
            if need.isdisjoint(present):
                break
        else:
            return True
    return False


def clause_head(token: Token) -> Token:
    """The verb whose clause ``token`` belongs to (the token itself for verbs)."""
    cur = token
    for _ in range(6):
        if cur.pos_ in ("VERB", "AUX") or cur.head == cur:
            return cur
        cur = cur.head
    return cur


def _lemma_set(tokens: list[Token]) -> set[str]:
    out: set[str] = set()
    for t in tokens:
        out.add(t.lemma_.lower())
        out.add(t.lower_)
    return out


def _clause_tokens(token: Token) -> list[Token]:
    head = clause_head(token)
    out: list[Token] = []
    stack = [head]
    while stack:
        cur = stack.pop()
        out.append(cur)
        for child in cur.children:
            if child.dep_ in _CLAUSE_BOUNDARIES and child != token:
                continue
            if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX"):
                continue
            stack.append(child)
    if head.dep_ in ("conj", "xcomp") and head.head != head:
        # "Rebels seized X and entered Y": the subject sits on the first verb.
        for child in head.head.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                out.extend(child.subtree)
    return out


def _object_tokens(token: Token) -> list[Token]:
    out: list[Token] = []
    for child in token.children:
        if child.dep_ in _OBJECT_DEPS or child.dep_ == "prep" and child.lower_ in _OBJECT_PREPS:
            out.extend(child.subtree)
    if token.dep_ in ("dobj", "pobj") and token.pos_ == "NOUN":
        # "carried out an attack on a checkpoint" vs "attacked a checkpoint": same object.
        head = token.head.head if token.dep_ == "pobj" else token.head
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in _OBJECT_PREPS and child != token.head:
                out.extend(child.subtree)
    return out


def _context_ok(rule: TriggerRule, token: Token, span: list[Token],
                cache: dict[tuple[int, str], set[str]]) -> bool:
    if not rule.context and not rule.exclude_context:
        return True
    key = (token.i, rule.context_scope)
    if key not in cache:
        scope = _object_tokens(token) if rule.context_scope == "object" else _clause_tokens(token)
        cache[key] = _lemma_set(scope)
    words = cache[key]
    if rule.exclude_context and words & set(rule.exclude_context):
        return False
    if rule.context:
        return bool((words | _lemma_set(span)) & set(rule.context))
    return True


def find_triggers(doc: Doc, taxonomy: Taxonomy) -> list[Trigger]:
    """Every trigger token of ``doc`` with the best rule for it, in document order.

    Where several rules match one token, the longest match wins, then a rule whose context
    condition held, then the rule listed first in the taxonomy.
    """
    compiled = _compile(taxonomy, doc.vocab)
    rules = taxonomy.rules
    # token index -> (rank key, Trigger)
    best: dict[int, tuple[tuple[int, int, int], Trigger]] = {}
    context_cache: dict[tuple[int, str], set[str]] = {}

    def offer(root: Token, n: int, start: int, end: int, span: list[Token]) -> None:
        rule = rules[n]
        if not _context_ok(rule, root, span, context_cache):
            return
        key = (len(span), 1 if rule.context else 0, -n)
        prev = best.get(root.i)
        if prev is None or key > prev[0]:
            best[root.i] = (key, Trigger(root, rule, start, end))

    words = compiled.words
    present: set[str] = set()
    for tok in doc:
        lemma, lower = tok.lemma_.lower(), tok.lower_
        present.add(lemma)
        present.add(lower)
        seen: set[int] = set()
        for key in (lemma, lower):
            for n, pos in words.get(key, ()):
                if n not in seen and (not pos or tok.pos_ in pos):
                    seen.add(n)
                    offer(tok, n, tok.i, tok.i + 1, [tok])
    for gated in compiled.matchers:
        if not _possible(gated, present):
            continue
        for _, start, end in gated.matcher(doc):  # type: ignore[operator]
            offer(doc[start:end].root, gated.rule, start, end, list(doc[start:end]))
    for gated in compiled.dep_matchers:
        if not _possible(gated, present):
            continue
        for _, token_ids in gated.matcher(doc):  # type: ignore[operator]
            ids = sorted(token_ids)
            offer(doc[token_ids[0]], gated.rule, ids[0], ids[-1] + 1, [doc[i] for i in ids])
    return [best[i][1] for i in sorted(best)]
