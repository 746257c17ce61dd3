"""Whether a scenario passed so far: conftest.py records each phase, the topology pool reads it."""

from __future__ import annotations

import pytest

FAILED = pytest.StashKey[bool]()


def record_outcome(item, report) -> None:
    if report.failed:
        item.stash[FAILED] = True


def scenario_passed(item) -> bool:
    return not item.stash.get(FAILED, False)
