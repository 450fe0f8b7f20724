"""Argument types shared by the commands: whole numbers with sane bounds.

A number a user types is checked here, with a one-line error, rather than deep in spaCy or
the operating system (a batch of 10^20 documents, 100,000 processes).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable

#: Documents per ``nlp.pipe`` batch: more gives no speed, only memory.
MAX_BATCH_SIZE = 10_000
#: Worker processes per CPU core: each loads its own model; more only compete for the CPU.
PROCESSES_PER_CORE = 4


def max_processes() -> int:
    """The most worker processes a run may ask for on this machine."""
    return PROCESSES_PER_CORE * (os.cpu_count() or 1)


def whole_number(maximum: int | Callable[[], int], *, why: str) -> Callable[[str], int]:
    """An argparse type: a whole number from 1 to ``maximum`` (``why`` explains the limit)."""
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = 0
        if number < 1:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
        limit = maximum() if callable(maximum) else maximum
        if number > limit:
            raise argparse.ArgumentTypeError(f"{value} is more than {limit:,} ({why})")
        return number

    return parse


batch_size = whole_number(MAX_BATCH_SIZE, why="larger batches give no speed, only memory use")
processes = whole_number(max_processes, why=f"{PROCESSES_PER_CORE} per CPU core of this "
                                            "machine; each process loads its own model")
