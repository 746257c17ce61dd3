"""The widget on Salesforce record pages in a real browser: reply, close, language and time zone."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from test_pages_support import (
    ORG,
    conversation,
    conversation_actions,
    login,
    pages_topology_fixture,  # noqa: F401  (the pages_topology fixture)
    set_user,
    synced,
)

from alcsim.simulators.topology.launch import wait_until

expect.set_options(timeout=10_000)


def _case_with_conversation(rt, phone: str, name: str) -> tuple[dict, str]:
    message, record = synced(rt, "Brand WhatsApp", phone, "My parcel is late", name=name)
    client = rt.org(ORG).client()
    case = client.Case.create({"Subject": f"Parcel of {name}"})["id"]
    client.alcmeon__Conversation__c.update(record["Id"], {"alcmeon__Case__c": case})
    return message, case


def test_a_reply_from_the_widget_on_a_case_arrives_in_alcmeon(pages_topology, new_page):
    """WIDGET-02, WIDGET-04, WIDGET-05: answer from the Case, then answer and close in one step."""
    rt = pages_topology
    set_user(rt, "agent", permission_set="Alcmeon_Agent")
    message, case = _case_with_conversation(rt, "33611112222", "Lea Roux")
    page = new_page()
    login(page, rt, "agent", f"/lightning/r/Case/{case}/view")
    widget = page.frame_locator("iframe.widget")
    expect(widget.locator("h1")).to_have_text("Conversation with Lea Roux")
    expect(widget.frame_locator("iframe.embed").locator("[data-direction=in]").first).to_contain_text(
        "My parcel is late"
    )
    widget.locator("textarea[name=text]").fill("We are on it, Lea.")
    widget.get_by_role("button", name="Send").click()
    widget.get_by_role("button", name="Yes, keep it open").click()
    expect(widget.get_by_role("status")).to_have_text("Your reply is on its way.")

    def answered():
        return [a for a in conversation_actions(rt, message["conversation_id"]) if a["type"] == "answer"]

    answers = wait_until(answered, 10, what="the answer in Alcméon")
    assert answers[0]["data"]["answers"][0]["content"] == "We are on it, Lea."
    assert answers[0]["user"]["email"] == "agent@main.alcsim.example"  # WIDGET-04: the user's own agent
    expect(widget.frame_locator("iframe.embed").locator("[data-direction=out]")).to_contain_text(
        "We are on it, Lea."
    )

    widget.locator("textarea[name=text]").fill("Delivered today. Goodbye!")
    widget.get_by_role("button", name="Send").click()
    widget.get_by_role("button", name="No, send and close").click()
    expect(widget.get_by_role("status")).to_have_text("Reply sent and conversation closed.")
    expect(widget.locator("[data-status]")).to_have_attribute("data-status", "closed")
    assert conversation(rt, message["conversation_id"])["status"] == "closed"
    contents = [a["data"]["answers"][0]["content"] for a in answered()]
    assert contents == ["We are on it, Lea.", "Delivered today. Goodbye!"]


def test_two_users_see_the_widget_in_their_own_language_and_time_zone(pages_topology, new_page):
    """WIDGET-03: French in Tokyo and English in New York on one Case; others fall back to English."""
    rt = pages_topology
    set_user(rt, "integration", LanguageLocaleKey="fr", LocaleSidKey="fr_FR", TimeZoneSidKey="Asia/Tokyo")
    set_user(rt, "agent", LanguageLocaleKey="en_US", TimeZoneSidKey="America/New_York")
    _, case = _case_with_conversation(rt, "33633334444", "Hugo Petit")
    seen = {}
    for role, heading, zone, suffix, note in (
        ("integration", "Conversation avec Hugo Petit", "Heures en Asia/Tokyo", "JST", "Vous pouvez lire"),
        (
            "agent",
            "Conversation with Hugo Petit",
            "Times in America/New_York",
            ("EST", "EDT"),
            "You may read",
        ),
    ):
        page = new_page()
        login(page, rt, role, f"/lightning/r/Case/{case}/view")
        widget = page.frame_locator("iframe.widget")
        expect(widget.locator("h1")).to_have_text(heading)
        expect(widget.locator("[data-zone]")).to_have_text(zone)
        expect(widget.locator(".note")).to_contain_text(note)  # neither user holds an Alcméon permission set
        embed = widget.frame_locator("iframe.embed")
        expect(embed.locator("[data-direction=in] time")).to_have_text(re.compile(r"\S"))
        stamp = embed.locator("[data-direction=in] time").inner_text()
        assert stamp.endswith(suffix), stamp
        seen[role] = stamp
    assert seen["integration"] != seen["agent"]
    set_user(rt, "agent", LanguageLocaleKey="ko")  # no Korean catalog: English
    page = new_page()
    login(page, rt, "agent", f"/lightning/r/Case/{case}/view")
    expect(page.frame_locator("iframe.widget").locator("h1")).to_have_text("Conversation with Hugo Petit")


def test_a_widget_url_without_a_valid_signature_is_refused(pages_topology, new_page):
    """The widget trusts only what the org signed: a tampered user id gets the error page."""
    rt = pages_topology
    _, case = _case_with_conversation(rt, "33655550000", "Noe Garnier")
    page = new_page()
    login(page, rt, "agent", f"/lightning/r/Case/{case}/view")
    src = page.locator("iframe.widget").get_attribute("src")
    expect(page.frame_locator("iframe.widget").locator("h1")).to_have_text("Conversation with Noe Garnier")
    integration = set_user(rt, "integration")
    tampered = re.sub(r"user_id=[^&]+", f"user_id={integration}", src)
    answer = page.goto(tampered)
    assert answer.status == 401
    expect(page.get_by_role("alert")).to_have_attribute("data-error", "bad-signature")


def test_the_widget_on_the_conversation_record_page(pages_topology, new_page):
    """WIDGET-01: the same widget on the alcmeon__Conversation__c record page."""
    rt = pages_topology
    set_user(rt, "agent", permission_set="Alcmeon_Admin")
    message, record = synced(rt, "Brand Facebook page", "fb-4242", "Bonjour !", name="Zoe Martin")
    page = new_page()
    login(page, rt, "agent", f"/lightning/r/alcmeon__Conversation__c/{record['Id']}/view")
    widget = page.frame_locator("iframe.widget")
    expect(widget.locator("h1")).to_have_text("Conversation with Zoe Martin")
    expect(widget.frame_locator("iframe.embed").locator("body")).to_have_attribute(
        "data-permission", "read-answer-moderate"
    )  # WIDGET-04: rights from the Alcmeon_Admin permission set
    widget.locator("textarea[name=text]").fill("Bonjour Zoé")
    widget.get_by_role("button", name="Send").click()
    widget.get_by_role("button", name="Yes, keep it open").click()
    expect(widget.frame_locator("iframe.embed").locator("[data-direction=out]")).to_contain_text(
        "Bonjour Zoé"
    )
    answers = [a for a in conversation_actions(rt, message["conversation_id"]) if a["type"] == "answer"]
    assert [a["data"]["answers"][0]["content"] for a in answers] == ["Bonjour Zoé"]
