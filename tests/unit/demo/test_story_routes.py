"""The story routes over HTTP: who may call them, Next as a JSON POST, the state, the links as their users."""

from __future__ import annotations

import time

import requests
from click.testing import CliRunner

from alcsim.simulators.cli import main
from alcsim.simulators.topology.dashboard import start_dashboard


def test_story_routes_take_the_dashboard_token_and_play_steps_one_at_a_time(topology_factory):
    rt = topology_factory("one-to-one")
    dashboard = start_dashboard(rt)
    try:
        base = f"{dashboard.url}/demo/whatsapp-engagement"
        anonymous = requests.get(f"{base}/state", headers={"Accept": "application/json"}, timeout=10)
        assert anonymous.status_code == 401 and anonymous.json()["error"] == "unauthorized"
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {rt.admin_token}"
        form = session.post(f"{base}/next", data={"x": "1"}, timeout=10)
        assert form.status_code == 403, form.text  # a cross-site form cannot play a step
        assert session.get(f"{base}/state", timeout=10).json()["position"] == 0

        for index in range(3):
            started = session.post(f"{base}/next", json={}, timeout=10)
            assert started.status_code in (202, 409), started.text
            state = session.get(f"{base}/state", timeout=10).json()
            while state["steps"][index]["status"] in ("pending", "running"):
                time.sleep(0.02)  # the step plays in the background, as the page's polling sees it
                state = session.get(f"{base}/state", timeout=10).json()
            step = state["steps"][index]
            assert step["status"] == "passed", step
            assert step["link"].startswith("/demo/enter/org/main?user=agent.fr%40main.alcsim.example")
        over = session.post(f"{base}/next", json={}, timeout=10)
        assert over.status_code == 409 and over.json()["message"] == "the story is over"

        other = session.get(f"{dashboard.url}/demo/org-to-org-transfer/state", timeout=10)
        assert other.status_code == 404 and other.json()["error"] == "not-playable"
        page = session.get(f"{dashboard.url}/demo/org-to-org-transfer", timeout=10)
        assert page.status_code == 200 and "make demo STORY=org-to-org-transfer" in page.text

        entered = session.get(f"{dashboard.url}{step['link']}", allow_redirects=False, timeout=10)
        assert entered.status_code == 302 and "/secur/frontdoor.jsp?sid=" in entered.headers["Location"]
        stranger = session.get(f"{dashboard.url}/demo/enter/org/main?user=nobody@example.com", timeout=10)
        assert stranger.status_code == 404
    finally:
        dashboard.stop()


def test_alcsim_demo_plays_a_story_at_a_pace_and_narrates_each_step():
    answer = CliRunner().invoke(
        main, ["demo", "whatsapp-engagement", "--pace", "0", "--free-ports", "--exit-when-done"]
    )
    assert answer.exit_code == 0, answer.output
    out = answer.output
    assert "open the story: http://127.0.0.1:" in out and "/login?token=" in out
    assert "the story's Salesforce agent is Camille Martin (agent.fr@main.alcsim.example" in out
    assert "[1/3] Emma agreed to be contacted on WhatsApp." in out
    assert (
        out.count("✓ done in") == 3 and "look at Emma's Case in main (as agent.fr@main.alcsim.example)" in out
    )
    assert out.rstrip().endswith("3 of 3 steps played, 0 failed")
