"""Helpers for the connector's integration tests (a uniquely named module: `conftest` clashes across folders)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from alcsim.simulators.topology.files import scenario_path


def write(rt, env: str, account: str, user: str, text: str = "Hello", **extra) -> dict:
    """A customer writes on a social account (simulator extension), named as in the topology file."""
    return rt.env(env).customer_writes(rt.account_id(env, account), user, text, **extra)


def route(rt, env: str, task_id: int, team: str) -> None:
    answer = rt.env(env).ext("POST", f"/tasks/{task_id}/route", json={"team_id": rt.team_id(env, team)})
    answer.raise_for_status()


def reply(rt, env: str, task_id: int, text: str = "We are on it") -> None:
    answer = rt.env(env).ext(
        "POST", f"/tasks/{task_id}/reply", json={"agent_id": rt.agent_id(env), "content": text}
    )
    answer.raise_for_status()


def close(rt, env: str, conversation_id: int) -> None:
    answer = rt.env(env).ext(
        "POST", f"/conversations/{conversation_id}/close", json={"agent_id": rt.agent_id(env)}
    )
    answer.raise_for_status()


def match(rt, env: str, social_user_id: int, contact_id: str) -> None:
    answer = rt.env(env).ext("POST", f"/users/{social_user_id}/match", json={"crm_contact_id": contact_id})
    answer.raise_for_status()


def org_fault(rt, org: str, rule: dict) -> dict:
    """A fault rule on an org through its admin API (it needs a session of the org)."""
    running = rt.org(org)
    session = running.session()
    session.headers["Authorization"] = f"Bearer {running.access_token()}"
    answer = session.post(f"{running.instance_url}/_sim/faults", json=rule)
    answer.raise_for_status()
    return answer.json()


def clear_org_faults(rt, org: str) -> None:
    running = rt.org(org)
    session = running.session()
    session.headers["Authorization"] = f"Bearer {running.access_token()}"
    session.delete(f"{running.instance_url}/_sim/faults").raise_for_status()


def org_journal(rt, org: str, path: str) -> list[dict]:
    running = rt.org(org)
    session = running.session()
    session.headers["Authorization"] = f"Bearer {running.access_token()}"
    return session.get(f"{running.instance_url}/_sim/journal", params={"path": path}).json()["entries"]


def launch_connector_process(rt, tmp_path: Path, org: str, env: str) -> subprocess.Popen:
    """`alcsim serve connector` in a process of its own on `rt`'s one-to-one ports and a durable store;
    returns once it serves (it prints its URL), so a test can kill it with SIGKILL and launch it again."""
    data = yaml.safe_load(scenario_path("one-to-one").read_text())
    data["connector"]["port"] = int(rt.connector_url.rsplit(":", 1)[1])
    data["environments"][0]["port"] = int(rt.env(env).url.rsplit(":", 1)[1])
    data["orgs"][0]["port"] = int(rt.org(org).instance_url.rsplit(":", 1)[1])
    topology_file = tmp_path / "one-to-one.yaml"
    topology_file.write_text(yaml.safe_dump(data))
    command = [sys.executable, "-m", "alcsim.simulators.topology.cli", "connector"]
    command += ["--topology", str(topology_file), "--data-dir", str(tmp_path / "connector")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    json.loads(process.stdout.readline())
    return process
