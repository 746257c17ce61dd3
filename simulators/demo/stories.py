"""The catalog of demo stories, one per documented workflow and topology, in the order a demo tells them."""

from __future__ import annotations

from alcsim.simulators.demo import stories_matching, stories_topologies, stories_workflows
from alcsim.simulators.demo.model import Step, Story, Where

__all__ = ["CATALOG", "Step", "Story", "Where", "names", "story"]

CATALOG: tuple[Story, ...] = (
    *stories_workflows.STORIES,
    *stories_matching.STORIES,
    *stories_topologies.STORIES,
)


def names() -> list[str]:
    return [s.name for s in CATALOG]


def story(name: str) -> Story:
    """The story called `name`; KeyError names the known ones."""
    for known in CATALOG:
        if known.name == name:
            return known
    raise KeyError(f"no story {name!r}; the stories are: {', '.join(names())}")
