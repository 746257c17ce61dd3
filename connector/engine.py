"""The engine: worker threads that claim jobs from the durable queue and hand them to a handler by type."""

# Handlers are the extension point (a dispatcher keyed by job type, connector/jobs.py): the Alcméon ->
# Salesforce sync registers "alcmeon.action"; the package callouts, matching and the CRM errors register
# theirs. A handler gets groups of jobs (one group per conversation, in order) and answers one Outcome
# per group. The engine turns outcomes into durable state: done, retried after a back-off, or a sync
# error an admin can retry or ignore (SYNC-10). A job type with no handler is parked, not dropped.
# Retry policy (docs/assumptions.md "Retries"): a retryable failure is tried again after a full-jitter
# back-off capped at `retry_cap` (60 s) for as long as `retry_window` (24 h of clock time since the
# job's first failure), so an outage of either side ends in convergence with no admin; a permanent
# failure, or a window run out, is a sync error at once.

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from alcsim.connector.jobs import STATE_BASED
from alcsim.connector.retry import next_delay
from alcsim.connector.store import Job, Store

log = logging.getLogger("alcsim.connector")


@dataclass
class Outcome:
    kind: str  # "done", "retry", "error", "park"
    message: str = ""
    retry_after: float | None = None
    info: dict = field(default_factory=dict)  # for a sync error: org, conversation, task, message, scoped id

    @classmethod
    def done(cls, message: str = "") -> Outcome:
        return cls("done", message)


Handler = Callable[[list[list[Job]]], list[Outcome]]


class Dispatcher:
    """Job type -> handler. `register` is how features plug in (see connector/service.py)."""

    def __init__(self):
        self._handlers: dict[str, Handler] = {}

    def register(self, job_type: str, handler: Handler) -> None:
        self._handlers[job_type] = handler

    def handler(self, job_type: str) -> Handler | None:
        return self._handlers.get(job_type)

    def types(self) -> set[str]:
        return set(self._handlers)


@dataclass
class EngineSettings:
    workers: int = 4
    batch: int = 200  # conversations per claim: a full collection call (200 records, salesforce-contract 7)
    # While a catch-up adds a backlog, a claim waits for a full batch, at most this long (real seconds)
    # since the last claim: a backlog read 10 actions a call then moves in collections of 200, not 10.
    fill_wait: float = 0.5
    retry_base: float = 0.1
    retry_cap: float = 60.0  # seconds: the longest back-off between two attempts of a job
    retry_window: float = 86_400.0  # clock seconds a job keeps retrying after its first failure
    max_attempts: int | None = None  # None: the window alone decides (a test may cap attempts)
    seed: int | None = None


