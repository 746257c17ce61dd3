"""The controls of a running simulate over HTTP: a customer writes, traffic pauses and resumes, reset; the
caller's token checked on every route; a quiet start (rate 0) writes nothing. Waits follow the traffic
loop's own rounds (`ticks`), never wall seconds."""

from __future__ import annotations

import re
import threading

import pytest
import requests
from click.testing import CliRunner

from alcsim.simulators.topology.cli import say, traffic
from alcsim.simulators.topology.controls import ControlError, Controls
from alcsim.simulators.topology.dashboard import start_dashboard
from alcsim.simulators.topology.launch import wait_until
from alcsim.simulators.topology.observe import Observed
from alcsim.simulators.topology.printout import org_people
from alcsim.simulators.topology.simulate import Simulation, simulate

ENV, ORG = "brand", "main"


class Running:
    def __init__(self, rt, rate: float):
        self.rt = rt
        self.sim = Simulation(rt, 5, Observed(), rate)
        self.sim.seed_all()
        self.dashboard = start_dashboard(rt, controls=Controls(rt, self.sim))
        self.thread = threading.Thread(target=self.sim.run, args=(None,), daemon=True)
        self.thread.start()
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.headers["Authorization"] = f"Bearer {rt.admin_token}"

    def post(self, path: str, body: dict) -> requests.Response:
        return self.http.post(f"{self.dashboard.url}{path}", json=body, timeout=60)

    def rounds(self, count: int) -> None:
        """Let the traffic loop go round `count` more times."""
        start = self.sim.ticks
        wait_until(lambda: self.sim.ticks >= start + count, 10, 0.01, f"{count} rounds of the traffic loop")

    def inbox_messages(self) -> int:
        conversations = self.rt.env(ENV).ext("GET", "/conversations", params={"limit": 200}).json()
        return sum(len(c["tasks"]) for c in conversations)

    def stop(self) -> None:
        self.sim.stop.set()
        self.thread.join(timeout=10)
        self.dashboard.stop()


@pytest.fixture
def quiet(topology_factory):
    running = Running(topology_factory("one-to-one"), rate=0)
    yield running
    running.stop()


def test_a_quiet_start_writes_nothing_while_the_loop_goes_round(quiet):
    quiet.rounds(5)
    assert quiet.inbox_messages() == 0 and quiet.sim.written[ENV] == 0
    state = quiet.http.get(f"{quiet.dashboard.url}/api/controls").json()["traffic"]
    assert state == {"runs": True, "paused": True, "rate": 0}


def test_rate_zero_is_accepted_by_the_command_and_a_negative_rate_is_refused():
    answer = CliRunner().invoke(
        simulate, ["--rate", "0", "--duration", "1", "--headless", "--free-ports", "--topology", "one-to-one"]
    )
    assert answer.exit_code == 0, answer.output
    assert "every invariant holds" in answer.output
    assert re.search(r"brand\s+│\s+0\s+│", answer.output), answer.output  # no message written
    refused = CliRunner().invoke(simulate, ["--rate", "-1"])
    assert refused.exit_code == 2 and "0 for none" in refused.output


def test_a_customer_written_from_the_controls_reaches_the_mapped_queue_of_the_org(quiet):
    sent = quiet.post("/api/say", {"env": ENV, "channel": "whatsapp", "intent": "refund"})
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["account"] == "Brand WhatsApp" and body["team"] == "Salesforce agents"
    assert (body["org"], body["queue"]) == (ORG, "Social_Queue")
    assert body["sentence"].startswith("A customer wrote on WhatsApp to Brand WhatsApp (conversation ")
    assert body["content"].strip() and body["content"] != body["sentence"]  # the intent's own words
    queue = quiet.rt.org(ORG).client().query("SELECT Id FROM Group WHERE DeveloperName = 'Social_Queue'")
    record = quiet.rt.wait_for_record(ORG, body["scoped_id"])
    assert record["OwnerId"] == queue["records"][0]["Id"]
    assert quiet.sim.written[ENV] == 1  # counted, so the lost-message invariant still holds
    # The first agent printed for the org is the one the dashboard opens, and may answer (WIDGET-04).
    first = org_people(quiet.rt, ORG)[0]
    assert first.username == f"agent@{ORG}.alcsim.example" and first.may_answer
    assert "Alcméon Agent" in first.rights


def test_own_words_and_an_unrouted_message_and_bad_input_in_the_vendors_envelope(quiet):
    own = quiet.post(
        "/api/say", {"env": ENV, "account": "Brand Facebook page", "text": "Bonjour !", "team": "none"}
    )
    assert own.status_code == 201 and own.json()["content"] == "Bonjour !" and own.json()["team"] is None
    unknown = quiet.post("/api/say", {"env": "nowhere"})
    assert unknown.status_code == 404 and unknown.json()["error"] == "unknown-environment"
    bad = quiet.post("/api/say", {"env": ENV, "intent": "weather"})
    assert bad.status_code == 400 and "refund" in bad.json()["message"]
    channel = quiet.post("/api/say", {"env": ENV, "channel": "line"})
    assert channel.status_code == 400 and "Brand WhatsApp (whatsapp)" in channel.json()["message"]
    assert quiet.post("/api/traffic", {"action": "jump"}).status_code == 400
    assert quiet.post("/api/traffic", {"action": "resume", "rate": -2}).json()["error"] == "invalid-rate"


