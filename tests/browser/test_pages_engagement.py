"""Engagement from the widget on a Case in a real browser: template, variables, consent, send, switch."""

from __future__ import annotations

from playwright.sync_api import expect
from test_pages_support import (
    ENV,
    ORG,
    login,
    pages_topology_fixture,  # noqa: F401  (the pages_topology fixture)
    set_user,
    snapshot,
    write,
)

expect.set_options(timeout=10_000)
ACCOUNT = "Brand KakaoTalk"


def _template(rt) -> int:
    handle = rt.env(ENV)
    seeded = handle.session.post(
        f"{handle.url}/_sim/seed",
        json={
            "templates": [
                {
                    "channel": "kakaotalk",
                    "name": "order_shipped",
                    "category": "alimtalk",
                    "language": "en",
                    "body": "Hello {{name}}, your order {{order}} has shipped.",
                    "account_id": rt.account_id(ENV, ACCOUNT),
                }
            ]
        },
    )
    seeded.raise_for_status()
    return seeded.json()["templates"][0]["id"]


def _engagement(rt, phone: str, template_id: int) -> tuple[str, str]:
    client = rt.org(ORG).client()
    case = client.Case.create({"Subject": "Your order", "Origin": "KakaoTalk"})["id"]
    engagement = client.alcmeon__Engagement__c.create(
        {
            "alcmeon__Case__c": case,
            "alcmeon__Sender_Id__c": str(rt.account_id(ENV, ACCOUNT)),
            "alcmeon__Recipient_Id__c": phone,
            "alcmeon__Channel__c": "KakaoTalk",
            "alcmeon__Template_Id__c": str(template_id),
        }
    )["id"]
    return case, engagement


def test_an_engagement_is_sent_then_the_widget_switches_to_the_conversation(pages_topology, new_page):
    """ENG-03 (consent shown), ENG-04 (send from the Case, sending details), ENG-05 (switch on the answer)."""
    rt = pages_topology
    phone = "821012345678"
    set_user(rt, "agent", permission_set="Alcmeon_Agent")
    case, engagement = _engagement(rt, phone, _template(rt))
    page = new_page()
    login(page, rt, "agent", f"/lightning/r/Case/{case}/view")
    widget = page.frame_locator("iframe.widget")
    card = widget.locator(f"[data-engagement='{engagement}']")
    expect(card.locator("[data-consent]")).to_have_attribute("data-consent", "no")
    expect(card.locator(".template")).to_have_text("Hello {{name}}, your order {{order}} has shipped.")
    expect(card.get_by_role("button", name="Send engagement")).to_have_count(0)  # ENG-03

    consented = rt.env(ENV).ext(
        "POST",
        "/customers/consent",
        json={"account_id": rt.account_id(ENV, ACCOUNT), "user_id": phone, "given": True},
    )
    consented.raise_for_status()
    page.reload()
    card = page.frame_locator("iframe.widget").locator(f"[data-engagement='{engagement}']")
    expect(card.locator("[data-consent]")).to_have_attribute("data-consent", "yes")
    card.get_by_label("name").fill("Jin")
    card.get_by_label("order").fill("A-42")
    card.get_by_role("button", name="Send engagement").click()
    widget = page.frame_locator("iframe.widget")
    expect(widget.get_by_role("status")).to_contain_text("Engagement sent")
    expect(widget.locator(f"[data-engagement='{engagement}'] [data-status]")).to_have_attribute(
        "data-status", "Sent"
    )
    expect(widget.locator("[data-waiting]")).to_be_visible()
    snapshot(page, "pages-widget-engagement-sent")
    row = rt.org(ORG).client().alcmeon__Engagement__c.get(engagement)
    assert row["alcmeon__Status__c"] == "Sent"
    assert row["alcmeon__Message_Content__c"] == "Hello Jin, your order A-42 has shipped."

    write(rt, ACCOUNT, phone, "Thanks! When will it arrive?", name="Jin Park")
    expect(widget.locator("body")).to_have_attribute(
        "data-mode", "conversation"
    )  # the page polled and reloaded
    expect(widget.locator("h1")).to_have_text("Conversation with Jin Park")
    expect(widget.frame_locator("iframe.embed").locator("[data-direction=in]")).to_contain_text(
        "When will it arrive?"
    )
    records = (
        rt.org(ORG)
        .client()
        .query(f"SELECT Id FROM alcmeon__Conversation__c WHERE alcmeon__Case__c = '{case}'")["records"]
    )
    assert len(records) == 1
    assert (
        rt.org(ORG).client().alcmeon__Engagement__c.get(engagement)["alcmeon__Conversation__c"]
        == records[0]["Id"]
    )
