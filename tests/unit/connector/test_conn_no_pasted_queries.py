"""No module of the connector pastes values into query text: only connector/soql.py writes values into SOQL."""

# Issue 13, defect 1: a Case id pasted into SOQL let a signed widget URL read other records. Every module
# of connector/ is parsed; an f-string, a `%`, a `.format` or a `+` that builds a string holding a query
# keyword with a value in it fails here, wherever it is, unless it is the builder itself.

from __future__ import annotations

import ast
import re
from pathlib import Path

import alcsim.connector

CONNECTOR = Path(alcsim.connector.__file__).resolve().parent
BUILDER = CONNECTOR / "soql.py"
# SOQL and SOSL keywords as the code writes them, and a lower-case `select ... from` or `find {`.
KEYWORDS = re.compile(r"\b(SELECT|FROM|WHERE|FIND)\b|(?i:\bselect\b.*\bfrom\b|\bfind\s*\{)", re.S)
# The connector's own SQLite statements (the durable queue): values are bound by sqlite3 as `?` parameters
# and only placeholder lists and constant fragments are formatted in. These modules never reach an org,
# which test_the_sqlite_modules_send_nothing_to_an_org holds them to.
SQLITE_MODULES = {"store.py", "engine.py"}
ORG_CALLS = {"query_all", "search", "query", "query_more"}


def _text(node: ast.AST) -> str:
    """The literal text of a string expression (the constant parts of an f-string)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    return ""


def _operands(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _operands(node.left) + _operands(node.right)
    return [node]


def pasted_queries(source: str, filename: str = "<source>") -> list[str]:
    """Each place in `source` that builds query text from a value: `file:line: what`."""
    found: list[str] = []
    tree = ast.parse(source, filename)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        what = ""
        if isinstance(node, ast.JoinedStr) and not isinstance(parents.get(node), ast.FormattedValue):
            if any(isinstance(v, ast.FormattedValue) for v in node.values) and KEYWORDS.search(_text(node)):
                what = "an f-string"
        elif (
            isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and KEYWORDS.search(_text(node.left))
        ):
            what = "a % format"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and KEYWORDS.search(_text(node.func.value))
        ):
            what = "a .format"
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Add)
            and not (isinstance(parents.get(node), ast.BinOp) and isinstance(parents[node].op, ast.Add))
        ):
            parts = _operands(node)
            if any(KEYWORDS.search(_text(p)) for p in parts) and not all(
                isinstance(p, ast.Constant) for p in parts
            ):
                what = "a + of text and a value"
        if what:
            found.append(f"{filename}:{node.lineno}: {what} builds query text; use connector.soql.soql")
    return found


def test_no_module_of_the_connector_pastes_values_into_a_query():
    modules = sorted(p for p in CONNECTOR.rglob("*.py") if p != BUILDER and p.name not in SQLITE_MODULES)
    assert len(modules) > 20  # the whole connector is read, not an empty folder
    found = [
        hit
        for module in modules
        for hit in pasted_queries(module.read_text(), str(module.relative_to(CONNECTOR)))
    ]
    assert found == []


def test_the_check_catches_each_way_of_pasting():
    pasted = [
        "q = f\"SELECT Id FROM Case WHERE Id = '{case_id}'\"",
        "q = \"SELECT Id FROM Case WHERE Id = '%s'\" % case_id",
        "q = \"SELECT Id FROM Case WHERE Id = '{}'\".format(case_id)",
        'q = "SELECT Id FROM Case WHERE Id = \'" + case_id + "\'"',
        'q = "SELECT Id FROM " + SOBJECT',
        'q = f"FIND {{{term}}} IN ALL FIELDS"',
        "q = f\"select id from case where id = '{case_id}'\"",
        "fields = f'SELECT Id FROM {SOBJECT}'",
    ]
    for line in pasted:
        assert pasted_queries(line), line
    safe = [
        'q = soql("SELECT Id FROM Case WHERE Id = {:id}", case_id)',
        'q = "SELECT Id FROM Case" " WHERE IsDeleted = false"',
        'q = "SELECT Id " + "FROM Case"',
        'message = f"no record {record_id} in org {org!r}"',
    ]
    for line in safe:
        assert not pasted_queries(line), line


def test_the_sqlite_modules_send_nothing_to_an_org():
    """The modules left out above hold SQLite statements only: they import no gateway and call no org."""
    for name in SQLITE_MODULES:
        tree = ast.parse((CONNECTOR / name).read_text())
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | {
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
        }
        assert not {m for m in imported if m.endswith((".salesforce", ".soql", ".alcmeon"))}, name
        calls = {
            n.func.attr
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
        }
        assert not calls & ORG_CALLS, name
