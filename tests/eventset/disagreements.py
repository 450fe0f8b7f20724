"""List the articles on which the two annotation passes disagree, for adjudication.

Usage::

    python tests/eventset/disagreements.py OUT_DIR [--chunks N]

Reads the first pass (``raw/*.jsonl``) and the second, blind pass (``agreement/*.jsonl`` for
the 20% sample, ``pass2/*.jsonl`` for the rest). An article is in dispute when its two event
lists do not pair one to one on type and place (the pairing of ``agreement.py``). For each
disputed article, OUT_DIR/tasks_K.txt gets the article's text and the two annotations as
"annotation A" and "annotation B" (which pass is A is decided by a hash of the article id, so
the adjudicator cannot tell the first pass from the second), and OUT_DIR/sample_K.tsv its
``corpus<TAB>id`` line. The adjudicator writes the final record (guideline format) for each;
``build_realnews.py`` takes adjudicated records over the first pass.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path
from typing import Any

from agreement import HERE, _load, _pairs
from check_annotations import load_texts


def passes() -> tuple[dict[tuple[str, str], list[dict[str, Any]]],
                      dict[tuple[str, str], list[dict[str, Any]]]]:
    first = _load(sorted((HERE / "raw").glob("*.jsonl")))
    second = _load(sorted((HERE / "agreement").glob("*.jsonl"))
                   + sorted((HERE / "pass2").glob("*.jsonl")))
    return first, second


def disputed(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> bool:
    typed = len(_pairs(first, second, typed=True))
    return not (typed == len(first) == len(second))


def _show(events: list[dict[str, Any]]) -> str:
    if not events:
        return "  (no events)\n"
    lines = []
    for n, ev in enumerate(events, 1):
        lines.append(f"  {n}. {ev['type']} / {ev['sub_type']} | trigger {ev['trigger']!r} in "
                     f"{ev['trigger_quote']!r} | place {ev['place']!r} in {ev['place_quote']!r}"
                     f" | date {ev.get('date')}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--chunks", type=int, default=3)
    args = parser.parse_args()
    first, second = passes()
    texts = load_texts()
    keys = sorted(k for k in first if k in second and disputed(first[k], second[k]))
    print(f"articles in both passes: {sum(k in second for k in first)}; disputed: {len(keys)}")
    args.out.mkdir(parents=True, exist_ok=True)
    size = -(-len(keys) // args.chunks)
    for c in range(args.chunks):
        part = keys[c * size:(c + 1) * size]
        blocks, sample = [], []
        for corpus, doc_id in part:
            swap = hashlib.sha1(f"{corpus}:{doc_id}".encode()).digest()[0] % 2 == 1
            a, b = (second, first) if swap else (first, second)
            blocks.append(f"===== corpus={corpus} id={doc_id} =====\n{texts[(corpus, doc_id)]}\n"
                          f"--- annotation A\n{_show(a[(corpus, doc_id)])}"
                          f"--- annotation B\n{_show(b[(corpus, doc_id)])}")
            sample.append(f"{corpus}\t{doc_id}")
        (args.out / f"tasks_{c}.txt").write_text("\n".join(blocks), encoding="utf-8")
        (args.out / f"sample_{c}.tsv").write_text("\n".join(sample) + "\n", encoding="utf-8")
        print(f"  chunk {c}: {len(part)} articles")


if __name__ == "__main__":
    main()
