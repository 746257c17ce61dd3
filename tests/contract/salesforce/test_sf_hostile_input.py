"""Hostile requests over HTTPS get Salesforce's status and errorCode, never a 5xx, and lose nothing (issue 13)."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

VERSION = "v59.0"
LONG_TERM = "a" * 100_000
MANY_ORS = " OR ".join(f"w{i}" for i in range(5_000))


def _base(sf_org) -> str:
    return f"{sf_org.instance_url}/services/data/{VERSION}"


def _headers(sf, **more) -> dict:
    return {"Authorization": f"Bearer {sf.session_id}", "Content-Type": "application/json", **more}


def _through_composite(session, sf_org, sf, url: str):
    """A GET inside /composite: the way past the URI limit that Salesforce's help article recommends."""
    body = {"compositeRequest": [{"method": "GET", "url": url, "referenceId": "hostile"}]}
    answer = session.post(f"{_base(sf_org)}/composite", json=body, headers=_headers(sf))
    assert answer.status_code == 200, answer.text[:500]
    sub = answer.json()["compositeResponse"][0]
    return sub["httpStatusCode"], sub["body"]


def _query_url(text: str, resource: str = "query") -> str:
    return f"/services/data/{VERSION}/{resource}/?q={quote(text)}"


@pytest.fixture
def kept(sf):
    """A record accepted before the hostile call; each test checks it is still there afterwards."""
    created = sf.Contact.create({"LastName": "Kept", "Email": "kept@example.com"})
    yield created["id"]
    assert sf.Contact.get(created["id"])["LastName"] == "Kept"
    assert sf.query("SELECT COUNT() FROM Contact WHERE LastName = 'Kept'")["totalSize"] == 1


QUERIES = [
    # Java-int counts: a longer number is refused as the parser refuses it (docs/assumptions.md).
    ("SELECT Id FROM Contact LIMIT 100000000000000000000000", "MALFORMED_QUERY"),
    ("SELECT Id FROM Contact LIMIT " + "9" * 5_000, "MALFORMED_QUERY"),
    ("SELECT Id FROM Contact OFFSET 100000000000000000000000", "NUMBER_OUTSIDE_VALID_RANGE"),
    ("SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:100000000000000000000", "MALFORMED_QUERY"),
    ("SELECT Id FROM Contact WHERE CreatedDate < N_DAYS_AGO:" + "1" * 5_000, "MALFORMED_QUERY"),
    ("SELECT " + "A" * 5_000 + " FROM Contact", "INVALID_FIELD"),
    ("SELECT Id FROM " + "B" * 5_000, "INVALID_TYPE"),
    ("SELECT Id FROM Contact WHERE LastName = 'a\\0'", "MALFORMED_QUERY"),
]


@pytest.mark.parametrize(("text", "code"), QUERIES, ids=lambda v: v[:40] if isinstance(v, str) else v)
def test_queries_with_hostile_numbers_and_names_get_a_400(sf_org, sf, kept, text, code):
    answer = sf_org.session().get(f"{_base(sf_org)}/query/", params={"q": text}, headers=_headers(sf))
    assert answer.status_code == 400, answer.text[:300]
    assert answer.json()[0]["errorCode"] == code


@pytest.mark.parametrize(
    "where",
    [
        "CreatedDate = LAST_N_DAYS:2147483647",
        "CreatedDate > N_YEARS_AGO:2147483647",
        "CreatedDate < NEXT_N_YEARS:2147483647",
        "LastName != null AND CreatedDate > N_DAYS_AGO:2147483647",
    ],
)
@pytest.mark.empty_org
def test_date_literals_reaching_past_the_calendar_match_every_date(sf_org, sf, kept, where):
    # An org stores dates from 1700 to 4000: a range reaching past them holds every stored date.
    found = sf.query(f"SELECT Id FROM Contact WHERE {where}")
    assert [r["Id"] for r in found["records"]] == [kept]


