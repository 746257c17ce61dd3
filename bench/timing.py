"""Small helpers to time repeated calls: median latency and throughput."""

from __future__ import annotations

import statistics
import time


def measure(call, count: int) -> dict:
    """Call `call(i)` count times; report median and p95 latency in ms and requests per second."""
    latencies = []
    started = time.perf_counter()
    for i in range(count):
        t = time.perf_counter()
        call(i)
        latencies.append((time.perf_counter() - t) * 1000)
    total = time.perf_counter() - started
    latencies.sort()
    return {
        "count": count,
        "median_ms": round(statistics.median(latencies), 3),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 3),
        "requests_per_second": round(count / total, 1),
    }
