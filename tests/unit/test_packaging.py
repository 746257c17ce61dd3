"""The distribution: one top-level package `alcsim`, every subpackage listed, every run-time file shipped."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CODE = ("simulators", "connector")  # folders of modules, mapped to alcsim.<folder> (pyproject package-dir)
DATA = ("scenarios", "features")  # folders of data only, shipped as alcsim.<folder>
# What the product reads at run time, beside its modules (templates, metadata, grammar, topologies, ...).
RUN_TIME_FILES = (
    "simulators/*/templates/*.html",
    "simulators/salesforce/metadata/*.yaml",
    "simulators/salesforce/soql/soql.lark",
    "simulators/alcmeon/openapi.yaml",
    "connector/widget/templates/*.html",
    "scenarios/*.yaml",
    "features/**/*.feature",
    "features/RULES.md",
)
# What a build must not pick up from the working tree.
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


def setuptools_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def in_wheel(path: str) -> str:
    return f"alcsim/{path}"


def test_every_package_folder_is_listed_in_pyproject():
    """A new subpackage (a folder with __init__.py) cannot be left out of the wheel."""
    folders = {
        ".".join(("alcsim", *init.parent.relative_to(ROOT).parts))
        for top in CODE
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert sorted(setuptools_config()["packages"]) == sorted(folders | {f"alcsim.{top}" for top in DATA})


def test_every_folder_of_modules_is_a_package():
    """A folder of modules without __init__.py would be left out of the wheel without a word."""
    missing = sorted(
        str(folder.relative_to(ROOT))
        for top in CODE
        for folder in [ROOT / top, *(ROOT / top).rglob("*")]
        if folder.is_dir() and any(folder.glob("*.py")) and not (folder / "__init__.py").exists()
    )
    assert missing == []


def test_each_folder_maps_to_its_alcsim_name():
    mapping = setuptools_config()["package-dir"]
    assert mapping == {f"alcsim.{top}": top for top in CODE + DATA}


@pytest.mark.parametrize("name", ["simulators", "connector", "simulators.salesforce.org", "connector.rules"])
def test_a_module_cannot_be_imported_under_its_old_name(name):
    """Beside the repository's folders, `import connector` fails instead of loading a second copy."""
    result = subprocess.run(
        [sys.executable, "-c", f"import {name}"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    top = name.split(".")[0]
    assert f"ImportError: import alcsim.{top}, not {top}" in result.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Iterator[zipfile.ZipFile]:
    """The wheel pip builds from a copy of the sources (an in-tree build/ keeps stale files)."""
    place = tmp_path_factory.mktemp("wheel")
    shutil.copytree(ROOT, place / "src", ignore=NOT_SOURCES)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q"]
        + [str(place / "src"), "-w", str(place / "dist")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (built,) = (place / "dist").glob("alcsim-*.whl")
    with zipfile.ZipFile(built) as archive:
        yield archive


def test_the_wheel_installs_only_alcsim(wheel):
    tops = {name.split("/")[0] for name in wheel.namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"alcsim"}


def test_the_wheel_holds_every_module(wheel):
    modules = {in_wheel(p.relative_to(ROOT).as_posix()) for top in CODE for p in (ROOT / top).rglob("*.py")}
    assert sorted(modules - set(wheel.namelist())) == []


def test_the_wheel_holds_what_is_read_at_run_time(wheel):
    wanted = {
        in_wheel(p.relative_to(ROOT).as_posix()) for pattern in RUN_TIME_FILES for p in ROOT.glob(pattern)
    }
    assert in_wheel("simulators/topology/templates/dashboard.html") in wanted
    assert in_wheel("scenarios/many-to-one.yaml") in wanted
    assert sorted(wanted - set(wheel.namelist())) == []


def test_the_wheel_declares_the_command_and_the_plugin(wheel):
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "alcsim = alcsim.simulators.cli:main" in text
    assert "[pytest11]\nalcsim = alcsim.simulators.pytest_plugin" in text
