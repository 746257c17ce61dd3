"""Values the org computes on save: full names, closed flags, activity accounts, person accounts (SC 6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.schema import SObject

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.org import Org

# The closed stages of a new org's sales process and their forecast category.
CLOSED_STAGES = {"Closed Won": "Closed", "Closed Lost": "Omitted"}


def _full_name(row: dict) -> str:
    first, last = row.get("FirstName"), row.get("LastName")
    return f"{first} {last}" if first and last else first or last or ""


def complete(org: Org, sobject: SObject, row: dict, before: dict | None) -> None:
    for name, formula in sobject.formula_fields:
        if formula == "full_name":
            row[name] = _full_name(row) or None
        elif formula == "case_closed":
            row[name] = int(row.get("Status") == "Closed")
        elif formula == "task_closed":
            row[name] = int(row.get("Status") == "Completed")
        elif formula == "task_high_priority":
            row[name] = int(row.get("Priority") == "High")
        elif formula == "opportunity_closed":
            row[name] = int(row.get("StageName") in CLOSED_STAGES)
        elif formula == "opportunity_won":
            row[name] = int(row.get("StageName") == "Closed Won")
    if sobject.name == "Opportunity":
        # The default stages' forecast categories (Object Reference, OpportunityStage).
        row["ForecastCategory"] = CLOSED_STAGES.get(row.get("StageName"), "Pipeline")
        row["ForecastCategoryName"] = row.get("ForecastCategoryName") or row["ForecastCategory"]
    if sobject.name == "Lead" and row.get("IsConverted") and not row.get("ConvertedDate"):
        row["ConvertedDate"] = org.now_text()[:10]
    if sobject.name == "Case":
        closing = row.get("IsClosed") and not (before or {}).get("IsClosed")
        if closing:
            row["ClosedDate"] = org.now_text()
        elif not row.get("IsClosed"):
            row["ClosedDate"] = None
    if sobject.name in ("Task", "Event"):
        row["AccountId"] = _activity_account(org, row)
    if sobject.name == "Account" and org.config.person_accounts:
        _complete_person_account(org, row, before)
    elif sobject.name == "Contact" and row.get("IsPersonAccount") is None:
        row["IsPersonAccount"] = 0


def _activity_account(org: Org, row: dict) -> str | None:
    """An activity's AccountId comes from its Who contact, else from a What that is an account (SC 6)."""
    if row.get("WhoId"):
        contact = org.store.fetch(org.schema.get("Contact"), row["WhoId"])
        if contact and contact.get("AccountId"):
            return contact["AccountId"]
    what = row.get("WhatId")
    if what and what.startswith("001"):
        return what
    return None


def _complete_person_account(org: Org, row: dict, before: dict | None) -> None:
    person_type = org.person_record_type_id()
    if before is None:
        row["IsPersonAccount"] = int(bool(person_type) and row.get("RecordTypeId") == person_type)
    elif row.get("RecordTypeId") != before.get("RecordTypeId"):
        raise errors.FieldIntegrityException(
            "Record Type ID: cannot change between person and business accounts", ["RecordTypeId"]
        )
    if row["IsPersonAccount"]:
        if (
            before is not None
            and before.get("Name") != row.get("Name")
            and row.get("Name") != _full_name(row)
        ):
            raise errors.InvalidFieldForInsertUpdate(
                "Unable to create/update fields: Name. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                ["Name"],
            )
        if not row.get("LastName"):
            raise errors.RequiredFieldMissing("Required fields are missing: [LastName]", ["LastName"])
        row["Name"] = _full_name(row)
        return
    person_only = [
        k
        for k, v in row.items()
        if v not in (None, 0) and k.lower() in org.schema.person_mirrored and k != "Phone"
    ]
    if person_only:
        # Without a person record type these fields do not exist on the account (SC 6).
        raise errors.InvalidField(
            f"No such column '{person_only[0]}' on sobject of type Account", [person_only[0]]
        )
    if not row.get("Name"):
        raise errors.RequiredFieldMissing("Required fields are missing: [Name]", ["Name"])


def after_save(org: Org, sobject: SObject, row: dict, before: dict | None, user_id: str) -> None:
    if sobject.name == "Account" and row.get("IsPersonAccount"):
        _sync_person_contact(org, row, user_id)


def _sync_person_contact(org: Org, account: dict, user_id: str) -> None:
    """Creating a person account creates its hidden Contact; later edits are mirrored onto it."""
    contact = org.schema.get("Contact")
    mirrored = {
        contact_field: account.get(_canonical(org, account_field))
        for account_field, contact_field in org.schema.person_mirrored.items()
    }
    now = org.now_text()
    if account.get("PersonContactId"):
        org.store.update(
            contact,
            account["PersonContactId"],
            {**mirrored, "LastModifiedDate": now, "SystemModstamp": now, "LastModifiedById": user_id},
        )
        return
    contact_id = org.new_id(contact)
    values = {f.name: None for f in contact.stored_fields}
    values.update(mirrored)
    values.update(
        Id=contact_id,
        IsDeleted=0,
        AccountId=account["Id"],
        IsPersonAccount=1,
        OwnerId=account.get("OwnerId"),
        Name=_full_name(account),
        CreatedDate=now,
        LastModifiedDate=now,
        SystemModstamp=now,
        CreatedById=user_id,
        LastModifiedById=user_id,
    )
    org.store.insert(contact, values)
    org.store.update(org.schema.get("Account"), account["Id"], {"PersonContactId": contact_id})
    account["PersonContactId"] = contact_id


def _canonical(org: Org, lowered: str) -> str:
    return org.schema.get("Account").field(lowered).name
