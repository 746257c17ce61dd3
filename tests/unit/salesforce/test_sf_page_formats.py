"""The org pages' formats and labels: each LocaleSidKey's short formats, layout labels, list-view requests."""

from __future__ import annotations

import pytest

from alcsim.simulators.salesforce import list_views
from alcsim.simulators.salesforce.formatting import LOCALES, Formatter
from alcsim.simulators.salesforce.page_fields import display_label
from alcsim.simulators.salesforce.schema import Schema

MOMENT = "2026-12-02T13:05:00.000+0000"


@pytest.mark.parametrize(
    ("locale", "zone", "shown"),
    [
        ("fr_FR", "Europe/Paris", "02/12/2026 14:05"),
        ("en_US", "America/Los_Angeles", "12/2/2026, 5:05 AM"),
        ("en_GB", "Europe/London", "02/12/2026, 13:05"),
        ("de_DE", "Europe/Berlin", "02.12.2026, 14:05"),
        ("ko_KR", "Asia/Seoul", "2026. 12. 2. 오후 10:05"),
        ("ja_JP", "Asia/Tokyo", "2026/12/02 22:05"),
    ],
)
def test_a_datetime_in_the_users_locale_and_zone(locale, zone, shown):
    assert Formatter(locale, zone).datetime(MOMENT) == shown


def test_every_locale_of_the_picklist_has_its_formats():
    values = Schema().get("User").field("LocaleSidKey").values
    assert set(values) <= set(LOCALES)


def test_numbers_and_amounts_follow_the_locale_and_the_orgs_currency():
    french = Formatter("fr_FR", "Europe/Paris", "fr_FR")
    assert french.number(1234567.891, 2) == "1\u202f234\u202f567,89"
    assert french.amount(-1234.5) == "-1\u202f234,50\u00a0€"
    assert Formatter("en_US", "GMT", "en_US").amount(1234.5) == "$1,234.50"
    assert Formatter("ko_KR", "Asia/Seoul", "ko_KR").amount(1234.5) == "₩1,235"  # no minor unit, half-up
    assert Formatter("de_DE", "GMT").date("2026-12-02") == "02.12.2026"


def test_a_bad_stored_value_shows_as_it_is():
    assert Formatter("fr_FR", "Not/AZone").datetime("yesterday") == "yesterday"


def test_layout_labels_of_the_case():
    case = Schema().get("Case")
    labels = {name: display_label(case, case.field(name)) for name in ("ContactId", "OwnerId", "ParentId")}
    assert labels == {"ContactId": "Contact Name", "OwnerId": "Case Owner", "ParentId": "Parent Case"}
    assert display_label(case, case.field("CreatedById")) == "Created By"
    assert display_label(case, case.field("IsClosed")) == "Closed"
    conversation = Schema().get("alcmeon__Conversation__c")
    assert display_label(conversation, conversation.field("OwnerId")) == "Owner"


def test_a_list_request_only_sorts_by_the_views_columns():
    case = Schema().get("Case")
    view, columns = list_views.view_of(case)
    asked = list_views.read_request(view, columns, {"sort": "description", "dir": "sideways", "page": "-3"})
    assert (asked.sort.name, asked.descending, asked.page) == ("CaseNumber", True, 1)
    asked = list_views.read_request(view, columns, {"sort": "subject", "q": "x" * 500})
    assert (asked.sort.name, asked.descending, len(asked.search)) == ("Subject", False, list_views.MAX_SEARCH)
