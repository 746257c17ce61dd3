"""The shapes of the story catalog: a Story is a topology and Steps; a Step says, links, acts and checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Where:
    """Where to look: a page of an org (as a Salesforce user) or of an environment's inbox (as an agent)."""

    label: str
    kind: str  # "org" or "inbox"
    part: str  # the org's or the environment's name in the topology
    path: str  # the page, e.g. /lightning/r/Case/500…/view or /inbox/conversations/12
    user: str  # the Salesforce username, or the Alcméon agent's e-mail


@dataclass(frozen=True)
class Step:
    name: str  # a slug, unique in its story (screenshots are named after it)
    say: str  # what happens, in the audience's words
    act: Callable  # act(scene): does it over HTTP, as the customer, the agent or the admin would
    # check(scene) -> None when what `say` tells happened, else what was expected and what is there instead;
    # the runner asks again until it holds or the step times out.
    check: Callable
    where: Callable | None = None  # where(scene) -> Where; resolved once the step has run


@dataclass(frozen=True)
class Story:
    name: str
    title: str
    topology: str  # a name of scenarios/
    summary: str
    steps: tuple[Step, ...] = field(default_factory=tuple)

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)
