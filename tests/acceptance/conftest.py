"""Acceptance suite: pytest-bdd steps over running topologies (fakes and connector), one per scenario."""

from __future__ import annotations

import acc_pool
import acc_reporting
import pytest
from acc_steps_alcmeon import *  # noqa: F403  (step definitions are fixtures: they must be visible here)
from acc_steps_connector import *  # noqa: F403
from acc_steps_package import *  # noqa: F403
from acc_steps_platform import *  # noqa: F403
from acc_steps_salesforce import *  # noqa: F403
from acc_steps_widget import *  # noqa: F403



@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    acc_reporting.record(item.config, outcome.get_result())
    acc_pool.record_outcome(item, outcome.get_result())


def pytest_sessionfinish(session):
    acc_reporting.finish(session)


def pytest_configure(config):
    config.addinivalue_line("markers", "rule(id): the scenario proves this rule of features/RULES.md")


def pytest_bdd_apply_tag(tag, function):
    """Rule tags (@SYNC-01) become `rule("SYNC-01")` marks instead of unknown marks."""
    if acc_reporting.RULE_TAG.match(tag):
        pytest.mark.rule(tag)(function)
        return True
    return None
