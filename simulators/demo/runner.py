"""Play a story on a running topology: one step at a time, on a click or at a pace, each step checked."""

# A step's act runs once; its check is asked again every POLL seconds until it holds or TIMEOUT passes,
# because what the act started travels (notification, connector job, package callout) before it shows.
# Each result keeps the act's time and the time from the act's end to the state being visible.

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from alcsim.simulators.demo.model import Story, Where
from alcsim.simulators.demo.scene import Scene

TIMEOUT = 20.0
POLL = 0.05  # a check is a few reads of the fakes, asked only while a step is running


@dataclass
class StepResult:
    name: str
    say: str
    status: str = "pending"  # pending, running, passed, failed
    reason: str = ""
    act_seconds: float | None = None
    visible_seconds: float | None = None  # from the act's end to the check holding
    where: Where | None = None


class StoryRun:
    """One playing of a story; `next()` plays the next step, `start_next()` does it in the background."""

    def __init__(
        self,
        story: Story,
        scene: Scene,
        narrate: Callable[[str], None] | None = None,
        timeout: float = TIMEOUT,
    ):
        self.story, self.scene, self.timeout = story, scene, timeout
        self.narrate = narrate or (lambda line: None)
        self.results = [StepResult(s.name, s.say) for s in story.steps]
        self.lock = threading.Lock()
        self.position = 0  # the index of the next step to play
        self.worker: threading.Thread | None = None

    @property
    def done(self) -> bool:
        return self.position >= len(self.results) and not self.busy

    @property
    def busy(self) -> bool:
        return self.worker is not None and self.worker.is_alive()

    @property
    def failed(self) -> list[StepResult]:
        return [r for r in self.results if r.status == "failed"]

    def next(self) -> StepResult | None:
        with self.lock:
            if self.position >= len(self.results):
                return None
            index = self.position
            self.position += 1
        return self._play(index)

    def start_next(self) -> bool:
        """Play the next step in a thread; False when a step is still playing or none is left."""
        with self.lock:
            if self.busy or self.position >= len(self.results):
                return False
            self.worker = threading.Thread(target=self.next, name=f"story-{self.story.name}", daemon=True)
            self.worker.start()
            return True

    def _play(self, index: int) -> StepResult:
        step, result = self.story.steps[index], self.results[index]
        result.status = "running"
        self.narrate(f"[{index + 1}/{len(self.results)}] {step.say}")
        started = time.monotonic()
        try:
            step.act(self.scene)
        except Exception as exc:  # a demo shows the failure on screen rather than stopping
            result.act_seconds = round(time.monotonic() - started, 3)
            return self._fail(result, f"the action failed: {exc.__class__.__name__}: {str(exc)[:300]}")
        acted = time.monotonic()
        result.act_seconds = round(acted - started, 3)
        reason = self._wait(step.check)
        result.visible_seconds = round(time.monotonic() - acted, 3)
        result.where = self._where(step)
        if reason:
            return self._fail(result, f"expected {reason}")
        result.status = "passed"
        self.narrate(f"      ✓ done in {result.act_seconds + result.visible_seconds:.2f} s")
        if result.where:
            self.narrate(f"      look at {result.where.label} (as {result.where.user})")
        return result

    def _wait(self, check) -> str | None:
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                reason = check(self.scene)
            except Exception as exc:  # a record not there yet reads as a missing key: ask again
                reason = f"a readable state ({exc.__class__.__name__}: {str(exc)[:200]})"
            if reason is None or time.monotonic() > deadline:
                return reason
            time.sleep(POLL)

    def _where(self, step) -> Where | None:
        try:
            return step.where(self.scene) if step.where else None
        except Exception:  # nothing to link to when the state it names is missing
            return None

    def _fail(self, result: StepResult, reason: str) -> StepResult:
        result.status, result.reason = "failed", reason
        self.narrate(f"      ✗ FAILED: {reason}")
        return result

    def state(self) -> dict:
        return {
            "story": self.story.name,
            "position": self.position,
            "busy": self.busy,
            "done": self.done,
            "steps": [{**asdict(r), "where": asdict(r.where) if r.where else None} for r in self.results],
        }


def play(run: StoryRun, pace: float | None, stop: threading.Event | None = None) -> None:
    """At a pace: a step every `pace` seconds (after the previous one ended). Without one: nothing here,
    the dashboard's Next button plays each step. Returns when the story is over or `stop` is set."""
    stop = stop or threading.Event()
    while not stop.is_set() and not run.done:
        if pace is not None and not run.busy:
            run.next()
            if not run.done:
                stop.wait(pace)
        else:
            stop.wait(0.2)
