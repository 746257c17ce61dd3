"""The SOQL grammar and parser: AST shape, case-insensitive keywords, escapes, syntax errors (SC 5)."""

from __future__ import annotations

import pytest

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.soql import ast
from alcsim.simulators.salesforce.soql.parser import parse_query, parse_search


def test_keywords_are_case_insensitive_and_positions_are_one_based():
    query = parse_query(
        "sElEcT Id, account.name FROM contact c wHeRe Name = 'x' order by Name desc nulls last limit 5 offset 2"
    )
    assert [i.path.names for i in query.items] == [["Id"], ["account", "name"]]
    assert query.sobject == "contact" and query.alias == "c" and query.sobject_pos == ast.Pos(1, 30)
    assert query.order_by[0].descending is True and query.order_by[0].nulls_first is False
    assert (query.limit, query.offset) == (5, 2)


def test_string_escapes_and_like_patterns():
    where = parse_query(r"SELECT Id FROM Contact WHERE Name LIKE 'a\'b\\c\%d\_e%\n'").where
    assert where.value.value == "a'b\\c%d_e%\n"
    assert where.value.like == "a'b\\\\c\\%d\\_e%\n"


def test_an_unknown_escape_is_malformed():
    with pytest.raises(errors.MalformedQuery) as error:
        parse_query(r"SELECT Id FROM Contact WHERE Name = 'a\qb'")
    assert error.value.message.endswith(
        "Invalid string literal 'a\\qb'. Illegal character sequence '\\q' in string literal."
    )


def test_literals_are_typed_by_the_parser():
    where = parse_query(
        "SELECT Id FROM Contact WHERE A = 1 AND B = -2.5 AND C = true AND D = null AND E = 2024-01-02 "
        "AND F = 2024-01-02T03:04:05.123+02:00 AND G = LAST_N_DAYS:7 AND H = TODAY"
    ).where
    kinds = [(c.value.kind, c.value.value) for c in where.conditions]
    assert kinds == [
        ("number", 1),
        ("number", -2.5),
        ("boolean", True),
        ("null", None),
        ("date", "2024-01-02"),
        ("datetime", "2024-01-02T03:04:05.123+02:00"),
        ("date_literal", "LAST_N_DAYS"),
        ("date_literal", "TODAY"),
    ]
    assert where.conditions[6].value.argument == 7


def test_mixing_and_with_or_fails_at_the_operator():
    with pytest.raises(errors.MalformedQuery) as error:
        parse_query("SELECT Id FROM Contact WHERE A = 1 OR B = 2 AND C = 3")
    assert error.value.message.endswith("ERROR at Row:1:Column:45\nunexpected token: AND")
    nested = parse_query("SELECT Id FROM Contact WHERE A = 1 OR (B = 2 AND C = 3) OR NOT D = 4").where
    assert (
        nested.operator == "OR"
        and isinstance(nested.conditions[1], ast.Chain)
        and isinstance(nested.conditions[2], ast.Not)
    )


@pytest.mark.parametrize(
    ("text", "ending"),
    [
        ("SELECT Id FROM", "Row:1:Column:15\nunexpected token: <EOF>"),
        ("SELECT FROM Contact", "Row:1:Column:8\nunexpected token: 'FROM'"),
        ("SELECT Id, FROM Contact", "Row:1:Column:12\nunexpected token: 'FROM'"),
        ("SELECT Id FROM Contact WHERE", "unexpected token: <EOF>"),
        ("SELECT Id FROM Contact LIMIT -1", "unexpected token: '-1'"),
        ("SELECT Id FROM Contact WHERE Name = 'open", "unexpected token: '''"),
        ("", "A query string has to be specified"),
    ],
)
def test_syntax_errors(text, ending):
    with pytest.raises(errors.MalformedQuery) as error:
        parse_query(text)
    assert error.value.message.endswith(ending)
    if text:
        assert error.value.message.startswith(f"\n{text}\n")


def test_subqueries_semi_joins_and_aggregates_parse():
    query = parse_query(
        "SELECT Name, (SELECT Id FROM Contacts LIMIT 1), COUNT(Id) n FROM Account "
        "WHERE Id IN (SELECT AccountId FROM Contact) AND Id NOT IN (SELECT AccountId FROM Case) GROUP BY Name"
    )
    assert isinstance(query.items[1], ast.SubqueryItem) and query.items[1].query.limit == 1
    assert query.items[2].function.name == "COUNT" and query.items[2].alias == "n"
    assert [c.negated for c in query.where.conditions] == [False, True]


def test_search_parses_scope_returning_and_limit():
    search = parse_search(
        "FIND {ada smith} IN name FIELDS RETURNING Contact(Id, Name WHERE Email != null LIMIT 3), Account LIMIT 9"
    )
    assert search.term == "ada smith" and search.scope == "NAME" and search.limit == 9
    assert [r.sobject for r in search.returning] == ["Contact", "Account"]
    assert search.returning[0].query.limit == 3 and search.returning[1].query is None
    with pytest.raises(errors.MalformedSearch):
        parse_search("FIND ada")
