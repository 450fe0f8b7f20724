"""The map benchmark runs in the test environment (issue 14: it needed xstatic.pkg.jquery)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def test_bench_map_builds_both_pages_without_jquery_package() -> None:
    path = Path(__file__).parent / "benchmarks" / "bench_map.py"
    spec = importlib.util.spec_from_file_location("bench_map_under_test", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        c = module.synthetic(20)
        naive = module.build_naive(c)
        assert naive.count("L.marker(") == 20 and "window.$ = window.jQuery" in naive
        assert "<script src=" not in naive, "the naive page must not load from a CDN"
        assert module.render_map(c, title="x").startswith("<!DOCTYPE html>")
    finally:
        sys.modules.pop(spec.name, None)
