"""Random and mutated SOQL and SOSL through the org's real routes: never a 500, never a traceback (principle 6)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alcsim.simulators.salesforce.app import create_app
from alcsim.simulators.salesforce.org import Org

SEEDS = [
    "SELECT Id, Name, Account.Name, Account.Owner.Name FROM Contact WHERE Email != null ORDER BY Name DESC NULLS LAST LIMIT 5",
    "SELECT Name, (SELECT LastName FROM Contacts WHERE LastName LIKE 'a%' LIMIT 2) FROM Account WHERE Industry IN ('Media')",
    "SELECT Industry i, COUNT(Id) c FROM Account GROUP BY Industry HAVING COUNT(Id) > 1 ORDER BY COUNT(Id) DESC",
    "SELECT COUNT() FROM Case WHERE CreatedDate = LAST_N_DAYS:30 AND Owner.Type = 'User'",
    "SELECT Id FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact WHERE Birthdate > 2020-01-01) OFFSET 3",
    "SELECT FIELDS(ALL) FROM Contact WHERE CreatedDate > 2024-01-01T00:00:00Z AND (IsDeleted = false OR Title = 'x') LIMIT 10",
    "SELECT What.Name, Who.Email FROM Task WHERE NOT (Subject = 'Call') AND ActivityDate = THIS_FISCAL_QUARTER",
    "SELECT Id, TYPEOF What WHEN Account THEN Phone, Name WHEN Case THEN Subject ELSE Name END FROM Task WITH USER_MODE",
]
TOKENS = [
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "IN",
    "LIKE",
    "INCLUDES",
    "GROUP BY",
    "HAVING",
    "ORDER BY",
    "LIMIT",
    "OFFSET",
    "NULLS FIRST",
    "DESC",
    ",",
    "(",
    ")",
    "=",
    "!=",
    "<",
    ">=",
    "'x'",
    "'\\'",
    "null",
    "true",
    "42",
    "-1.5",
    "2024-01-01",
    "2024-01-01T00:00:00Z",
    "TODAY",
    "LAST_N_DAYS:5",
    "N_DAYS_AGO",
    "COUNT()",
    "COUNT(Id)",
    "SUM(Name)",
    "FIELDS(ALL)",
    "Id",
    "Name",
    "Account.Name",
    "Owner.Name",
    "Contacts",
    "Contact",
    "Account",
    "Foo__c",
    "a.b.c.d.e.f.g",
    "{",
    "}",
    "\\",
    "'",
    '"',
    ":",
    "%",
    "\x00",
    "é",
    "\n",
]


def _mutate(seed: str, cuts: list[tuple[int, int, str]]) -> str:
    text = seed
    for position, length, insert in cuts:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + length % 8 :]
    return text


mutated = st.builds(
    _mutate,
    st.sampled_from(SEEDS),
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 7), st.sampled_from(TOKENS + [" ", ""])), max_size=4
    ),
)
assembled = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=14).map(" ".join)
anything = st.text(max_size=80)


@pytest.fixture(scope="module")
def client():
    org = Org()
    user = org.integration_user_id
    account = org.records.create(org.schema.get("Account"), {"Name": "Acme", "Industry": "Media"}, user)
    contact = org.records.create(org.schema.get("Contact"), {"LastName": "Ada", "AccountId": account}, user)
    org.records.create(org.schema.get("Case"), {"Subject": "Help", "ContactId": contact}, user)
    app = create_app(org)
    token = org.sessions.open(user).token
    yield app.test_client(), {"Authorization": f"Bearer {token}"}
    org.close()


def _check(response) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 400), body
    assert "Traceback" not in body and 'File "' not in body
    payload = response.get_json()
    if response.status_code == 400:
        assert isinstance(payload, list) and set(payload[0]) >= {"message", "errorCode"}
    else:
        assert "searchRecords" in payload or payload["totalSize"] >= 0


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(mutated, assembled, anything))
def test_random_queries_never_fail_the_server(client, text):
    test_client, headers = client
    for route in ("query", "queryAll"):
        _check(test_client.get(f"/services/data/v62.0/{route}/", query_string={"q": text}, headers=headers))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(
        st.text(max_size=40).map(lambda t: "FIND {" + t + "}"),
        mutated.map(lambda t: "FIND {ab} " + t),
        anything,
    )
)
def test_random_searches_never_fail_the_server(client, text):
    test_client, headers = client
    response = test_client.get("/services/data/v62.0/search/", query_string={"q": text}, headers=headers)
    _check(response)
