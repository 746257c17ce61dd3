"""Wait on a condition with a timeout: tests and tools poll state, they never sleep a fixed time."""

from __future__ import annotations

import signal
import threading
import time


def wait_until(check, timeout: float = 10.0, interval: float = 0.05, what: str = "condition"):
    """Poll `check()` until it returns something truthy, and return that value."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        pause.wait(interval)


def wait_for_interrupt(stop: threading.Event | None = None) -> None:
    """Block a serving command until Ctrl-C or SIGTERM; `stop` is set either way, for threads that watch it."""
    stop = stop or threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):  # a timed wait keeps Ctrl-C deliverable to the main thread
            pass
    except KeyboardInterrupt:
        pass
    stop.set()
