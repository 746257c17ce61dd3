"""The import rules of issue 10: the connector core imports nothing of the simulators, and no module circle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The repository's folders as the installed namespace maps them (pyproject.toml, package-dir).
PACKAGES = {"connector": "alcsim.connector", "simulators": "alcsim.simulators"}


def module_names() -> dict[str, Path]:
    """Every module of connector/ and simulators/ by its dotted name (a package by its __init__)."""
    found = {}
    for folder, dotted in PACKAGES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((dotted, *parts))] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST):
    """Import nodes anywhere (inside functions too), except in the body of `if TYPE_CHECKING:`."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def imported(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int]]:
    """(dotted name, line) of what the module imports at run time; relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
            continue
        if node.level:
            base = package.split(".")
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            source = ".".join([*base, *([node.module] if node.module else [])])
        else:
            source = node.module or ""
        # `from package import module` imports the module; `from module import name` the module itself.
        for alias in node.names:
            candidate = f"{source}.{alias.name}"
            out.append((candidate if candidate in known else source, node.lineno))
    return out


def graph() -> dict[str, set[str]]:
    known = module_names()
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        targets = set()
        for target, _line in imported(name, path, known):
            # `import a.b.c` stands for the deepest of our modules on that path.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                targets.add(target)
        edges[name] = targets
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_connector_imports_nothing_of_the_simulators():
    known = module_names()
    offending = []
    for name, path in known.items():
        if not name.startswith("alcsim.connector"):
            continue
        for target, line in imported(name, path, known):
            if target == "simulators" or target.startswith(("simulators.", "alcsim.simulators")):
                offending.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not offending, "the connector core must not import the simulators:\n" + "\n".join(offending)


def test_no_import_circle_outside_type_checking():
    found = cycles(graph())
    assert not found, "import circles (move the shared part down, or import only under TYPE_CHECKING):\n" + (
        "\n".join(" <-> ".join(c) for c in found)
    )


def test_the_checks_see_relative_escapes_function_imports_and_type_checking(tmp_path):
    """The two checks above only mean something if the walker sees what it must and skips what it may."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "from ..simulators.common import clock\n"
        "if TYPE_CHECKING:\n"
        "    from alcsim.connector import engine\n"
        "def f():\n"
        "    from . import store\n"
    )
    path = tmp_path / "mod.py"
    path.write_text(source)
    known = {"alcsim.connector.store": path, "alcsim.simulators.common.clock": path}
    names = {target for target, _ in imported("alcsim.connector.mod", path, known)}
    assert names == {"typing", "alcsim.simulators.common.clock", "alcsim.connector.store"}
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