@pytest.mark.parametrize(
    ("where", "count"),
    [
        ("NumberOfEmployees < 100000000000000000000000000", 1),
        ("NumberOfEmployees = " + "7" * 5_000, 0),
        ("AnnualRevenue > -" + "1" * 400, 1),
    ],
)
@pytest.mark.empty_org
def test_huge_numbers_compared_with_fields_are_compared(sf, kept, where, count):
    sf.Account.create({"Name": "Big", "NumberOfEmployees": 10, "AnnualRevenue": 5.0})
    assert sf.query(f"SELECT Id FROM Account WHERE {where}")["totalSize"] == count


def test_soql_over_100000_characters_is_refused_even_with_a_cached_plan(sf_org, sf, kept):
    session = sf_org.session()
    shorter = "SELECT Id FROM Contact WHERE LastName = '" + "x" * 90_000 + "'"
    longer = "SELECT Id FROM Contact WHERE LastName = '" + "x" * 100_000 + "'"
    assert _through_composite(session, sf_org, sf, _query_url(shorter))[0] == 200
    status, body = _through_composite(session, sf_org, sf, _query_url(longer))
    assert (status, body[0]["errorCode"]) == (400, "MALFORMED_QUERY")


@pytest.mark.parametrize("depth", [5_000, 40_000])
def test_deeply_nested_parentheses_are_answered(sf_org, sf, kept, depth):
    text = "SELECT Id FROM Contact WHERE " + "(" * depth + "LastName = 'Kept'" + ")" * depth
    status, body = _through_composite(sf_org.session(), sf_org, sf, _query_url(text))
    assert status == 200 and body["records"][0]["Id"] == kept


def test_thousands_of_or_terms_in_soql_are_refused_as_too_complicated(sf_org, sf, kept):
    text = "SELECT Id FROM Contact WHERE " + " OR ".join(["LastName = 'x'"] * 6_000)
    status, body = _through_composite(sf_org.session(), sf_org, sf, _query_url(text))
    assert (status, body[0]["errorCode"]) == (400, "MALFORMED_QUERY")


def test_a_100_kb_sosl_term_in_the_uri_is_414(sf_org, sf, kept):
    # URI and headers are capped at 16,384 bytes (help article 000386264).
    answer = sf_org.session().get(
        f"{_base(sf_org)}/search/", params={"q": "FIND {" + LONG_TERM + "}"}, headers=_headers(sf)
    )
    assert answer.status_code == 414
    assert answer.json()[0]["errorCode"] == "URI_TOO_LONG"


def test_a_100_kb_sosl_term_in_a_body_is_a_malformed_search(sf_org, sf, kept):
    # The SOSL statement limit is the SOQL one, 100,000 characters (SOQL and SOSL limits).
    url = _query_url("FIND {" + LONG_TERM + "}", "search")
    status, body = _through_composite(sf_org.session(), sf_org, sf, url)
    assert (status, body[0]["errorCode"]) == (400, "MALFORMED_SEARCH")


@pytest.mark.parametrize("term", [LONG_TERM[:50_000], MANY_ORS], ids=["50-kb-term", "5000-ors"])
def test_sosl_terms_over_10000_characters_return_no_rows(sf_org, sf, kept, term):
    # SOSL syntax, FIND {SearchQuery}: over 10,000 characters no result rows are returned.
    status, body = _through_composite(
        sf_org.session(), sf_org, sf, _query_url("FIND {" + term + "}", "search")
    )
    assert (status, body) == (200, {"searchRecords": []})


def test_many_sosl_ors_under_the_limit_are_searched(sf_org, sf, kept):
    # About 8,000 characters: under the 10,000 past which SOSL returns nothing.
    term = " OR ".join([f"zz{i}" for i in range(900)] + ["Kept"])
    status, body = _through_composite(
        sf_org.session(), sf_org, sf, _query_url("FIND {" + term + "} RETURNING Contact(Id)", "search")
    )
    assert status == 200 and [r["Id"] for r in body["searchRecords"]] == [kept]


