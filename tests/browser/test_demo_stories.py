"""Every demo story played end to end in chromium through the dashboard's story page, each step checked.

Next is clicked for each step; the step must turn green (its check passed on the running topology), and
its link must open the page it names, signed in as the user it names. Screenshots of the story page after
each step, and of the linked page, are kept in reports/screenshots/<story>/<step>.png and <step>-page.png.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from conftest import SCREENSHOTS
from playwright.sync_api import expect

from alcsim.simulators.demo import checks
from alcsim.simulators.demo.blueprint import stage_for
from alcsim.simulators.demo.model import Step, Story
from alcsim.simulators.demo.stories import CATALOG
from alcsim.simulators.topology.dashboard import start_dashboard

STEP_TIMEOUT_MS = 30_000  # a step's check may take up to runner.TIMEOUT (20 s) before it turns red


def story_page(browser, rt, dashboard, name: str):
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{dashboard.url}/login?{urlencode({'token': rt.admin_token, 'next': f'/demo/{name}'})}")
    return context, page


@pytest.mark.parametrize("story", CATALOG, ids=[s.name for s in CATALOG])
def test_story_plays_in_the_browser_and_every_step_is_green(story: Story, topology_factory, browser):
    rt = topology_factory(story.topology)
    dashboard = start_dashboard(rt)
    folder = SCREENSHOTS / story.name
    folder.mkdir(parents=True, exist_ok=True)
    context, page = story_page(browser, rt, dashboard, story.name)
    try:
        expect(page.locator("header h1")).to_have_text(story.title)
        steps = page.locator("li.step")
        expect(steps).to_have_count(len(story.steps))
        next_button = page.locator("button#next")
        viewer = context.new_page()  # a second tab, where each step's link opens
        for step in story.steps:
            item = page.locator(f"li.step[data-step='{step.name}']")
            expect(item).to_have_attribute("data-status", "pending")
            expect(next_button).to_be_enabled()
            # The story page in front again, as for a person pressing Next: chromium throttles a tab in
            # the background (its animation frames, which a click and a screenshot wait on, and its timers,
            # which refresh the steps), which cost seconds a step.
            page.bring_to_front()
            next_button.click()
            expect(item).not_to_have_attribute(
                "data-status", re.compile("pending|running"), timeout=STEP_TIMEOUT_MS
            )
            reason = item.locator(".reason").inner_text()
            assert item.get_attribute("data-status") == "passed", f"{story.name}/{step.name}: {reason}"
            expect(item.locator(".badge")).to_have_text("done ✓")
            page.screenshot(path=str(folder / f"{step.name}.png"), full_page=True)
            check_link(rt, dashboard, viewer, item, folder / f"{step.name}-page.png")
        expect(page.locator("body")).to_have_attribute("data-done", "yes")
        expect(page.locator("#progress")).to_contain_text(
            f"{len(story.steps)} of {len(story.steps)} steps played"
        )
        expect(next_button).to_be_disabled()
    finally:
        context.close()
        dashboard.stop()


def check_link(rt, dashboard, opened, item, screenshot) -> None:
    """The step's link opens its page (not a sign-in form, not an error) as the user it names."""
    link = item.locator(".where a")
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    kind, part = urlsplit(href).path.split("/")[3:5]  # /demo/enter/<org|inbox>/<name>
    query = parse_qs(urlsplit(href).query)
    if kind == "org":
        user = next(u for u in rt.org(part).org.config.users if u.username == query["user"][0])
        name = f"{user.first_name} {user.last_name}"
    else:
        agents = rt.env(part).ext("GET", "/agents").json()
        name = next(a["name"] for a in agents if a["email"] == query["agent"][0])
    opened.bring_to_front()  # as the link's new tab opens in front; a background tab draws no frame to shoot
    answer = opened.goto(f"{dashboard.url}{href}")
    assert answer is not None and answer.status < 400, f"{href}: {answer and answer.status}"
    # An inbox link is a sign-in form that submits itself: wait for the page it lands on.
    opened.wait_for_url(lambda url: urlsplit(url).path == query["to"][0], timeout=10_000)
    expect(opened.locator(".who")).to_contain_text(name)  # signed in as the step's user
    opened.screenshot(path=str(screenshot), full_page=True)


def test_a_step_whose_check_fails_is_red_and_says_what_was_expected(topology_factory, browser):
    """A step that does not do what it says shows it: red, with the expected state."""
    rt = topology_factory("one-to-one")
    dashboard = start_dashboard(rt)
    wrong = Story(
        "wrong-org",
        "A story that expects the wrong thing",
        "one-to-one",
        "Léa's message is routed to the Support team (Alcméon), yet the step says it reaches the org.",
        (
            Step(
                "claims-a-record",
                "Léa writes and is routed to Support; the step claims a record in the main org.",
                lambda s: (s.writes("Léa", "Brand WhatsApp", "Bonjour"), s.route("Léa", "Support")),
                checks.synced("main", "Léa"),
            ),
        ),
    )
    stage = stage_for(rt, catalog=(*CATALOG, wrong))
    stage.timeout = 1.0
    context, page = story_page(browser, rt, dashboard, "wrong-org")
    try:
        page.locator("button#next").click()
        item = page.locator("li.step[data-step='claims-a-record']")
        expect(item).to_have_attribute("data-status", "failed", timeout=STEP_TIMEOUT_MS)
        expect(item.locator(".reason")).to_have_text(
            "expected a conversation record of Léa in the main org; there is none"
        )
        expect(item.locator(".badge")).to_have_text("failed ✗")
        color = item.evaluate("e => getComputedStyle(e).borderLeftColor")
        assert color == "rgb(220, 38, 38)", color  # red
        expect(page.locator("#progress")).to_contain_text("1 failed")
        (SCREENSHOTS / "demo-failing-step").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "demo-failing-step" / "claims-a-record.png"), full_page=True)
    finally:
        context.close()
        dashboard.stop()


def test_the_story_pages_need_the_dashboard_token(topology_factory, browser):
    rt = topology_factory("one-to-one")
    dashboard = start_dashboard(rt)
    context = browser.new_context()
    try:
        page = context.new_page()
        answer = page.goto(f"{dashboard.url}/demo/view-360")
        assert answer.status == 401
        answer = page.goto(f"{dashboard.url}/login?{urlencode({'token': rt.admin_token, 'next': '/demo/'})}")
        assert answer.status == 200
        playable = page.locator("tr[data-story='view-360']")
        expect(playable.get_by_role("link", name="open the story")).to_be_visible()
        expect(page.locator("tr[data-story='org-to-org-transfer']")).to_contain_text(
            "make demo STORY=org-to-org-transfer"
        )
    finally:
        context.close()
        dashboard.stop()
