"""Acceptance suite: pytest-bdd steps over running topologies (fakes and connector), kept per process."""

from __future__ import annotations

import importlib

import acc_outcome
import acc_reporting
import acc_schedule
import pytest

# The step definitions are fixtures of these modules, registered as plugins where tests are collected.
# An xdist controller collects nothing: it skips their imports (most of a process's start-up) and so
# starts its workers a second or two sooner.
STEP_MODULES = (
    "acc_steps_alcmeon",
    "acc_steps_connector",
    "acc_steps_package",
    "acc_steps_platform",
    "acc_steps_salesforce",
    "acc_steps_widget",
)


def xdist_controller(config) -> bool:
    """True in the process that hands tests to xdist workers (the condition under which xdist does)."""
    distributing = config.getoption("dist", "no") != "no" and not config.getoption("collectonly")
    return distributing and not hasattr(config, "workerinput")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    acc_reporting.record(item.config, outcome.get_result())
    acc_outcome.record_outcome(item, outcome.get_result())


def pytest_sessionfinish(session):
    acc_reporting.finish(session)


def pytest_configure(config):
    config.addinivalue_line("markers", "rule(id): the scenario proves this rule of features/RULES.md")
    if not xdist_controller(config):
        for name in STEP_MODULES:
            config.pluginmanager.register(importlib.import_module(name), f"acceptance-{name}")


def pytest_collection_modifyitems(config, items):
    acc_schedule.group_by_topology(items)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    return acc_schedule.scheduler(config, log)


def pytest_bdd_apply_tag(tag, function):
    """Rule tags (@SYNC-01) become `rule("SYNC-01")` marks instead of unknown marks."""
    if acc_reporting.RULE_TAG.match(tag):
        pytest.mark.rule(tag)(function)
        return True
    return None