def test_a_sosl_statement_over_100000_characters_is_malformed(sf_org, sf, kept):
    text = "FIND {ab} RETURNING Contact(Id WHERE LastName = '" + "x" * 100_000 + "')"
    status, body = _through_composite(sf_org.session(), sf_org, sf, _query_url(text, "search"))
    assert (status, body[0]["errorCode"]) == (400, "MALFORMED_SEARCH")


BODIES = [
    ("sobjects/Contact/", b"[" * 100_000 + b"]" * 100_000, 400, "JSON_PARSER_ERROR"),
    ("composite/sobjects", b'{"records":' + b"[" * 100_000 + b"]" * 100_000 + b"}", 400, "JSON_PARSER_ERROR"),
    ("composite", b'{"compositeRequest":' + b"{" * 2_000 + b"}" * 2_000 + b"}", 400, "JSON_PARSER_ERROR"),
    (
        "sobjects/Contact/",
        b'{"LastName":' + b'{"a":' * 990 + b"1" + b"}" * 990 + b"}",
        400,
        "JSON_PARSER_ERROR",
    ),
    ("sobjects/Contact/", b'{"LastName": "\xff\xfe"}', 400, "JSON_PARSER_ERROR"),
    ("sobjects/Contact/", b'{"LastName": "a\x00b"}', 400, "JSON_PARSER_ERROR"),
    ("sobjects/Contact/", b'{"LastName": ' + b'"' + b"\\" * 3 + b'"}', 400, "JSON_PARSER_ERROR"),
]


@pytest.mark.parametrize(("path", "body", "status", "code"), BODIES, ids=lambda v: str(v)[:30])
def test_hostile_json_bodies_get_json_parser_error(sf_org, sf, kept, path, body, status, code):
    answer = sf_org.session().post(f"{_base(sf_org)}/{path}", data=body, headers=_headers(sf))
    assert answer.status_code == status, answer.text[:300]
    assert answer.json()[0]["errorCode"] == code


def test_an_escaped_nul_in_a_string_is_kept(sf, kept):
    created = sf.Contact.create({"LastName": "a\u0000b"})
    assert sf.Contact.get(created["id"])["LastName"] == "a\u0000b"


def test_a_wrong_content_type_is_415(sf_org, sf, kept):
    answer = sf_org.session().post(
        f"{_base(sf_org)}/sobjects/Contact/",
        data=json.dumps({"LastName": "Plain"}),
        headers=_headers(sf, **{"Content-Type": "text/plain"}),
    )
    assert answer.status_code == 415
    assert answer.json()[0]["errorCode"] == "UNSUPPORTED_MEDIA_TYPE"
    assert sf.query("SELECT COUNT() FROM Contact WHERE LastName = 'Plain'")["totalSize"] == 0


def test_huge_headers_are_431(sf_org, sf, kept):
    answer = sf_org.session().get(
        f"{_base(sf_org)}/limits/", headers=_headers(sf, **{"X-Junk": "j" * 20_000})
    )
    assert answer.status_code == 431
    assert answer.json()[0]["errorCode"] == "REQUEST_HEADER_FIELDS_TOO_LARGE"


def test_a_body_over_50_mb_is_413(sf_org, sf, kept):
    body = b'{"LastName": "' + b"x" * (50 * 1024 * 1024) + b'"}'
    answer = sf_org.session().post(f"{_base(sf_org)}/sobjects/Contact/", data=body, headers=_headers(sf))
    assert answer.status_code == 413
    assert answer.json()[0]["errorCode"] == "EXCEEDED_MAX_SIZE_REQUEST"


def test_no_session_is_checked_after_the_limits(sf_org):
    # The limits come first, as an edge would apply them; a normal request without a session is 401.
    session = sf_org.session()
    assert session.get(f"{_base(sf_org)}/query/", params={"q": "x" * 20_000}).status_code == 414
    assert session.get(f"{_base(sf_org)}/query/", params={"q": "SELECT Id FROM Contact"}).status_code == 401
