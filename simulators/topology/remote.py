"""Reach a running `alcsim simulate` from another shell: its run file, and calls to its dashboard's controls."""

# `alcsim simulate` writes one run file per dashboard port (the dashboard's URL and the admin token its
# control routes take), readable by its user only, and removes it when it stops; `alcsim say|traffic|reset`
# read it, or take --dashboard and --token. Every control route checks the token (dashboard_auth.py).

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import requests

from alcsim.simulators.topology.ports import DASHBOARD_PORT


def run_dir() -> Path:
    return Path(os.environ.get("ALCSIM_RUN_DIR", Path.home() / ".cache" / "alcsim" / "runs"))


def write_run_file(dashboard_url: str, token: str, topology: str) -> Path:
    folder = run_dir()
    folder.mkdir(parents=True, exist_ok=True)
    port = urlsplit(dashboard_url).port
    path = folder / f"simulate-{port}.json"
    # Created 0600 before the token is written: the token opens every control of this run.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # a file left by an earlier run keeps its mode otherwise
    with os.fdopen(descriptor, "w") as out:
        json.dump(
            {"dashboard_url": dashboard_url, "token": token, "topology": topology, "pid": os.getpid()}, out
        )
    return path


def find_run(dashboard_url: str | None) -> dict | None:
    """The run file of the dashboard at `dashboard_url` (default: the default port), or the only one."""
    folder = run_dir()
    if dashboard_url:
        port = urlsplit(dashboard_url).port
        candidates = [folder / f"simulate-{port}.json"]
    else:
        candidates = [folder / f"simulate-{DASHBOARD_PORT}.json"]
        others = sorted(folder.glob("simulate-*.json")) if folder.is_dir() else []
        if not candidates[0].exists() and len(others) == 1:
            candidates = others
    for path in candidates:
        if path.exists():
            return json.loads(path.read_text())
    return None


class RemoteError(Exception):
    """A one-line reason a control could not be reached or was refused."""


def call(
    method: str, path: str, dashboard_url: str | None, token: str | None, body: dict | None = None
) -> dict:
    """Call a control route of a running simulate's dashboard; returns its JSON answer."""
    run = find_run(dashboard_url)
    url = (dashboard_url or (run or {}).get("dashboard_url") or f"http://127.0.0.1:{DASHBOARD_PORT}").rstrip(
        "/"
    )
    token = token or (run or {}).get("token")
    if not token:
        raise RemoteError(
            f"no running simulate found for {url} (start `make simulate`, or pass --dashboard URL --token TOKEN)"
        )
    session = requests.Session()
    session.trust_env = False  # a local dashboard: never through a proxy
    try:
        answer = session.request(
            method, f"{url}{path}", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
    except requests.RequestException as exc:
        raise RemoteError(
            f"the dashboard at {url} does not answer ({exc.__class__.__name__}); is simulate running?"
        ) from None
    try:
        answered = answer.json()
    except ValueError:
        answered = {"error": "not-json", "message": answer.text[:200]}
    if answer.status_code >= 400:
        raise RemoteError(f"{answer.status_code} {answered.get('error')}: {answered.get('message', '')}")
    return answered
