"""Record reads and writes on one org for the Salesforce -> Alcméon side: create, update, SOQL, SOSL."""

# The core gateway (connector/salesforce.py) upserts conversations; matching, the widget and engagement
# also create Contacts, update lookups and Engagement records, and search. They go through the gateway's
# `_call`, so they share its session per thread, its re-login on INVALID_SESSION_ID and its
# Retryable/Permanent classification (one place for the wire behaviour).

from __future__ import annotations

import re

from simple_salesforce import Salesforce

from alcsim.connector.salesforce import OrgGateway

# SOSL reserved characters (salesforce-contract.md 1.3): escaped with a backslash inside FIND {...}.
SOSL_RESERVED = re.compile(r'([?&|!{}\[\]()^~*:\\"\'+-])')
ID_PATTERN = re.compile(r"^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$")


def soql_text(value: str) -> str:
    """A SOQL string literal's content: backslash and quote escaped (salesforce-contract.md 5)."""
    return str(value).replace("\\", "\\\\").replace("'", "\\'")


def soql_list(values) -> str:
    return ", ".join(f"'{soql_text(v)}'" for v in values)


def sosl_term(text: str) -> str:
    return SOSL_RESERVED.sub(r"\\\1", text.strip())


def is_id(value) -> bool:
    return isinstance(value, str) and bool(ID_PATTERN.match(value))


def query(gateway: OrgGateway, soql: str) -> list[dict]:
    return gateway.query_all(soql)


def search(gateway: OrgGateway, sosl: str) -> list[dict]:
    def run(sf: Salesforce):
        return sf.search(sosl)

    answer = gateway._call(run) or {}
    return answer.get("searchRecords", []) if isinstance(answer, dict) else answer


def create(gateway: OrgGateway, sobject: str, values: dict) -> str:
    def run(sf: Salesforce):
        return getattr(sf, sobject).create(values)

    return gateway._call(run)["id"]


def update(gateway: OrgGateway, sobject: str, record_id: str, values: dict) -> None:
    if not values:
        return

    def run(sf: Salesforce):
        return getattr(sf, sobject).update(record_id, values)

    gateway._call(run)


def update_many(gateway: OrgGateway, sobject: str, rows: list[dict]) -> list[dict]:
    """Composite sObject collection update (at most 200 per call, salesforce-contract.md 7)."""
    results: list[dict] = []
    for start in range(0, len(rows), 200):
        chunk = [{"attributes": {"type": sobject}, **r} for r in rows[start : start + 200]]

        def run(sf: Salesforce, chunk=chunk):
            return sf.restful(
                "composite/sobjects", method="PATCH", json={"allOrNone": False, "records": chunk}
            )

        results += gateway._call(run)
    return results


def field_names(gateway: OrgGateway, sobject: str) -> set[str]:
    """The object's field API names, lower-cased (describe), so settings naming missing fields are skipped."""

    def run(sf: Salesforce):
        return getattr(sf, sobject).describe()

    return {f["name"].lower() for f in gateway._call(run).get("fields", [])}
