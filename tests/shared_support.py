"""Files under ../shared (the reference article, the evaluation scorer) for the tests that need them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SEED = SHARED / "seeds" / "000_1e4491d8e4347ad4.txt"


def require_shared(path: Path) -> Path:
    """``path`` under ../shared; a loud skip when it is missing, a failure under CI=true."""
    if not path.exists():
        message = (f"MISSING {path}: the seed and evaluation tests need ../shared beside the "
                   "repository; skipped here, and they fail under CI=true")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path
