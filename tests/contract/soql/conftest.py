"""Fixtures for the SOQL contract tests: rows put straight into an org's store for speed."""

from __future__ import annotations

import pytest

from alcsim.simulators.salesforce.ids import make_id


@pytest.fixture
def bulk_contacts():
    """`bulk_contacts(org, n, **values)` inserts n Contacts in one statement and returns their ids."""

    def insert(org, n: int, account_id: str | None = None, start: int = 1_000_000) -> list[str]:
        contact = org.schema.get("Contact")
        now = org.now_text()
        user = org.integration_user_id
        rows = []
        for i in range(n):
            rows.append(
                {
                    "Id": make_id("003", org.pod, start + i),
                    "IsDeleted": 0,
                    "CreatedDate": now,
                    "LastModifiedDate": now,
                    "SystemModstamp": now,
                    "CreatedById": user,
                    "LastModifiedById": user,
                    "OwnerId": user,
                    "LastName": f"Bulk{i:05d}",
                    "Name": f"Bulk{i:05d}",
                    "AccountId": account_id,
                    "IsPersonAccount": 0,
                }
            )
        org.store.insert_many(contact, rows)
        return [r["Id"] for r in rows]

    return insert
