"""Unit tests of the matching rules: search, display and person-account fields, phones (MATCH-03..06)."""

from __future__ import annotations

from alcsim.connector.matching import (
    activity,
    cloud,
    display,
    is_candidate,
    new_party,
    party_fields,
    party_object,
    phones_match,
    search_terms,
    value_matches,
)


def test_the_cloud_is_grey_until_matched():  # MATCH-03, MATCH-04
    assert cloud(None) == "grey" and cloud("") == "grey" and cloud("003A00000000001") == "blue"


def test_person_account_mode_matches_accounts_with_person_fields():  # MATCH-06
    assert party_object(True) == "Account" and party_object(False) == "Contact"
    assert party_fields(["Email", "MobilePhone", "Phone", "Name"], True) == [
        "PersonEmail",
        "PersonMobilePhone",
        "Phone",
        "Name",
    ]
    assert party_fields(["Email", "MobilePhone"], False) == ["Email", "MobilePhone"]


def test_fields_the_org_lacks_are_dropped():
    known = {"email", "phone", "name"}
    assert party_fields(["Email", "Fax__c", "Phone"], False, known) == ["Email", "Phone"]
    assert party_fields(["Email", "Email"], False) == ["Email"]


def test_phone_numbers_match_whatever_their_format():  # AR 2.3: phone ids without "+"
    assert phones_match("+33 6 12 34 56 78", "33612345678")
    assert phones_match("06 12 34 56 78", "33612345678")  # trunk zero, no country code
    assert not phones_match("+33 6 12 34 56 79", "33612345678")
    assert not phones_match("12", "12")  # too short to be a phone


def test_values_match_case_insensitively_or_by_phone_digits():
    assert value_matches("Ana@Example.com", "ana@example.com")
    assert value_matches("+82 10-1234-5678", "821012345678")
    assert not value_matches(None, "x") and not value_matches("abc", " ")


def test_a_candidate_matches_on_a_configured_search_field_only():  # MATCH-03
    record = {"Email": "ana@example.com", "LastName": "Lopez", "MobilePhone": "+33 6 12 34 56 78"}
    assert is_candidate(record, ["Email", "MobilePhone"], "33612345678")
    assert not is_candidate(record, ["Email", "MobilePhone"], "Lopez")
    assert is_candidate(record, ["LastName"], "lopez")


def test_results_show_the_display_fields_in_order():  # MATCH-03
    record = {"Id": "003", "Name": "Ana Lopez", "Email": "a@x.io", "Title": "CEO"}
    assert list(display(record, ["Email", "Name", "Phone"]).items()) == [
        ("Email", "a@x.io"),
        ("Name", "Ana Lopez"),
        ("Phone", None),
    ]


def test_a_phone_term_is_also_searched_by_its_digits():
    assert search_terms("+33 6 12 34 56 78") == ["+33 6 12 34 56 78", "33612345678"]
    assert search_terms("ana@example.com") == ["ana@example.com"]
    assert search_terms("  ") == []


def test_a_contact_created_from_alcmeon_gets_a_last_name_from_the_user():  # MATCH-05
    assert new_party({"MobilePhone": "+336"}, False, "Lucia Fernandez") == {
        "MobilePhone": "+336",
        "LastName": "Fernandez",
        "FirstName": "Lucia",
    }
    assert new_party({"LastName": "Given", "Email": ""}, False, "Other Name") == {"LastName": "Given"}
    assert new_party({}, False, None) == {"LastName": "Unknown"}


def test_a_person_account_created_from_alcmeon_uses_person_fields():  # MATCH-05, MATCH-06
    assert new_party({"Email": "c@x.io"}, True, "Claire") == {"PersonEmail": "c@x.io", "LastName": "Claire"}


def test_activities_are_listed_with_their_dates():  # V360-01
    task = {"Id": "00T1", "Subject": "Call", "Status": "Completed", "ActivityDate": "2026-11-20"}
    assert activity(task, "Task") == {
        "type": "Task",
        "id": "00T1",
        "subject": "Call",
        "status": "Completed",
        "date": "2026-11-20",
    }
    event = {"Id": "00U1", "Subject": "Meeting", "StartDateTime": "s", "EndDateTime": "e", "Location": None}
    assert activity(event, "Event")["start"] == "s"