def test_every_route_checks_the_caller(quiet):
    anonymous = requests.Session()
    anonymous.trust_env = False
    url = quiet.dashboard.url
    for path in ("/", "/api/state", "/api/controls", f"/enter/{ORG}", "/connector/health"):
        assert anonymous.get(f"{url}{path}", allow_redirects=False).status_code == 401, path
    refused = anonymous.post(f"{url}/api/say", json={"env": ENV})
    assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
    wrong = anonymous.post(f"{url}/api/reset", json={}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert anonymous.get(f"{url}/login", params={"token": "nope"}).status_code == 401
    # The printed link sets a cookie; with it, a write must be JSON from this origin.
    logged = anonymous.get(f"{url}/login", params={"token": quiet.rt.admin_token}, allow_redirects=False)
    assert logged.status_code == 302 and "HttpOnly" in logged.headers["Set-Cookie"]
    assert anonymous.get(f"{url}/api/controls").status_code == 200
    form = anonymous.post(f"{url}/api/say", data={"env": ENV})
    assert form.status_code == 403
    other_site = anonymous.post(
        f"{url}/api/say", json={"env": ENV}, headers={"Origin": "https://evil.example"}
    )
    assert other_site.status_code == 403


def test_traffic_pauses_and_resumes(topology_factory):
    running = Running(topology_factory("one-to-one"), rate=40)
    try:
        wait_until(lambda: running.sim.written[ENV] >= 2, 30, 0.02, "traffic before the pause")
        assert running.post("/api/traffic", {"action": "pause"}).json()["paused"] is True
        running.sim.wait_step()
        written = dict(running.sim.written)
        running.rounds(10)
        assert running.sim.written == written  # ten rounds, no event
        resumed = running.post("/api/traffic", {"action": "resume", "rate": 60}).json()
        assert resumed == {"runs": True, "paused": False, "rate": 60}
        wait_until(lambda: running.sim.written[ENV] > written[ENV], 30, 0.02, "traffic after the resume")
    finally:
        running.stop()


def test_reset_brings_back_the_seeded_state_and_the_topology_still_syncs(quiet):
    first = quiet.post("/api/say", {"env": ENV, "channel": "whatsapp", "intent": "thanks"}).json()
    quiet.rt.wait_for_record(ORG, first["scoped_id"])
    done = quiet.post("/api/reset", {})
    assert done.status_code == 200, done.text
    assert done.json()["traffic"]["paused"] is True  # quiet before, quiet after
    assert quiet.rt.conversations(ORG) == [] and quiet.inbox_messages() == 0
    contacts = quiet.rt.org(ORG).client().query("SELECT COUNT() FROM Contact")["totalSize"]
    assert contacts == 8 and quiet.sim.written[ENV] == 0
    again = quiet.post("/api/say", {"env": ENV, "channel": "whatsapp", "intent": "thanks"}).json()
    record = quiet.rt.wait_for_record(ORG, again["scoped_id"])  # settings and connector back
    assert record["alcmeon__Status__c"] == "OPEN"
    assert org_people(quiet.rt, ORG)[0].may_answer  # the grant made again after the reset


def test_the_cli_finds_the_running_simulate_or_takes_its_url_and_token(quiet, tmp_path, monkeypatch):
    from alcsim.simulators.topology.remote import write_run_file

    monkeypatch.setenv("ALCSIM_RUN_DIR", str(tmp_path))
    token = ["--dashboard", quiet.dashboard.url, "--token", quiet.rt.admin_token]
    said = CliRunner().invoke(
        say, ["--env", ENV, "--channel", "kakaotalk", "--intent", "late_delivery", *token]
    )
    assert said.exit_code == 0, said.output
    assert re.match(
        r"A customer wrote on KakaoTalk to Brand KakaoTalk \(conversation \d+\).*: https://", said.output
    )
    write_run_file(quiet.dashboard.url, quiet.rt.admin_token, "one-to-one")
    paused = CliRunner().invoke(
        traffic, ["pause", "--dashboard", quiet.dashboard.url]
    )  # token from the run file
    assert paused.exit_code == 0 and paused.output.strip() == "traffic paused"
    lost = CliRunner().invoke(say, ["--env", ENV, "--dashboard", "http://127.0.0.1:9", "--token", "x"])
    assert lost.exit_code == 2 and "does not answer" in lost.output


def test_the_run_file_is_readable_by_its_user_only(tmp_path, monkeypatch):
    from alcsim.simulators.topology.remote import find_run, write_run_file

    monkeypatch.setenv("ALCSIM_RUN_DIR", str(tmp_path))
    (tmp_path / "simulate-8440.json").write_text("{}")
    (tmp_path / "simulate-8440.json").chmod(0o644)
    path = write_run_file("http://127.0.0.1:8440", "secret-token", "one-to-one")
    assert path.stat().st_mode & 0o777 == 0o600
    assert find_run(None)["token"] == "secret-token"
    assert find_run("http://127.0.0.1:8441") is None


def test_an_account_with_a_team_of_its_own_is_routed_by_the_environment(topology_factory):
    """wf-all-in-salesforce: the account's messages go to its team (Alcméon's routing rules), mapped to a queue."""
    rt = topology_factory("wf-all-in-salesforce")
    sent = Controls(rt).say(None, channel="whatsapp", intent="product_question")
    assert (sent.team, sent.org) == ("Salesforce agents", "service")
    record = rt.wait_for_record("service", sent.scoped_id)
    queue = (
        rt.org("service")
        .client()
        .query(f"SELECT DeveloperName FROM Group WHERE Id = '{record['OwnerId']}'")["records"]
    )
    assert queue[0]["DeveloperName"] == sent.queue
    with pytest.raises(ControlError) as refused:
        Controls(rt).say(None, channel="whatsapp", team="Nobody")
    assert refused.value.status == 400 and len(rt.env("brand").ext("GET", "/conversations").json()) == 1
