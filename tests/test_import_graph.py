"""No import cycles between the project's modules (geomap and gazetteer), counting the imports
inside functions too; imports under ``if TYPE_CHECKING:`` and a package ``__init__`` importing
its own submodules do not count."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("geomap", "gazetteer")


def _modules() -> dict[str, tuple[Path, bool]]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return modules


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def import_graph() -> dict[str, set[str]]:
    """Module -> the project's modules it imports anywhere in its body."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        targets: set[str] = set()
        stack: list[ast.AST] = [ast.parse(path.read_text(encoding="utf-8"))]
        while stack:
            for node in ast.iter_child_nodes(stack.pop()):
                if _type_checking_only(node):
                    continue
                stack.append(node)
                if isinstance(node, ast.Import):
                    wanted = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    base = node.module or ""
                    if node.level:
                        parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                        base = ".".join(parent + ([base] if base else []))
                    # `from pkg import mod` imports the module, `from mod import name` the module
                    wanted = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                              for alias in node.names]
                else:
                    continue
                for target in wanted:
                    while target and target not in modules:
                        target = target.rpartition(".")[0]
                    if target and target != name and not (
                            is_package and target.startswith(name + ".")):
                        targets.add(target)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_checker_finds_a_cycle_hidden_in_a_function() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_function_level_imports() -> None:
    graph = import_graph()
    # geomap.nlp imports the components inside build_pipeline
    assert "geomap.components" in graph["geomap.nlp"]
    assert "geomap.types" in graph["geomap.formats.schema"]


def test_geomap_has_no_import_cycles() -> None:
    found = [c for c in cycles(import_graph()) if any(m.startswith("geomap") for m in c)]
    assert found == []


def test_gazetteer_has_no_import_cycles() -> None:
    found = [c for c in cycles(import_graph()) if all(m.startswith("gazetteer") for m in c)]
    assert found == []
