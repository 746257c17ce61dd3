"""The dashboard's way to the stories: a Stories link and section listing those playable on the running topology
(a click opens one), the `make demo STORY=…` line of the others; and simulate's printout names the /demo/ page."""

from __future__ import annotations

import requests
from playwright.sync_api import expect

from alcsim.simulators.demo import stories
from alcsim.simulators.topology.dashboard import start_dashboard
from alcsim.simulators.topology.simulate import urls

expect.set_options(timeout=10_000)


def test_the_dashboard_lists_the_stories_of_its_topology_and_the_make_line_of_the_others(
    topology_factory, new_page
):
    rt = topology_factory("one-to-one")
    dashboard = start_dashboard(rt)
    try:
        here = [s for s in stories.CATALOG if s.topology == "one-to-one"]
        elsewhere = [s for s in stories.CATALOG if s.topology != "one-to-one"]
        assert here and elsewhere
        page = new_page()
        page.goto(dashboard.login_url)
        playable = page.get_by_role("list", name="Stories on this topology")
        expect(playable.get_by_role("listitem")).to_have_count(len(here))
        for story in here:
            expect(playable.get_by_role("link", name=story.title)).to_have_attribute(
                "href", f"/demo/{story.name}"
            )
        others = page.get_by_role("list", name="Stories on other topologies")
        expect(others.get_by_role("listitem")).to_have_count(len(elsewhere))
        for story in elsewhere:
            expect(others.locator(f"[data-story='{story.name}']")).to_contain_text(
                f"make demo STORY={story.name}"
            )
        expect(page.locator("header").get_by_role("link", name="Stories")).to_have_attribute("href", "/demo/")

        playable.get_by_role(
            "link", name=here[0].title
        ).click()  # the story page, with the dashboard's cookie
        expect(page.get_by_role("heading", level=1)).to_contain_text(here[0].title)
        expect(page.get_by_role("button", name="Next")).to_be_enabled()
    finally:
        dashboard.stop()


def test_simulates_printout_gives_the_story_pickers_link(topology_factory):
    rt = topology_factory("one-to-one")
    dashboard = start_dashboard(rt)
    try:
        (line,) = [line for line in urls(rt, dashboard.url, rt.admin_token) if line.startswith("stories: ")]
        link = line.split()[1]
        assert link == f"{dashboard.url}/login?token={rt.admin_token}&next=%2Fdemo%2F"
        picker = requests.get(link, timeout=10)  # the login sets the cookie and lands on the picker
        assert picker.status_code == 200 and picker.url == f"{dashboard.url}/demo/"
        assert "make demo STORY=org-to-org-transfer" in picker.text and "make demo STORY=<name>" in line
    finally:
        dashboard.stop()
