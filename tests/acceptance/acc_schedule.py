"""Scenarios ordered by the topology they start, and handed to xdist workers in runs of that order."""

# A worker starts each topology its scenarios name once (acc_pool.py), at a few tenths of a CPU second a
# start. In file order the scenarios of one topology are spread over every feature, so with `-n 2` and
# xdist's default `load` scheduling (round-robin chunks of consecutive tests) each worker ended up
# starting almost every topology. Here the collection is ordered by topology (file order kept within
# one), and unless the command line chose a `--dist` mode the workers share it by work stealing: each
# starts with one contiguous half (so with the topologies of that half only) and takes the end of the
# other's queue when its own is done, which also evens out scenarios of unequal length.

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

from pytest_bdd.scenario import scenario_wrapper_template_registry

HERE = Path(__file__).resolve().parent
TOPOLOGY_STEP = re.compile(r'^the "(?P<name>[\w-]+)" topology is running$')


def topology_of(item) -> str:
    """The topology the scenario starts (its outline example filled in), or "" for the others."""
    template = scenario_wrapper_template_registry.get(getattr(item, "function", None))
    if template is None:
        return ""
    callspec = getattr(item, "callspec", None)
    example = callspec.params.get("_pytest_bdd_example", {}) if callspec else {}
    for step in template.render(example).steps:
        found = TOPOLOGY_STEP.match(step.name)
        if found:
            return found["name"]
    return ""


def group_by_topology(items: list) -> None:
    """Reorder, in place, the acceptance items among their own slots (a run over more than this folder
    keeps everything else where it was). Deterministic, as xdist needs every worker's collection to be
    the same list in the same order."""
    slots = [i for i, item in enumerate(items) if HERE in Path(item.path).resolve().parents]
    ours = [items[i] for i in slots]
    ordered = sorted(enumerate(ours), key=lambda pair: (topology_of(pair[1]), pair[0]))
    for slot, (_, item) in zip(slots, ordered, strict=True):
        items[slot] = item


def dist_chosen(config) -> bool:
    """Whether the command line, PYTEST_ADDOPTS or the ini's addopts named a `--dist` mode."""
    words = [
        *config.invocation_params.args,
        *shlex.split(os.environ.get("PYTEST_ADDOPTS", "")),
        *config.getini("addopts"),
    ]
    return any(w in ("--dist", "-d") or w.startswith("--dist=") for w in words)  # -d: --dist=load


def scheduler(config, log):
    """Work stealing over the topology order, for `-n` alone (xdist's default would be `load`)."""
    if dist_chosen(config) or config.getoption("dist") != "load":
        return None
    from xdist.scheduler import WorkStealingScheduling

    return WorkStealingScheduling(config, log)
