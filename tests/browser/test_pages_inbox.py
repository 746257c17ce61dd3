"""The Alcméon inbox in a real browser: team inbox, conversation view, Salesforce cloud, 360 view, the
agent's time zone, one row per conversation and paging."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import expect
from test_pages_support import (
    ENV,
    ORG,
    login,
    pages_topology_fixture,  # noqa: F401  (the pages_topology fixture)
    snapshot,
    synced,
    write,
)

from alcsim.simulators.common.clock import Clock

expect.set_options(timeout=10_000)


def _sign_in(page, rt, target: str) -> None:
    page.goto(f"{rt.env(ENV).url}{target}")
    page.get_by_label("Agent").select_option(label=f"{ENV} agent (agent@{ENV}.alcsim.example)")
    page.get_by_role("button", name="Sign in").click()


def test_a_match_from_the_alcmeon_cloud_turns_it_blue_and_shows_on_the_salesforce_record(
    pages_topology, new_page
):
    """MATCH-03 (grey cloud, search), MATCH-04 (bind: blue, profile fields), V360-01 (Tasks and Events),
    MATCH-02 from Alcméon (the org's record gets the Contact)."""
    rt = pages_topology
    message, record = synced(rt, "Brand WhatsApp", "33612345678", "Hola, ¿mi pedido?", name="Ana Lopez")
    client = rt.org(ORG).client()
    contact = client.Contact.create(
        {
            "FirstName": "Ana",
            "LastName": "Lopez",
            "MobilePhone": "+33 6 12 34 56 78",
            "Email": "ana@example.com",
            "MailingCity": "Lyon",
        }
    )["id"]
    client.Contact.create({"LastName": "Other", "MobilePhone": "+33 6 99 99 99 99"})
    client.Task.create({"WhoId": contact, "Subject": "Call back about the refund", "Status": "Not Started"})
    client.Event.create(
        {
            "WhoId": contact,
            "Subject": "Store visit",
            "StartDateTime": "2026-12-01T09:00:00.000+0000",
            "EndDateTime": "2026-12-01T10:00:00.000+0000",
            "Location": "Lyon",
        }
    )

    page = new_page()
    _sign_in(page, rt, f"/inbox/teams/{rt.team_id(ENV, 'Salesforce agents')}")
    expect(page.locator("[data-team-inbox]")).to_have_text("Salesforce agents")
    snapshot(page, "pages-alcmeon-team-inbox")
    page.get_by_role("link", name="Ana Lopez").click()
    expect(page.locator("[data-direction=in]")).to_contain_text("¿mi pedido?")
    expect(page.locator("[data-cloud]")).to_have_attribute("data-cloud", "grey")
    page.get_by_role("button", name="Search").click()  # the default term: the user's phone id
    candidates = page.locator("[data-candidates] [data-candidate]")
    expect(candidates).to_have_count(1)
    expect(candidates.first).to_contain_text("ana@example.com")
    snapshot(page, "pages-alcmeon-cloud-grey-candidates")
    candidates.first.get_by_role("button", name="Bind").click()
    expect(page.locator("[data-cloud]")).to_have_attribute("data-cloud", "blue")
    expect(page.locator("[data-contact-id]")).to_have_text(contact)
    expect(page.locator("[data-sf-field=Name]")).to_have_text("Ana Lopez")
    expect(page.locator("[data-sf-field=MailingCity]")).to_have_text("Lyon")
    expect(page.locator("[data-tasks]")).to_contain_text("Call back about the refund")
    expect(page.locator("[data-events]")).to_contain_text("Store visit")

    rt.wait_for_record(
        ORG, message["scoped_id"], lambda r: (r["alcmeon__Contact__c"] or "")[:15] == contact[:15]
    )
    org_page = new_page()
    login(org_page, rt, "agent", f"/lightning/r/alcmeon__Conversation__c/{record['Id']}/view")
    expect(org_page.locator("dd[data-field=alcmeon__Contact__c] a")).to_have_text("Ana Lopez")


def test_an_agent_creates_the_contact_from_the_alcmeon_cloud(pages_topology, new_page):
    """MATCH-05: no Contact fits; the agent creates one from Alcméon and the user is linked to it; V360-01
    for a matched user without activities shows none."""
    rt = pages_topology
    message, record = synced(rt, "Brand WhatsApp", "33677778888", "Hello?", name="Tom Blanc")
    page = new_page()
    _sign_in(page, rt, f"/inbox/conversations/{message['conversation_id']}")
    page.locator("input[name=q]").fill("tom@example.com")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No Contact fits.")).to_be_visible()
    page.get_by_label("FirstName").fill("Tom")
    page.get_by_label("LastName").fill("Blanc")
    page.get_by_label("Email").fill("tom@example.com")
    page.get_by_role("button", name="Create and bind").click()
    expect(page.locator("[data-cloud]")).to_have_attribute("data-cloud", "blue")
    expect(page.locator("[data-sf-field=Email]")).to_have_text("tom@example.com")
    expect(page.locator("[data-tasks]")).to_have_text("None")
    found = (
        rt.org(ORG)
        .client()
        .query("SELECT Id, Name, MobilePhone FROM Contact WHERE Email = 'tom@example.com'")
    )
    assert found["totalSize"] == 1 and found["records"][0]["MobilePhone"] == "+33677778888"
    contact = found["records"][0]["Id"]
    expect(page.locator("[data-contact-id]")).to_have_text(contact)
    rt.wait_for_record(
        ORG, message["scoped_id"], lambda r: (r["alcmeon__Contact__c"] or "")[:15] == contact[:15]
    )


def test_a_reply_and_a_close_from_the_alcmeon_inbox(pages_topology, new_page):
    """The conversation view: an agent replies, then replies and closes; Alcméon's actions record both."""
    rt = pages_topology
    message = write(rt, "Brand Facebook page", "fb-100200", "Is the shop open on Sunday?", name="Eva Kern")
    page = new_page()
    _sign_in(page, rt, f"/inbox/conversations/{message['conversation_id']}")
    expect(page.locator("[data-cloud]")).to_have_attribute("data-cloud", "grey")
    page.get_by_label("Reply").fill("Yes, from 10 to 18.")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Reply sent.")
    expect(page.locator("[data-direction=out]")).to_contain_text("Yes, from 10 to 18.")
    page.get_by_label("Reply").fill("Have a nice weekend!")
    page.get_by_role("button", name="Reply and close").click()
    expect(page.locator("h1 [data-status]")).to_have_attribute("data-status", "closed")
    view = rt.env(ENV).ext("GET", f"/conversations/{message['conversation_id']}").json()
    assert view["status"] == "closed"
    page.get_by_role("link", name="All conversations").click()
    row = page.locator(f"tr[data-conversation='{message['conversation_id']}']")
    expect(row).to_contain_text("Eva Kern")
    expect(row.locator(".badge").last).to_have_text("closed")


# -- A lone environment: the agent's time zone, one row per conversation, paging ---------------------------
NOON = datetime(2026, 12, 2, 13, 5, tzinfo=UTC)  # 14:05 in Paris, 22:05 in Seoul
AGENTS = [
    {"email": "minji@brand.example", "name": "Minji Kim", "teams": ["Support"], "timezone": "Asia/Seoul"},
    {"email": "camille@brand.example", "name": "Camille Martin", "teams": ["Support"]},  # the default zone
]


def _environment(alcmeon_env_factory):
    config = {
        "teams": ["Support"],
        "agents": AGENTS,
        "social_accounts": [
            {"name": "Brand WhatsApp", "type": "whatsapp", "team": "Support"},
            {"name": "Brand KakaoTalk", "type": "kakaotalk", "team": "Support"},
        ],
    }
    return alcmeon_env_factory(config, clock=Clock(NOON, frozen=True))


def _agent_signs_in(page, handle, agent: dict, target: str) -> None:
    page.goto(f"{handle.url}{target}")
    page.get_by_label("Agent").select_option(label=f"{agent['name']} ({agent['email']})")
    page.get_by_role("button", name="Sign in").click()


def _support(handle) -> int:
    return handle.env.store.value("SELECT id FROM teams WHERE name = 'Support'")


def test_the_inbox_shows_times_in_the_agents_time_zone(alcmeon_env_factory, new_page):
    handle = _environment(alcmeon_env_factory)
    message = handle.customer_writes(
        handle.account_id("kakaotalk"), "821012345678", "배송은 언제 되나요?", name="김민지"
    )
    for agent, shown in ((AGENTS[0], "2026-12-02 22:05 KST"), (AGENTS[1], "2026-12-02 14:05 CET")):
        page = new_page()
        _agent_signs_in(page, handle, agent, f"/inbox/teams/{_support(handle)}")
        expect(page.locator("[data-agent-zone]")).to_have_text(agent.get("timezone", "Europe/Paris"))
        row = page.locator(f"tr[data-conversation='{message['conversation_id']}']")
        expect(row.locator("[data-when]")).to_have_text(shown)
        expect(row.locator("[data-channel]")).to_have_text("KakaoTalk")
        row.get_by_role("link", name="김민지").click()
        expect(page.locator("[data-direction=in] [data-when]")).to_have_text(shown)
        page.get_by_role("link", name="All conversations").click()
        expect(
            page.locator(f"tr[data-conversation='{message['conversation_id']}'] [data-when]")
        ).to_have_text(shown)
    snapshot(page, "pages-alcmeon-inbox-paris-time")


def test_a_team_inbox_lists_each_conversation_once(alcmeon_env_factory, new_page):
    """A customer who writes three times before an answer has three open tasks and one row."""
    handle = _environment(alcmeon_env_factory)
    account = handle.account_id("whatsapp")
    for text in ("Bonjour", "Ma commande n'est pas arrivée", "Vous êtes là ?"):
        first = handle.customer_writes(account, "33612345678", text, name="Léa Roux")
    handle.customer_writes(account, "33698765432", "Merci !", name="Hugo Petit")
    open_tasks = handle.env.store.value(
        "SELECT COUNT(*) FROM tasks WHERE conversation_id = ? AND state NOT IN ('archived', 'archived-auto')",
        first["conversation_id"],
    )
    assert open_tasks == 3
    page = new_page()
    _agent_signs_in(page, handle, AGENTS[1], f"/inbox/teams/{_support(handle)}")
    rows = page.locator("tr[data-conversation]")
    expect(rows).to_have_count(2)
    expect(page.locator(f"tr[data-conversation='{first['conversation_id']}']")).to_contain_text(
        "Vous êtes là ?"
    )
    expect(page.locator("nav.teams [data-team=Support] .count")).to_have_text("2")
    expect(page.locator("[data-channel]").first).to_have_text("WhatsApp")
    snapshot(page, "pages-alcmeon-team-inbox-once")


def test_the_team_inbox_and_all_conversations_page_25_at_a_time(alcmeon_env_factory, new_page):
    handle = _environment(alcmeon_env_factory)
    account = handle.account_id("whatsapp")
    for n in range(60):
        handle.customer_writes(account, f"3361000{n:04d}", f"Message {n}", name=f"Client {n}")
    page = new_page()
    _agent_signs_in(page, handle, AGENTS[1], "/inbox/conversations")
    for target in ("/inbox/conversations", f"/inbox/teams/{_support(handle)}"):
        page.goto(f"{handle.url}{target}")
        seen: list[str] = []
        for expected in ("1–25 of 60", "26–50 of 60", "51–60 of 60"):
            expect(page.locator("[data-range]")).to_have_text(expected)
            seen += [
                r.get_attribute("data-conversation") for r in page.locator("tr[data-conversation]").all()
            ]
            if expected != "51–60 of 60":
                page.get_by_role("link", name="Next").click()
        assert len(seen) == len(set(seen)) == 60, target
        expect(page.get_by_role("link", name="Next")).to_have_count(0)
        page.get_by_role("link", name="Previous").click()
        expect(page.locator("[data-range]")).to_have_text("26–50 of 60")
    snapshot(page, "pages-alcmeon-team-inbox-page-2")
