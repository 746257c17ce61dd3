"""Bench: notifications delivered per second to a local receiver, and p50/p99 from event to delivery."""

from __future__ import annotations

import time

from alcsim.simulators.alcmeon.running import WebhookReceiver, start_environment

BURST = 2000
OVER_HTTPS = 300


def _measure(count: int, write) -> dict:
    """Start a fresh environment and receiver, make `count` events with `write`, wait for every delivery."""
    handle = start_environment()
    receiver = WebhookReceiver().start()
    try:
        handle.ext("PUT", "/application/webhook", json={"url": receiver.url}).raise_for_status()
        account = handle.account_id("whatsapp")
        started = time.perf_counter()
        for i in range(count):
            write(handle, account, i)
        written = time.perf_counter()
        receiver.wait_for(count, timeout=300)
        finished = time.perf_counter()
        stats = handle.env.notifier.stats()
        ids = receiver.ids()
        return {
            "notifications": count,
            "events_made_per_second": round(count / (written - started), 1),
            "notifications_delivered_per_second": round(count / (finished - started), 1),
            "event_to_delivery_p50_ms": round(stats["latency_p50_seconds"] * 1000, 2),
            "event_to_delivery_p99_ms": round(stats["latency_p99_seconds"] * 1000, 2),
            "in_order": ids == sorted(ids) and len(ids) == count,
        }
    finally:
        receiver.stop()
        handle.env.stop()


def run(results: dict) -> None:
    """`bench/__main__.py` convention: fill `results` with figures; nothing here asserts on time."""
    # Events made in-process: what the delivery worker sustains on its own.
    results["burst_in_process"] = _measure(
        BURST, lambda h, account, i: h.env.inbox.customer_writes(account, f"336{i:08d}", f"message {i}")
    )
    # Events made through the HTTPS extension, one TLS connection per call (the runner closes each).
    results["customers_over_https"] = _measure(
        OVER_HTTPS, lambda h, account, i: h.customer_writes(account, f"336{i:08d}", f"message {i}")
    )


if __name__ == "__main__":
    figures: dict = {}
    run(figures)
    print(figures)
