"""Tests that need ../shared skip loudly without it, and fail under CI=true."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_support import require_shared


def test_missing_shared_file_skips_outside_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="MISSING .*fail under CI=true"):
        require_shared(tmp_path / "absent.txt")


def test_missing_shared_file_fails_under_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="MISSING"):
        require_shared(tmp_path / "absent.txt")


def test_present_shared_file_is_returned(tmp_path: Path) -> None:
    present = tmp_path / "here.txt"
    present.write_text("x")
    assert require_shared(present) == present
