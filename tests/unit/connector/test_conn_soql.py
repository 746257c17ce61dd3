"""Unit tests of the query builder: ids checked as ids, strings escaped as the SOQL reference says."""

from __future__ import annotations

import pytest

from alcsim.connector.soql import Query, UnsafeValue, is_id, soql, to18

CASE = "500A00000000001IAA"


def test_an_id_is_written_in_its_18_character_form_and_anything_else_is_refused():
    assert (
        soql("SELECT Id FROM Case WHERE Id = {:id}", CASE[:15]) == f"SELECT Id FROM Case WHERE Id = '{CASE}'"
    )
    assert soql("WHERE Id = {:id}", CASE[:15] + "iaa") == f"WHERE Id = '{CASE}'"  # the suffix's case is free
    for bad in (
        CASE + "' OR (Id = '500A00000000002IAA' AND Subject LIKE 'Secret%') OR Id = '",
        CASE[:15] + "' OR ''='",
        CASE[:15] + "XYZ",  # 18 characters whose suffix is not the checksum
        CASE[:14],
        "",
        None,
        12,
    ):
        with pytest.raises(UnsafeValue):
            soql("SELECT Id FROM Case WHERE Id = {:id}", bad)
    assert to18(CASE[:15]) == CASE and to18(CASE) == CASE and not is_id(CASE[:15] + " ")


def test_strings_take_every_escape_of_the_reference():
    text = "a\\b'c\"d\ne\rf\tg\bh\fi%_"
    assert soql("WHERE Name = {:str}", text) == "WHERE Name = 'a\\\\b\\'c\\\"d\\ne\\rf\\tg\\bh\\fi%_'"
    assert soql("WHERE Name LIKE {:like}", "50%_off") == "WHERE Name LIKE '50\\%\\_off'"
    assert soql("WHERE Name LIKE {:starts}", "O'Brien_") == "WHERE Name LIKE 'O\\'Brien\\_%'"
    assert soql("WHERE Name LIKE {:contains}", "%") == "WHERE Name LIKE '%\\%%'"
    assert soql("WHERE Name = {:str}", "'; DROP TABLE x; --") == "WHERE Name = '\\'; DROP TABLE x; --'"


def test_lists_names_numbers_and_fragments():
    query = soql(
        "SELECT {:names} FROM {:name} WHERE Id IN {:ids} AND Name IN {:strs} LIMIT {:int}{:query}",
        "Id, Account.Name",
        "Contact",
        [CASE[:15]],
        ["a", "b'"],
        5,
        soql(" ORDER BY Name"),
    )
    assert query == (
        f"SELECT Id, Account.Name FROM Contact WHERE Id IN ('{CASE}') AND Name IN ('a', 'b\\'') LIMIT 5 ORDER BY Name"
    )
    assert isinstance(query, Query)
    for template, value in (
        ("FROM {:name}", "Contact WHERE"),
        ("SELECT {:names} FROM Contact", ["Id", "Name) FROM User --"]),
        ("WHERE Id IN {:ids}", []),
        ("WHERE Id IN {:strs}", "ab"),
        ("LIMIT {:int}", "5"),
        ("LIMIT {:int}", True),
        ("{:query}", " WHERE Id != null"),  # plain text is not a fragment the builder made
        ("WHERE Name = {}", "x"),  # say what the value is
        ("WHERE Name = {:str!r}", "x"),
        ("WHERE Name = {name:str}", "x"),
    ):
        with pytest.raises(UnsafeValue):
            soql(template, value)


def test_a_sosl_term_escapes_the_reserved_characters_inside_its_braces():
    assert soql("FIND {:term} IN ALL FIELDS", " a-b (c)* ") == "FIND {a\\-b \\(c\\)\\*} IN ALL FIELDS"
    assert (
        soql("FIND {:term} IN ALL FIELDS", "} RETURNING User(Id")
        == "FIND {\\} RETURNING User\\(Id} IN ALL FIELDS"
    )
    with pytest.raises(UnsafeValue):
        soql("FIND {:term} IN ALL FIELDS", "  ")


def test_a_query_longer_than_salesforce_takes_is_refused_before_it_is_sent():
    with pytest.raises(UnsafeValue):
        soql("SELECT Id FROM Contact WHERE Name = {:str}", "x" * 100_001)
