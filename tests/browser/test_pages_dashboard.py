"""The demo dashboard in a real browser: the topology drawn, and counters and events moving with traffic."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from test_pages_support import ENV, ORG, pages_topology_fixture, route, write  # noqa: F401

from alcsim.simulators.topology.dashboard import start_dashboard

expect.set_options(timeout=10_000)


def test_the_dashboard_draws_the_topology_and_updates_while_traffic_runs(pages_topology, new_page):
    rt = pages_topology
    dashboard = start_dashboard(rt)
    try:
        page = new_page()
        page.goto(dashboard.url)
        drawing = page.get_by_role("img", name="Topology one-to-one")
        expect(drawing.locator(f"[data-box='env:{ENV}']")).to_contain_text("Salesforce agents → Social_Queue")
        expect(drawing.locator(f"[data-box='org:{ORG}']")).to_contain_text("Social Queue")
        expect(drawing.locator("path.mapping")).to_have_count(1)
        expect(drawing.locator("path.link")).to_have_count(3)  # WhatsApp, Facebook, KakaoTalk; not X
        messages = page.locator(f"td[data-counter='env.{ENV}.messages']")
        expect(messages).to_have_text("0")

        for n in range(3):
            sent = write(rt, "Brand WhatsApp", f"3361000000{n}", f"Message {n}", name=f"Customer {n}")
            route(rt, sent["task_id"], "Salesforce agents")
            expect(messages).to_have_text(str(n + 1))  # counted while the traffic runs
        expect(page.locator(f"td[data-counter='env.{ENV}.conversations']")).to_have_text("3")
        expect(page.locator(f"td[data-counter='org.{ORG}.records']")).to_have_text("3")
        expect(page.locator("#events [data-event=task-create]")).to_have_count(3)
        expect(page.locator("#events [data-event=tag]").first).to_contain_text("Brand WhatsApp")
        expect(page.locator("td[data-counter='connector.done']")).to_have_text(re.compile(r"[1-9]"))

        org_tab = new_page()
        org_tab.goto(f"{dashboard.url}/enter/{ORG}")  # one click into the org as its agent
        expect(org_tab.locator(".who")).to_contain_text("Sam Agent")
        expect(org_tab.get_by_role("link", name=re.compile("C-"))).to_have_count(3)
    finally:
        dashboard.stop()


def test_the_dashboard_draws_several_environments_and_orgs(topology_factory, new_page):
    """TOPO-04 drawn: each mapped team joins its queue in its org; each linked account joins its org."""
    rt = topology_factory("many-to-many")
    dashboard = start_dashboard(rt)
    try:
        page = new_page()
        page.goto(dashboard.url)
        drawing = page.get_by_role("img", name="Topology many-to-many")
        for box in ("env:eu", "env:apac", "org:service", "org:sales", "connector"):
            expect(drawing.locator(f"[data-box='{box}']")).to_be_visible()
        expect(drawing.locator("path.mapping")).to_have_count(3)
        expect(drawing.locator("path.link")).to_have_count(3)
        expect(drawing.locator("[data-box='org:service']")).to_contain_text("APAC Service")
        expect(page.locator("td[data-counter='org.sales.records']")).to_have_text("0")
        expect(page.locator("#problems")).to_have_text("")
    finally:
        dashboard.stop()
