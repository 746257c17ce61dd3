"""`query?columns=true`: the columns of a query, as the Salesforce CLI's `sf data query` reads them."""

from __future__ import annotations

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

KEYS = [
    "aggregate",
    "apexType",
    "booleanType",
    "columnName",
    "custom",
    "displayName",
    "foreignKeyName",
    "insertable",
    "joinColumns",
    "numberType",
    "textType",
    "updatable",
]


def cli_columns(data: list[dict]) -> list:
    """What plugin-data's recursivelyFindColumns makes of columnMetadata (src/commands/data/query.ts)."""

    def sub_names(column: dict) -> list[str]:
        joins = column["joinColumns"]
        if not joins:
            return [column["columnName"]]
        return [f"{column['columnName']}.{'.'.join(sub_names(c))}" for c in joins]

    found: list = []
    for column in data:
        if column["joinColumns"]:
            if column["aggregate"]:
                found.append((column["columnName"], cli_columns(column["joinColumns"])))
            else:
                found += [f"{column['columnName']}.{n}" for c in column["joinColumns"] for n in sub_names(c)]
        elif column["aggregate"]:
            found.append(("fn", column["displayName"], column["columnName"]))
        else:
            found.append(column["columnName"])
    return found


def _columns(sf, q: str, path: str = "query") -> dict:
    return sf.restful(path, params={"q": q, "columns": "true"})


def _keys_everywhere(columns: list[dict]) -> None:
    for column in columns:
        assert list(column) == KEYS
        _keys_everywhere(column["joinColumns"])


def test_fields_and_parent_paths(sf):
    answer = _columns(
        sf, "SELECT Id, LastName, Email, Account.Name, Account.Owner.Name, Account.Industry FROM Contact"
    )
    assert {k: answer[k] for k in ("entityName", "groupBy", "idSelect", "keyPrefix")} == {
        "entityName": "Contact",
        "groupBy": False,
        "idSelect": True,
        "keyPrefix": "003",
    }
    _keys_everywhere(answer["columnMetadata"])
    assert cli_columns(answer["columnMetadata"]) == [
        "Id",
        "LastName",
        "Email",
        "Account.Name",
        "Account.Owner.Name",
        "Account.Industry",
    ]
    last_name = answer["columnMetadata"][1]
    assert last_name["apexType"] == "String" and last_name["textType"] and last_name["insertable"]
    account = answer["columnMetadata"][3]
    assert account["displayName"] == "Account" and account["joinColumns"][0]["displayName"] == "Account.Name"


def test_subquery_is_an_aggregate_column_with_its_fields(sf):
    answer = _columns(sf, "SELECT Name, (SELECT LastName, Email FROM Contacts) FROM Account")
    _keys_everywhere(answer["columnMetadata"])
    assert cli_columns(answer["columnMetadata"]) == ["Name", ("Contacts", ["LastName", "Email"])]


def test_aggregates_name_their_columns_expr_or_alias(sf):
    answer = _columns(
        sf, "SELECT Industry, COUNT(Id), MAX(NumberOfEmployees) biggest FROM Account GROUP BY Industry"
    )
    assert answer["groupBy"] is True and answer["idSelect"] is False
    assert cli_columns(answer["columnMetadata"]) == [
        "Industry",
        ("fn", "COUNT(Id)", "expr0"),
        ("fn", "MAX(NumberOfEmployees)", "biggest"),
    ]
    count = answer["columnMetadata"][1]
    assert count["apexType"] == "Integer" and count["numberType"] is True


def test_query_all_and_fields_function(sf):
    answer = _columns(sf, "SELECT FIELDS(STANDARD) FROM Account", path="queryAll")
    names = cli_columns(answer["columnMetadata"])
    assert {"Id", "Name", "Industry"} <= set(names) and all(not n.endswith("__c") for n in names)


def test_a_bad_query_answers_its_usual_error(sf):
    with pytest.raises(SalesforceMalformedRequest) as refused:
        _columns(sf, "SELECT Nope__c FROM Account")
    assert refused.value.content[0]["errorCode"] == "INVALID_FIELD"
