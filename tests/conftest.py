"""Hooks for every test process of the suite (the controller and each xdist worker)."""

from __future__ import annotations

import gc

import pytest


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """Freeze what the session leaves in memory before the process ends.

    After the last test, pytest runs five full garbage collections (to report unraisable exceptions) and
    the interpreter more while it shuts down; over the objects of the topologies and fakes a worker kept
    (about 380,000 in an acceptance worker) they took two seconds, which every xdist worker spent after
    its last result was in and the controller waited for. Frozen objects are never traversed again; the
    only cost is that a cycle left by a test and holding a failing `__del__` is no longer reported then.
    """
    gc.freeze()
