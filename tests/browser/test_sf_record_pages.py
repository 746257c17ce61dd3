"""The org's record pages in a real browser: login, a Contact's conversations, a Case's owner and widget."""

from __future__ import annotations

from playwright.sync_api import expect

expect.set_options(timeout=10_000)

USERS = [
    {"username": "integration@org.example", "last_name": "Integration"},
    {
        "username": "paris@org.example",
        "first_name": "Camille",
        "last_name": "Martin",
        "timezone": "Europe/Paris",
        "language": "fr",
        "locale": "fr_FR",
    },
    {
        "username": "seoul@org.example",
        "first_name": "Min",
        "last_name": "Kim",
        "timezone": "Asia/Seoul",
        "language": "ko",
        "locale": "ko_KR",
    },
]
WIDGET = "https://127.0.0.1:9/widget/{org_id}?record={record_id}&user={user_id}"


def _org(sf_org_factory):
    return sf_org_factory({"users": USERS, "queues": [{"name": "Social"}], "widget_url": WIDGET})


def _login(page, running, username: str, target: str):
    page.goto(f"{running.instance_url}{target}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "alcsim-password")
    page.click("button[type=submit]")


def test_contact_page_lists_its_conversations(sf_org_factory, new_page):
    """PKG-02, V360-02: a Contact's related list shows its conversations."""
    running = _org(sf_org_factory)
    sf = running.client()
    contact = sf.Contact.create({"FirstName": "Jo", "LastName": "Doe", "Email": "jo@example.com"})["id"]
    for n in range(2):
        sf.alcmeon__Conversation__c.create(
            {
                "alcmeon__scoped_id__c": f"e:1:1:{n}",
                "alcmeon__Contact__c": contact,
                "alcmeon__Social_media_type__c": "whatsapp",
            }
        )
    page = new_page()
    _login(page, running, "paris@org.example", f"/lightning/r/Contact/{contact}/view")
    expect(page.locator("h1[data-record-id]")).to_have_text("Jo Doe")
    related = page.locator("[data-related=alcmeon__Conversations__r]")
    expect(related.locator("h2")).to_have_text("Alcmeon Conversations (2)")
    related.locator("a").first.click()
    expect(page.locator(".kind")).to_have_text("Alcmeon Conversation")
    expect(page.locator("dd[data-field=alcmeon__Contact__c] a")).to_have_text("Jo Doe")


def test_case_page_shows_the_queue_owner_and_the_widget(sf_org_factory, new_page):
    running = _org(sf_org_factory)
    sf = running.client()
    queue = sf.query("SELECT QueueId FROM QueueSobject WHERE SobjectType = 'Case'")["records"][0]["QueueId"]
    case = sf.Case.create({"Subject": "Help", "OwnerId": queue})["id"]
    page = new_page()
    _login(page, running, "paris@org.example", f"/lightning/r/Case/{case}/view")
    expect(page.locator(".owner")).to_contain_text("Queue")
    expect(page.locator(".owner [data-field=OwnerId]")).to_have_text("Social")
    src = page.locator("iframe.widget").get_attribute("src")
    assert src == WIDGET.format(
        org_id=running.org.id, record_id=case, user_id=running.org.user_id("paris@org.example")
    )


def test_each_user_sees_times_in_their_own_time_zone(sf_org_factory, new_page):
    running = _org(sf_org_factory)
    contact = running.client().Contact.create({"LastName": "Zone"})["id"]
    seen = {}
    for username, zone in (("paris@org.example", ("CET", "CEST")), ("seoul@org.example", ("KST",))):
        page = new_page()
        _login(page, running, username, f"/lightning/r/Contact/{contact}/view")
        text = page.locator("dd[data-field=CreatedDate]").inner_text()
        assert text.endswith(zone), text
        seen[username] = text
    assert seen["paris@org.example"] != seen["seoul@org.example"]


def test_a_wrong_password_stays_on_the_login_form(sf_org_factory, new_page):
    running = _org(sf_org_factory)
    page = new_page()
    page.goto(f"{running.instance_url}/lightning/page/home")
    page.fill("input[name=username]", "paris@org.example")
    page.fill("input[name=password]", "nope")
    page.click("button[type=submit]")
    expect(page.get_by_role("alert")).to_contain_text("check your username and password")
