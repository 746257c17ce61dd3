"""The wheel installed without extras in a fresh venv, beside a user project with its own `connector`."""

# As a new user would meet alcsim (issue 10): the wheel is built from a copy of the sources, installed
# with its base dependencies only into a venv that sees nothing of this one, then pytest and pytest-xdist
# are installed for the user project (tests/install/user_project), which has its own `connector`
# package and `simulators` module. The commands run with the environment as the user has it (this
# machine's REQUESTS_CA_BUNDLE included), minus this run's own pytest and Python path variables and
# PYTHONDONTWRITEBYTECODE.

from __future__ import annotations

import fcntl
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.install

ROOT = Path(__file__).resolve().parents[2]
USER_PROJECT = Path(__file__).resolve().parent / "user_project"
NOT_SOURCES = shutil.ignore_patterns(
    ".venv",
    ".git",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "reports",
    "tests",
    "bench",
    ".alcsim",
    ".tools",
)
PIP = ("-m", "pip", "--disable-pip-version-check", "-q")
# Modules of the test extra: the CLI and the plugin must start without them.
TEST_EXTRA = ("pytest_bdd", "gherkin", "hypothesis", "schemathesis", "simple_mockforce", "playwright")


@dataclass
class Install:
    place: Path

    @property
    def venv(self) -> Path:
        return self.place / "venv"

    @property
    def project(self) -> Path:
        return self.place / "project"

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)

    def environment(self) -> dict[str, str]:
        # PYTHONDONTWRITEBYTECODE (set on this machine, not by a user's Python) would have every command
        # compile anew each module it imports, ~2 s of CPU a command: without it the first command
        # writes the bytecode caches that the others read, as on the user's machine.
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("PYTEST_")
            and k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE")
        }
        env["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(self.venv)
        return env

    def run(self, *command: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            command,
            cwd=self.project,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def must(result: subprocess.CompletedProcess, what: str) -> None:
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def build(install: Install) -> None:
    """Wheel, fresh venv, the wheel without extras, then pytest and pytest-xdist, and the user project."""
    shutil.copytree(ROOT, install.place / "src", ignore=NOT_SOURCES)
    dist = install.place / "dist"
    wheel = subprocess.run(
        [sys.executable, *PIP, "wheel", "--no-deps", str(install.place / "src"), "-w", str(dist)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    must(wheel, "pip wheel")
    (built,) = dist.glob("alcsim-*.whl")
    # --without-pip: ensurepip would install (and byte-compile) a pip of the venv's own, ~9 s of CPU;
    # this run's pip installs into the venv instead (`--python`, pip >= 22.3), which puts the same
    # distributions in its site-packages. The venv then holds no setuptools either (Python 3.12's venvs
    # have none), so the commands below also prove that alcsim needs none at run time.
    created = subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(install.venv)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    must(created, "python -m venv")
    shutil.copytree(USER_PROJECT, install.project, ignore=shutil.ignore_patterns("__pycache__"))
    pip = (sys.executable, *PIP, "--python", install.bin("python"), "install")
    # --no-compile: byte-compiling every module (faker's locales above all) costs more than the few
    # modules the commands import compile on first use (see Install.environment).
    must(install.run(*pip, "--no-compile", str(built), timeout=600), "pip install wheel")
    must(install.run(*pip, "pytest", "pytest-xdist", timeout=600), "pytest")


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Install:
    """One install per run: pytest-xdist workers share their run's base folder and build it under a lock."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    install = Install(base / "alcsim-install")
    with open(base / "alcsim-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ready, failed = install.place / "ready", install.place / "failed"
        if failed.exists():
            pytest.fail(failed.read_text(encoding="utf-8"), pytrace=False)
        if not ready.exists():
            shutil.rmtree(install.place, ignore_errors=True)
            install.place.mkdir()
            try:
                build(install)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                failed.write_text(str(exc), encoding="utf-8")
                pytest.fail(str(exc), pytrace=False)
            ready.touch()
    return install


def test_only_the_base_dependencies_are_installed(installed):
    probe = "import importlib.util as u; print([m for m in {names!r} if u.find_spec(m)])"
    result = installed.run(installed.bin("python"), "-c", probe.format(names=TEST_EXTRA))
    must(result, "probe")
    assert result.stdout.strip() == "[]"


def test_the_command_and_the_plugin_load_no_test_extra(installed):
    probe = (
        "import sys; import alcsim.simulators.cli, alcsim.simulators.pytest_plugin;"
        f" print(sorted(m for m in sys.modules if m.split('.')[0] in {TEST_EXTRA!r}))"
    )
    result = installed.run(installed.bin("python"), "-c", probe)
    must(result, "probe")
    assert result.stdout.strip() == "[]"


def test_alcsim_help(installed):
    result = installed.run(installed.bin("alcsim"), "--help")
    assert result.returncode == 0, result.stderr
    for command in ("serve", "simulate", "topology", "rules"):
        assert command in result.stdout


@pytest.mark.parametrize("command", [["rules"], ["rules", "coverage"]])
def test_rules_says_in_one_line_that_it_needs_the_test_extra(installed, command):
    result = installed.run(installed.bin("alcsim"), *command)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "alcsim rules needs the test extra: pip install 'alcsim[test]'\n"


def test_topology_validate_finds_the_shipped_topology_by_name(installed):
    result = installed.run(installed.bin("alcsim"), "topology", "validate", "many-to-one")
    assert result.returncode == 0, result.stderr
    assert "ok (2 environment(s), 1 org(s))" in result.stdout


def test_serve_salesforce_prints_one_json_line_then_stops(installed):
    server = subprocess.Popen(
        [installed.bin("alcsim"), "serve", "salesforce", "--port", "0"],
        cwd=installed.project,
        env=installed.environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(server.stdout.readline()), daemon=True).start()
    try:
        info = json.loads(lines.get(timeout=60))
        assert info["instance_url"].startswith("https://127.0.0.1:")
        assert info["token_url"] == f"{info['instance_url']}/services/oauth2/token"
        assert Path(info["ca_bundle"]).is_file()
        # The line is enough to connect: log in with the client credentials it gives, over the local CA.
        http = requests.Session()
        http.trust_env = False
        http.verify = info["ca_bundle"]
        token = http.post(
            info["token_url"],
            data={
                "grant_type": "client_credentials",
                "client_id": info["client_id"],
                "client_secret": info["client_secret"],
            },
            timeout=30,
        )
        assert token.status_code == 200 and token.json()["access_token"]
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert server.returncode == 0, errors


def test_the_user_project_runs_the_fixtures_in_parallel(installed):
    result = installed.run(installed.bin("pytest"), "-n", "2", "-q", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "7 passed" in result.stdout
