"""The org's record pages in a real browser: login, labels, formats of each user, a Case's owner and widget."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import expect
from test_pages_support import snapshot

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


def login(page, running, username: str, target: str):
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
    login(page, running, "paris@org.example", f"/lightning/r/Contact/{contact}/view")
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
    login(page, running, "paris@org.example", f"/lightning/r/Case/{case}/view")
    expect(page.locator(".owner")).to_contain_text("Queue")
    expect(page.locator(".owner [data-field=OwnerId]")).to_have_text("Social")
    src = page.locator("iframe.widget").get_attribute("src")
    assert src == WIDGET.format(
        org_id=running.org.id, record_id=case, user_id=running.org.user_id("paris@org.example")
    )


def test_each_user_sees_times_in_their_own_locale_and_time_zone(sf_org_factory, sf_clock, new_page):
    """LocaleSidKey and TimeZoneSidKey: the same CreatedDate as a French user in Paris, a Korean user in
    Seoul and an American user in New York see it (ICU short formats, no zone name, as Lightning)."""
    users = [*USERS, {"username": "ny@org.example", "last_name": "Stone", "timezone": "America/New_York"}]
    running = sf_org_factory({"users": users})
    sf_clock.set(datetime(2026, 12, 2, 13, 5, tzinfo=UTC))
    sf_clock.freeze()
    contact = running.client().Contact.create({"LastName": "Zone"})["id"]
    for username, shown in (
        ("paris@org.example", "02/12/2026 14:05"),
        ("seoul@org.example", "2026. 12. 2. 오후 10:05"),
        ("ny@org.example", "12/2/2026, 8:05 AM"),
    ):
        page = new_page()
        login(page, running, username, f"/lightning/r/Contact/{contact}/view")
        created = page.locator("dd[data-field=CreatedDate] time")
        expect(created).to_have_text(shown)
        expect(created).to_have_attribute("datetime", "2026-12-02T13:05:00.000+0000")


def test_the_case_page_shows_labels_checkboxes_and_names_in_the_users_formats(sf_org_factory, new_page):
    """The describe's labels as the Case layout shows them (Case Number, Contact Name, Closed), booleans as
    Lightning's checkboxes, lookups by the record's name, numbers and amounts in the user's locale."""
    running = _org(sf_org_factory)
    sf = running.client()
    account = sf.Account.create({"Name": "Maison Dupont", "AnnualRevenue": 1234567})["id"]
    contact = sf.Contact.create({"FirstName": "Jo", "LastName": "Doe", "AccountId": account})["id"]
    case = sf.Case.create({"Subject": "Help", "ContactId": contact, "AccountId": account})["id"]
    page = new_page()
    login(page, running, "paris@org.example", f"/lightning/r/Case/{case}/view")
    labels = page.locator("dl.fields dt").all_inner_texts()
    for label in ("Case Number", "Contact Name", "Account Name", "Closed", "Escalated", "Date/Time Opened"):
        assert label in labels, labels
    for api_name in ("CaseNumber", "ContactId", "IsClosed", "OwnerId", "Contact ID"):
        assert api_name not in labels, labels
    expect(page.locator(".owner")).to_contain_text("Case Owner")
    expect(page.locator("dd[data-field=ContactId] a")).to_have_text("Jo Doe")
    expect(page.locator("dd[data-field=AccountId] a")).to_have_text("Maison Dupont")
    closed = page.locator("dd[data-field=IsClosed] .checkbox")
    expect(closed).to_have_text("☐")
    expect(closed).to_have_attribute("data-checked", "false")
    snapshot(page, "sf-record-case-labels")
    page.locator("dd[data-field=AccountId] a").click()
    expect(page.locator("dd[data-field=AnnualRevenue]")).to_have_text("1\u202f234\u202f567\u00a0$")
    expect(page.locator("dd[data-field=OwnerId]")).to_have_text("Integration")


def test_korean_names_render_with_a_cjk_font(sf_org_factory, new_page):
    """Hangul draws as glyphs, not as the empty boxes of a missing font (make installs fonts-noto-cjk)."""
    running = _org(sf_org_factory)
    contact = running.client().Contact.create({"FirstName": "민지", "LastName": "김"})["id"]
    page = new_page()
    login(page, running, "seoul@org.example", f"/lightning/r/Contact/{contact}/view")
    expect(page.locator("h1[data-record-id]")).to_have_text("민지 김")
    # The same canvas draws a Hangul syllable and a code point no font has: a missing CJK font draws both
    # as the same box.
    same = page.evaluate(
        r"""() => {
            const draw = (text) => {
                const canvas = document.createElement("canvas");
                canvas.width = 64; canvas.height = 64;
                const context = canvas.getContext("2d");
                context.font = "40px " + getComputedStyle(document.body).fontFamily;
                context.fillText(text, 8, 48);
                return Array.from(context.getImageData(0, 0, 64, 64).data).join(",");
            };
            return draw("김") === draw("\u{10FFFD}");
        }"""
    )
    assert not same, "Hangul renders as missing glyphs: install fonts-noto-cjk (make browser does)"
    snapshot(page, "sf-record-korean")


def test_a_wrong_password_stays_on_the_login_form(sf_org_factory, new_page):
    running = _org(sf_org_factory)
    page = new_page()
    page.goto(f"{running.instance_url}/lightning/page/home")
    page.fill("input[name=username]", "paris@org.example")
    page.fill("input[name=password]", "nope")
    page.click("button[type=submit]")
    expect(page.get_by_role("alert")).to_contain_text("check your username and password")
