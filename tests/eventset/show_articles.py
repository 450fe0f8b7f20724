"""Print real-news articles for annotation: ``python tests/eventset/show_articles.py lgl 0 20``.

Prints articles START..END-1 (by position in ../shared/eval/CORPUS.jsonl) with their ids.
``python tests/eventset/show_articles.py --sample FILE START END`` prints entries START..END-1
of a sample file (lines ``corpus<TAB>id``), for the agreement pass.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval"


def main(corpus: str, start: int, end: int) -> None:
    lines = [ln for ln in (EVAL / f"{corpus}.jsonl").read_text(encoding="utf-8").split("\n") if ln.strip()]
    for i in range(start, min(end, len(lines))):
        doc = json.loads(lines[i])
        print(f"===== [{i}] corpus={corpus} id={doc['id']} =====")
        print(doc["text"])
        print()


def sample(path: str, start: int, end: int) -> None:
    wanted = [ln.split("\t") for ln in Path(path).read_text(encoding="utf-8").split("\n") if ln.strip()]
    texts = {}
    for corpus in {c for c, _ in wanted}:
        for ln in (EVAL / f"{corpus}.jsonl").read_text(encoding="utf-8").split("\n"):
            if ln.strip():
                doc = json.loads(ln)
                texts[(corpus, doc["id"])] = doc["text"]
    for i in range(start, min(end, len(wanted))):
        corpus, doc_id = wanted[i]
        print(f"===== [{i}] corpus={corpus} id={doc_id} =====")
        print(texts[(corpus, doc_id)])
        print()


if __name__ == "__main__":
    if sys.argv[1] == "--sample":
        sample(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
