"""Check annotation files against the guideline's record format.

Usage::

    python tests/eventset/check_annotations.py tests/eventset/raw/*.jsonl

Prints one line per problem (quote not found or not unique, trigger/place not inside its
quote, unknown type or sub-type, malformed date) and exits non-zero when there is any.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EVAL = HERE.parents[2] / "shared" / "eval"
TAXONOMY = HERE.parents[1] / "geomap" / "data" / "taxonomy.json"


def load_texts() -> dict[tuple[str, str], str]:
    texts = {}
    for corpus in ("lgl", "trnews"):
        for line in (EVAL / f"{corpus}.jsonl").read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            doc = json.loads(line)
            texts[(corpus, doc["id"])] = doc["text"]
    return texts


def subtypes() -> dict[str, set[str]]:
    tax = json.loads(TAXONOMY.read_text(encoding="utf-8"))
    return {t["name"]: {s["name"] for s in t["sub_event_types"]} for t in tax["event_types"]}


def check_record(rec: dict, texts: dict[tuple[str, str], str], types: dict[str, set[str]]) -> list[str]:
    key = (rec.get("corpus"), rec.get("id"))
    if isinstance(rec.get("text"), str):  # a written training article carries its own text
        text = rec["text"]
    elif key not in texts:
        return [f"unknown article {key}"]
    else:
        text = texts[key]
    problems = []
    for i, ev in enumerate(rec.get("events", [])):
        where = f"{key[0]}:{key[1]} event {i}"
        if ev.get("type") not in types:
            problems.append(f"{where}: unknown type {ev.get('type')!r}")
        elif ev.get("sub_type") not in types[ev["type"]]:
            problems.append(f"{where}: unknown sub_type {ev.get('sub_type')!r} for {ev['type']}")
        for field in ("trigger", "place"):
            word, quote = ev.get(field), ev.get(f"{field}_quote")
            if not word or not quote:
                problems.append(f"{where}: {field} or {field}_quote missing")
                continue
            if word not in quote:
                problems.append(f"{where}: {field} {word!r} is not inside {field}_quote {quote!r}")
            n = text.count(quote)
            if n != 1:
                problems.append(f"{where}: {field}_quote {quote!r} occurs {n} times in the text")
        date = ev.get("date")
        if date is not None:
            try:
                dt.date.fromisoformat(date)
            except (TypeError, ValueError):
                problems.append(f"{where}: date {date!r} is not YYYY-MM-DD or null")
    return problems


def main(argv: list[str]) -> int:
    texts, types = load_texts(), subtypes()
    problems: list[str] = []
    seen = 0
    for path in argv:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").split("\n"), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{path}:{n}: not JSON ({exc})")
                continue
            seen += 1
            problems.extend(f"{path}:{n}: {p}" for p in check_record(rec, texts, types))
    for p in problems:
        print(p)
    print(f"{seen} articles checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
