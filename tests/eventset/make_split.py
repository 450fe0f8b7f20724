"""Split the real-news articles of ../shared/eval once, by article, into tune and held-out.

Usage::

    python tests/eventset/make_split.py      # writes tests/eventset/split.json

The split is a pure function of each article's corpus and id (SHA-1, one third held out), so
it never depends on which articles carry events or on what a model does with them. It was run
once, before any article was annotated; the committed split.json is the reference.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
EVAL = HERE.parents[2] / "shared" / "eval"


def split_of(corpus: str, doc_id: str) -> str:
    digest = hashlib.sha1(f"geomap-events:{corpus}:{doc_id}".encode()).digest()
    return "heldout" if digest[0] % 3 == 0 else "tune"


def main() -> None:
    out: dict[str, dict[str, list[str]]] = {"tune": {}, "heldout": {}}
    for corpus in ("lgl", "trnews"):
        for line in (EVAL / f"{corpus}.jsonl").read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            doc_id = json.loads(line)["id"]
            out[split_of(corpus, doc_id)].setdefault(corpus, []).append(doc_id)
    (HERE / "split.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    for name, by_corpus in out.items():
        print(name, {c: len(v) for c, v in by_corpus.items()})


if __name__ == "__main__":
    main()
