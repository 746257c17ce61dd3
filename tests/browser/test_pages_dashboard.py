"""The demo dashboard in a real browser: the topology drawn, counters and events moving with traffic, and the
controls: a customer writes from the dashboard, the printed agent answers from the widget."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from test_pages_support import ENV, ORG, pages_topology_fixture, route, write  # noqa: F401

from alcsim.simulators.common.waiting import wait_until
from alcsim.simulators.topology.controls import Controls
from alcsim.simulators.topology.dashboard import start_dashboard
from alcsim.simulators.topology.observe import Observed
from alcsim.simulators.topology.printout import org_people
from alcsim.simulators.topology.simulate import Simulation

expect.set_options(timeout=10_000)


def test_the_dashboard_draws_the_topology_and_updates_while_traffic_runs(pages_topology, new_page):
    rt = pages_topology
    dashboard = start_dashboard(rt)
    try:
        page = new_page()
        page.goto(dashboard.login_url)
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
        first = page.locator("#events [data-event=task-create]").last
        expect(first).to_contain_text("Customer 0 wrote on WhatsApp to Brand WhatsApp (conversation 1)")
        expect(first.get_by_role("link", name="open conversation 1")).to_have_attribute(
            "href", f"{rt.env(ENV).url}/inbox/conversations/1"
        )
        expect(page.locator("#events [data-event=tag]").first).to_contain_text(
            "went to team Salesforce agents"
        )
        expect(page.locator("#events [data-event=record]")).to_have_count(3)
        expect(page.locator("#events [data-event=record]").last).to_contain_text(
            f"The connector created Conversation C-0000001 in org {ORG} for WhatsApp conversation 1"
        )
        expect(page.locator("td[data-counter='connector.done']")).to_have_text(re.compile(r"[1-9]"))

        org_tab = page.context.new_page()  # the dashboard's cookie: one click into the org
        org_tab.goto(f"{dashboard.url}/enter/{ORG}")
        # As the first user who may answer (WIDGET-04): in a bare topology, the French agent; simulate
        # grants Sam Agent the Alcméon Agent permission set (test_the_printed_agent_answers...).
        expect(org_tab.locator(".who")).to_contain_text("Camille Martin")
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
        expect(page.get_by_role("alert")).to_contain_text("the link `alcsim simulate` printed")
        page.goto(dashboard.login_url)
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


def test_a_customer_writes_from_the_dashboard_and_the_printed_agent_answers_from_the_widget(
    topology_factory, new_page
):
    """Issue 14's demo: a quiet topology (rate 0), a message from the controls reaches the org's queue, and
    the agent printed first (the dashboard's "as agent") answers it from the widget on the record."""
    rt = topology_factory("one-to-one")
    simulation = Simulation(rt, 1, Observed(), rate=0)
    simulation.seed_all()
    dashboard = start_dashboard(rt, controls=Controls(rt, simulation))
    try:
        first = org_people(rt, ORG)[0]
        assert first.username == f"agent@{ORG}.alcsim.example" and first.may_answer
        page = new_page()
        page.goto(dashboard.login_url)
        expect(page.locator("#traffic-state")).to_have_text("paused")
        form = page.get_by_role("form", name="A customer writes")
        form.get_by_label("Environment").select_option(ENV)
        form.get_by_label("Account").select_option("Brand WhatsApp")
        form.get_by_label("Intent").select_option("late_delivery")
        form.get_by_role("button", name="The customer writes").click()
        said = page.get_by_role("status")
        expect(said).to_contain_text("A customer wrote on WhatsApp to Brand WhatsApp (conversation 1)")
        expect(said).to_contain_text("queue Social_Queue of org main")
        queue = rt.org(ORG).client().query("SELECT Id FROM Group WHERE DeveloperName = 'Social_Queue'")
        queue_id = queue["records"][0]["Id"]
        # The message is written, then routed to the team: the record may first be created before the
        # routing reaches it, and is then handed to the queue (UPD-02); the end state is the queue's.
        scoped = rt.env(ENV).ext("GET", "/conversations").json()[0]["scoped_id"]
        record = rt.wait_for_record(ORG, scoped, check=lambda r: r["OwnerId"] == queue_id)
        assert record["OwnerId"] == queue_id  # the right org's queue
        created = page.locator("#events [data-event=record]")
        expect(created).to_contain_text("The connector created Conversation C-0000001 in org main")

        with page.context.expect_page() as opened:
            created.get_by_role("link", name="open C-0000001").click()  # as the first agent, on the record
        org_page = opened.value
        expect(org_page.locator(".who")).to_contain_text("Sam Agent")
        widget = org_page.frame_locator("iframe.widget")
        widget.locator("textarea[name=text]").fill("Your parcel leaves today.")
        widget.get_by_role("button", name="Send").click()
        widget.get_by_role("button", name="Yes, keep it open").click()
        expect(widget.get_by_role("status")).to_have_text("Your reply is on its way.")
        answers = wait_until(
            lambda: [
                a
                for t in rt.env(ENV).session.get(f"{rt.env(ENV).url}/actions/conversations/1").json()
                for a in t["actions"]
                if a["type"] == "answer"
            ],
            10,
            what="the answer in Alcméon",
        )
        assert answers[0]["user"]["email"] == f"agent@{ORG}.alcsim.example"
        expect(page.locator("#events [data-event=answer]")).to_contain_text(
            "Agent Sam Agent answered from Salesforce on WhatsApp (conversation 1)"
        )
        page.get_by_role("button", name="Resume").click()
        expect(page.locator("#traffic-state")).to_have_text("running, 5 events/s")
        page.get_by_role("button", name="Pause").click()
        expect(page.locator("#traffic-state")).to_have_text("paused")
    finally:
        simulation.stop.set()
        dashboard.stop()