class Engine:
    def __init__(self, store: Store, dispatcher: Dispatcher, settings: EngineSettings | None = None):
        self.hooks: list[Callable[[str, Job, dict], None]] = []
        # Which org a failed job belongs to when its handler could not say (connector/service.py).
        self.org_of: Callable[[Job], str | None] | None = None
        self.store = store
        self.dispatcher = dispatcher
        self.settings = settings or EngineSettings()
        self._rng = random.Random(self.settings.seed)
        self._wake = threading.Condition()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._busy = 0
        self._filling = 0
        self._last_claim = 0.0
        self._claiming = threading.Lock()

    def start(self) -> Engine:
        self._park_unhandled()
        for index in range(self.settings.workers):
            thread = threading.Thread(target=self._run, name=f"connector-worker-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.wake()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads.clear()

    def wake(self) -> None:
        with self._wake:
            self._wake.notify_all()

    @contextmanager
    def filling(self) -> Iterator[None]:
        """A catch-up adding a backlog: claims take full batches until it ends (`fill_wait` at most)."""
        with self._wake:
            self._filling += 1
        try:
            yield
        finally:
            with self._wake:
                self._filling -= 1
                self._wake.notify_all()

    def _claim(self) -> list[list[Job]] | None:
        """The next groups, or None while a filling backlog has less than a batch ready; one worker at
        a time decides, so two cannot both see a full batch and split it."""
        with self._claiming:
            if self._hold_for_batch():
                return None
            groups = self.store.claim(self.settings.batch, self.dispatcher.types())
            if groups:
                self._last_claim = time.monotonic()
            return groups

    def _hold_for_batch(self) -> bool:
        with self._wake:
            filling = self._filling > 0
        if not filling or time.monotonic() - self._last_claim >= self.settings.fill_wait:
            return False
        return self.store.pending_count(self.settings.batch) < self.settings.batch

    def _park_unhandled(self) -> None:
        """Parked jobs come back when a handler for their type exists (after an upgrade and restart)."""
        for job_type in self.dispatcher.types():
            with self.store.transaction() as db:
                db.execute(
                    "UPDATE jobs SET state = 'pending' WHERE state = 'parked' AND type = ?", (job_type,)
                )

    def _run(self) -> None:
        while not self._stopping.is_set():
            groups = self._claim()
            if groups is None:  # held for a full batch
                with self._wake:
                    self._wake.wait(0.02)
                continue
            if not groups:
                self._park_jobs_without_handler()
                due = self.store.seconds_to_next_due()
                # A short poll, so a back-off that ends because a test moved the clock is seen quickly.
                wait = 0.25 if due is None else min(0.25, max(0.005, due))
                with self._wake:
                    self._wake.wait(wait)
                continue
            with self._wake:
                self._busy += 1
            try:
                self._handle(groups)
            finally:
                with self._wake:
                    self._busy -= 1
                    self._wake.notify_all()

    def _park_jobs_without_handler(self) -> None:
        types = self.dispatcher.types()
        marks = ",".join("?" * len(types)) or "NULL"
        with self.store.transaction() as db:
            db.execute(
                f"UPDATE jobs SET state = 'parked' WHERE state = 'pending' AND type NOT IN ({marks})",
                tuple(sorted(types)),
            )

    def _handle(self, groups: list[list[Job]]) -> None:
        by_type: dict[str, list[list[Job]]] = {}
        for group in groups:
            by_type.setdefault(group[0].type, []).append(group)
        # Most claims settle no earlier error: then one look-up, not one per group.
        errors_waiting = self.store.has_unsettled_errors()
        for job_type, typed in by_type.items():
            handler = self.dispatcher.handler(job_type)
            try:
                outcomes = handler(typed) if handler else [Outcome("park")] * len(typed)
            except Exception as exc:  # a handler bug must not kill the worker nor lose the jobs
                log.exception("handler for %s failed", job_type)
                outcomes = [Outcome("retry", f"{exc.__class__.__name__}: {exc}")] * len(typed)
            pairs = list(zip(typed, outcomes, strict=True))
            # The claim's done jobs in one transaction; the other outcomes one group at a time.
            self.store.finish([job.id for group, outcome in pairs if outcome.kind == "done" for job in group])
            for group, outcome in pairs:
                if outcome.kind == "done":
                    if errors_waiting:
                        self._resolve(group)
                else:
                    self._settle(group, outcome)

    def _resolve(self, group: list[Job]) -> None:
        settled = self.store.resolve_errors(group, group[0].type in STATE_BASED)
        if settled:
            self._tell("resolved", group[-1], {"errors": settled})

    def _settle(self, group: list[Job], outcome: Outcome) -> None:
        ids = [job.id for job in group]
        covers_key = group[0].type in STATE_BASED
        if outcome.kind == "done":
            self.store.finish(ids)
            self._resolve(group)
        elif outcome.kind == "park":
            self.store.finish(ids, "parked")
        elif outcome.kind == "retry" and not self._out_of_retries(group[0]):
            delay = _delay(group[0].attempts, outcome.retry_after, self.settings, self._rng)
            log.info("retrying %s in %.2fs: %s", ids, delay, outcome.message)
            self.store.retry_later(ids, delay, outcome.message)
        elif covers_key:
            # SYNC-10: a failed push does not stop the flow; the message gets CRM_SYNCHRO_ERROR and waits
            # for an admin (retry one, retry all, ignore). Later jobs of the conversation go on. The sync
            # is state-based, so the group's last job carries the error for the whole group.
            self.store.finish(ids, "error", outcome.message)
            for job in group[:-1]:
                self.store.finish([job.id], "done", "covered by the last job of its group")
            self._error(group[-1], outcome, covers_key)
        else:
            # Each job of any other type is work of its own (a close, a match): each keeps its error.
            self.store.finish(ids, "error", outcome.message)
            for job in group:
                self._error(job, outcome, covers_key)

    def _out_of_retries(self, job: Job) -> bool:
        if self.settings.max_attempts is not None and job.attempts + 1 >= self.settings.max_attempts:
            return True
        started = job.first_failed_at
        return started is not None and self.store.clock.timestamp() - started >= self.settings.retry_window

    def _error(self, job: Job, outcome: Outcome, covers_key: bool) -> None:
        info = {"code": "CRM_SYNCHRO_ERROR", "detail": outcome.message, **outcome.info}
        if not info.get("org") and self.org_of is not None:
            try:
                info["org"] = self.org_of(job)
            except Exception:  # an unknown org leaves the error listed under its environment's orgs
                log.exception("no org found for failed job %s", job.id)
        self.store.add_sync_error(job.id, job.payload.get("env", ""), info, job, covers_key)
        self._tell("error", job, info)

    def _tell(self, event: str, job: Job, data: dict) -> None:
        """Hooks see sync errors come and go (connector/crm_errors.py reports them to Alcméon)."""
        for hook in list(self.hooks):
            try:
                hook(event, job, data)
            except Exception:  # a hook must not stop the engine; its own jobs retry
                log.exception("sync-error hook failed for job %s", job.id)

    def idle(self) -> bool:
        """No job ready or running, and no worker busy (jobs waiting for a back-off count as work)."""
        counts = self.store.counts()
        with self._wake:
            busy = self._busy
        return busy == 0 and counts.get("pending", 0) == 0 and counts.get("running", 0) == 0

    def wait_idle(self, timeout: float = 30.0) -> bool:
        # Real elapsed time: how long a caller is prepared to wait, whatever the shared clock says.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.idle():
                return True
            with self._wake:
                self._wake.wait(0.02)
        return self.idle()


def _delay(attempt: int, retry_after: float | None, settings: EngineSettings, rng: random.Random) -> float:
    return next_delay(attempt, retry_after, settings.retry_base, settings.retry_cap, rng)
