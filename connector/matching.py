"""Matching rules (MATCH-03 to MATCH-06, V360-01): search, display and profile fields, over plain records."""

# The configured field lists (AR 1.8: which fields are searched, how results and the profile show) name
# Contact fields. In person-account mode every "Contact" is a person Account (MATCH-06), whose Contact
# fields carry the Person prefix (salesforce-contract.md 6); the translation lives in PERSON_FIELDS.
# A candidate is kept when one of the configured search fields matches the term: e-mails and text
# compare case-insensitively, phones by their digits, so "+33 6 12 34 56 78" matches WhatsApp's
# "33612345678" (AR 2.3: phone ids carry no "+").

from __future__ import annotations

import re
from types import MappingProxyType

DEFAULT_PROFILE_FIELDS = ("Name", "Email", "Phone", "MailingCity")  # simulators/topology/files.py's default
PERSON_FIELDS = MappingProxyType(
    {
        "Email": "PersonEmail",
        "MobilePhone": "PersonMobilePhone",
        "HomePhone": "PersonHomePhone",
        "Birthdate": "PersonBirthdate",
        "Title": "PersonTitle",
        "LeadSource": "PersonLeadSource",
        "MailingCity": "PersonMailingCity",
        "MailingStreet": "PersonMailingStreet",
        "MailingPostalCode": "PersonMailingPostalCode",
        "MailingCountry": "PersonMailingCountry",
    }
)
MIN_PHONE_DIGITS = 6  # shorter digit runs are not phone numbers worth comparing


def party_object(person_accounts: bool) -> str:
    """MATCH-06: the object a user is matched to."""
    return "Account" if person_accounts else "Contact"


def party_fields(configured: list[str], person_accounts: bool, known: set[str] | None = None) -> list[str]:
    """Configured Contact field names as the party object's field names; unknown ones are dropped, so a
    setting naming a field the org lacks does not break the search."""
    out = []
    for name in configured:
        actual = PERSON_FIELDS.get(name, name) if person_accounts else name
        if (known is None or actual.lower() in known) and actual not in out:
            out.append(actual)
    return out


def digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def phones_match(a: str, b: str) -> bool:
    """Same number whatever the formatting, with or without the country code or the trunk zero."""
    da, db = digits(a).lstrip("0"), digits(b).lstrip("0")
    if len(da) < MIN_PHONE_DIGITS or len(db) < MIN_PHONE_DIGITS:
        return False
    return da.endswith(db) or db.endswith(da)


def value_matches(value, term: str) -> bool:
    """One field value against the search term: phone digits, or case-insensitive containment."""
    if value is None or not term.strip():
        return False
    text, wanted = str(value).strip().lower(), term.strip().lower()
    if wanted in text:
        return True
    return phones_match(text, wanted)


def is_candidate(record: dict, search_fields: list[str], term: str) -> bool:
    """MATCH-03: a record is a candidate when one configured search field matches the term."""
    return any(value_matches(record.get(f), term) for f in search_fields)


def display(record: dict, fields: list[str]) -> dict:
    """MATCH-03, MATCH-04: a record shown with the configured fields, in their order."""
    return {f: record.get(f) for f in fields}


def cloud(contact_id: str | None) -> str:
    """MATCH-03/04: grey when the user is matched to nobody, blue once matched."""
    return "blue" if contact_id else "grey"


def search_terms(term: str) -> list[str]:
    """What to hand SOSL: the term itself, and for a phone its digits (SOSL compares phone digits)."""
    term = term.strip()
    found = [term] if term else []
    if len(digits(term)) >= MIN_PHONE_DIGITS and digits(term) != term:
        found.append(digits(term))
    return found


def new_party(values: dict, person_accounts: bool, display_name: str | None) -> dict:
    """MATCH-05: the record created from Alcméon; a last name is required, the user's name stands in."""
    allowed = {k: v for k, v in values.items() if isinstance(k, str) and v not in (None, "")}
    if person_accounts:
        allowed = {PERSON_FIELDS.get(k, k): v for k, v in allowed.items()}
    if not allowed.get("LastName"):
        first, _, last = (display_name or "Unknown").strip().rpartition(" ")
        allowed.setdefault("LastName", last or first or "Unknown")
        if first and not allowed.get("FirstName"):
            allowed["FirstName"] = first
    return allowed


def activity(record: dict, kind: str) -> dict:
    """V360-01: one Task or Event as the profile lists it."""
    if kind == "Task":
        return {
            "type": "Task",
            "id": record["Id"],
            "subject": record.get("Subject"),
            "status": record.get("Status"),
            "date": record.get("ActivityDate"),
        }
    return {
        "type": "Event",
        "id": record["Id"],
        "subject": record.get("Subject"),
        "start": record.get("StartDateTime"),
        "end": record.get("EndDateTime"),
        "location": record.get("Location"),
    }
