"""Every fixture of the pytest plugin says what it is in `pytest --fixtures`, and README lists it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KNOWN = {
    "sf_org",
    "sf",
    "sf_org_factory",
    "sf_clock",
    "alcmeon_env",
    "alcmeon_env_factory",
    "alcmeon_webhook_receiver",
    "topology",
    "topology_factory",
    "topology_clock",
}
SECTION = re.compile(r"^-+ fixtures defined from (?P<module>\S+) -+$")
FIXTURE = re.compile(r"^(?P<name>\w+)(?: \[\w+ scope\])? -- ")


@pytest.fixture(scope="module")
def plugin_fixtures(tmp_path_factory) -> dict[str, str]:
    """Each fixture that an alcsim module defines, with the first line `pytest --fixtures` shows for it."""
    # In an empty folder, so only what the installed plugin registers shows up (not this suite's conftests).
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    shown = subprocess.run(
        [sys.executable, "-m", "pytest", "--fixtures", "-p", "no:cacheprovider"],
        cwd=tmp_path_factory.mktemp("fixtures"),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode in (0, 5), shown.stdout + shown.stderr  # 5: no tests collected
    found: dict[str, str] = {}
    module = ""
    lines = shown.stdout.splitlines()
    for number, line in enumerate(lines):
        if (section := SECTION.match(line)) is not None:
            module = section["module"]
        elif module.startswith("alcsim.") and (fixture := FIXTURE.match(line)) is not None:
            following = lines[number + 1] if number + 1 < len(lines) else ""
            found[fixture["name"]] = following.strip()
    return found


def test_the_plugin_registers_every_fixture(plugin_fixtures):
    assert set(plugin_fixtures) == KNOWN


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_each_fixture_shows_a_one_line_sentence(plugin_fixtures, name):
    line = plugin_fixtures.get(name, "")
    assert line and line != "no docstring available", f"{name} has no docstring"
    assert line[0].isupper() and line.endswith("."), f"{name}: {line!r} is not a sentence"


def test_readme_lists_every_fixture():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## In your own tests", 1)[1].split("\n## ", 1)[0]
    assert sorted(name for name in KNOWN if not re.search(rf"`{name}[`(]", section)) == []
