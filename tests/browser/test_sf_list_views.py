"""The org's list views in a real browser: the "All" views' labelled columns, sorting, search and paging."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from test_pages_support import snapshot
from test_sf_record_pages import USERS, login

expect.set_options(timeout=10_000)


def _org(sf_org_factory):
    return sf_org_factory({"users": USERS, "queues": [{"name": "Social"}]})


def _create(sf, sobject: str, records: list[dict]) -> list[str]:
    """Records in one composite collection call (up to 200), as a data loader would make them."""
    body = {"allOrNone": True, "records": [{"attributes": {"type": sobject}, **r} for r in records]}
    results = sf.restful("composite/sobjects", method="POST", json=body)
    assert all(r["success"] for r in results), results
    return [r["id"] for r in results]


def _column(page, field: str) -> list[str]:
    return page.locator(f"table.records tbody td[data-field={field}]").all_inner_texts()


def test_all_cases_shows_the_standard_columns_with_their_labels(sf_org_factory, new_page):
    """Case Number, Subject, Status, Priority, Contact Name, Case Owner, Date/Time Opened; lookups link
    to the record by its name."""
    running = _org(sf_org_factory)
    sf = running.client()
    queue = sf.query("SELECT QueueId FROM QueueSobject WHERE SobjectType = 'Case'")["records"][0]["QueueId"]
    contact = sf.Contact.create({"FirstName": "Ana", "LastName": "Lopez"})["id"]
    case = sf.Case.create({"Subject": "Where is my parcel?", "ContactId": contact, "OwnerId": queue})["id"]
    page = new_page()
    login(page, running, "paris@org.example", "/lightning/o/Case/list")
    expect(page.locator("h1")).to_have_text("All Cases")
    expect(page.locator("table.records thead th")).to_have_text(
        ["Case Number", "Subject", "Status", "Priority", "Contact Name", "Case Owner", "Date/Time Opened"]
    )
    row = page.locator(f"tr[data-record-id='{case}']")
    expect(row.locator("td[data-field=Subject]")).to_have_text("Where is my parcel?")
    expect(row.locator("td[data-field=ContactId] a")).to_have_text("Ana Lopez")
    expect(row.locator("td[data-field=OwnerId]")).to_have_text("Social")
    expect(row.locator("td[data-field=CreatedDate]")).to_have_text(re.compile(r"^\d\d/\d\d/\d{4} \d\d:\d\d$"))
    snapshot(page, "sf-list-all-cases")
    row.locator("td[data-field=ContactId] a").click()
    expect(page.locator("h1[data-record-id]")).to_have_text("Ana Lopez")


def test_conversations_list_their_customer_channel_and_links(sf_org_factory, new_page):
    running = _org(sf_org_factory)
    sf = running.client()
    contact = sf.Contact.create({"FirstName": "Min", "LastName": "Kim"})["id"]
    sf.alcmeon__Conversation__c.create(
        {
            "alcmeon__scoped_id__c": "e:1:1:1",
            "alcmeon__Contact__c": contact,
            "alcmeon__Social_media_type__c": "kakaotalk",
            "alcmeon__User_name__c": "김민지",
            "alcmeon__Status__c": "OPEN",
        }
    )
    page = new_page()
    login(page, running, "seoul@org.example", "/lightning/o/alcmeon__Conversation__c/list")
    headers = page.locator("table.records thead th").all_inner_texts()
    assert headers[:5] == ["Alcmeon Conversation ID", "User name", "Social media type", "Status", "Contact"]
    assert "Owner" in headers and "Created Date" in headers
    row = page.locator("table.records tbody tr").first
    expect(row.locator("td[data-field=alcmeon__User_name__c]")).to_have_text("김민지")
    expect(row.locator("td[data-field=alcmeon__Contact__c] a")).to_have_text("Min Kim")
    expect(row.locator("td[data-field=CreatedDate]")).to_contain_text("오")  # ko_KR: 오전 / 오후


def test_a_click_on_a_header_sorts_by_that_column_then_reverses(sf_org_factory, new_page):
    running = _org(sf_org_factory)
    _create(running.client(), "Case", [{"Subject": s} for s in ("Bravo", "alpha", "Charlie", "delta")])
    page = new_page()
    login(page, running, "integration@org.example", "/lightning/o/Case/list")
    expect(page.locator("[data-summary]")).to_contain_text("Sorted by Case Number")
    assert _column(page, "Subject") == ["delta", "Charlie", "alpha", "Bravo"]  # newest case first
    page.locator("th[data-column=Subject] a").click()
    expect(page.locator("th[data-column=Subject]")).to_have_attribute("aria-sort", "ascending")
    assert _column(page, "Subject") == [
        "alpha",
        "Bravo",
        "Charlie",
        "delta",
    ]  # case-insensitive, as Salesforce
    page.locator("th[data-column=Subject] a").click()
    expect(page.locator("th[data-column=Subject]")).to_have_attribute("aria-sort", "descending")
    assert _column(page, "Subject") == ["delta", "Charlie", "Bravo", "alpha"]
    snapshot(page, "sf-list-sorted-by-subject")


def test_search_this_list_finds_records_by_text_and_by_a_lookups_name(sf_org_factory, new_page):
    running = _org(sf_org_factory)
    sf = running.client()
    contact = sf.Contact.create({"FirstName": "Zoé", "LastName": "Durand"})["id"]
    _create(sf, "Case", [{"Subject": f"Question {n}"} for n in range(30)])
    wanted = sf.Case.create({"Subject": "Refund for order 4711"})["id"]
    by_contact = sf.Case.create({"Subject": "Late delivery", "ContactId": contact})["id"]
    page = new_page()
    login(page, running, "paris@org.example", "/lightning/page/home")
    expect(page.locator("li[data-object=Case]")).to_have_text("Cases (32)")
    page.locator("li[data-object=Case] a").click()
    expect(page.locator("[data-range]")).to_have_text("1–25 of 32")
    search = page.get_by_label("Search this list...")
    search.fill("4711")
    search.press("Enter")
    expect(page.locator("table.records tbody tr")).to_have_count(1)
    expect(page.locator("table.records tbody tr")).to_have_attribute("data-record-id", wanted)
    expect(page.locator("[data-summary]")).to_contain_text("1 item")
    snapshot(page, "sf-list-search")
    search = page.get_by_label("Search this list...")
    search.fill("durand")
    search.press("Enter")
    expect(page.locator("table.records tbody tr")).to_have_attribute("data-record-id", by_contact)
    search = page.get_by_label("Search this list...")
    search.fill("100%_off")  # LIKE's wildcards are the user's characters, not patterns
    search.press("Enter")
    expect(page.locator(".empty")).to_have_text("No items match your search.")


def test_paging_moves_through_63_records_25_at_a_time(sf_org_factory, new_page):
    running = _org(sf_org_factory)
    _create(
        running.client(),
        "alcmeon__Conversation__c",
        [
            {"alcmeon__scoped_id__c": f"e:1:1:{n}", "alcmeon__User_name__c": f"Customer {n}"}
            for n in range(63)
        ],
    )
    page = new_page()
    login(page, running, "paris@org.example", "/lightning/o/alcmeon__Conversation__c/list")
    seen: list[str] = []
    for expected in ("1–25 of 63", "26–50 of 63", "51–63 of 63"):
        expect(page.locator("[data-range]")).to_have_text(expected)
        seen += _column(page, "Name")
        if expected != "51–63 of 63":
            page.get_by_role("link", name="Next").click()
    expect(page.get_by_role("link", name="Next")).to_have_count(0)
    assert len(seen) == len(set(seen)) == 63
    assert seen == sorted(seen, reverse=True)  # the newest conversation first
    snapshot(page, "sf-list-last-page")
    page.get_by_role("link", name="Previous").click()
    expect(page.locator("[data-range]")).to_have_text("26–50 of 63")
    page.goto(f"{running.instance_url}/lightning/o/alcmeon__Conversation__c/list?page=99&sort=nope&dir=up")
    expect(page.locator("[data-range]")).to_have_text("51–63 of 63")  # past the end: the last page
