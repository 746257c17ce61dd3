"""Run every bench and write the figures to bench/results.json (never a timed test assertion)."""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).with_name("results.json")
BENCHES = [
    "bench.org_bench",
    "bench.soql_bench",
    "alcsim.simulators.alcmeon.bench",
    "bench.connector_bench",
    "bench.chaos_bench",
    "bench.acceptance_bench",
    "bench.demo_bench",
    "bench.bulk_bench",
    "bench.topology_bench",
    "bench.suite_bench",  # last: it loads both cores for minutes
]


def main() -> int:
    # Naming benches on the command line refreshes their sections and keeps the others' figures.
    results: dict = json.loads(RESULTS.read_text()) if sys.argv[1:] and RESULTS.exists() else {}
    results |= {
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": __import__("os").cpu_count(),
        },
    }
    for name in sys.argv[1:] or BENCHES:
        started = time.perf_counter()
        module = importlib.import_module(name)
        section: dict = {}
        module.run(section)
        section["bench_seconds"] = round(time.perf_counter() - started, 1)
        results[name.removeprefix("bench.").replace("alcsim.simulators.alcmeon.bench", "alcmeon_bench")] = (
            section
        )
        print(f"{name}: done in {section['bench_seconds']} s", flush=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
