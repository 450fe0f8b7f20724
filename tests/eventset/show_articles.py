"""Print real-news articles for annotation: ``python tests/eventset/show_articles.py lgl 0 20``.

Prints articles START..END-1 (by position in ../shared/eval/CORPUS.jsonl) with their ids.
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


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
