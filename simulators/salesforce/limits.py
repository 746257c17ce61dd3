"""The daily API allowances: requests counted per call (Sforce-Limit-Info), bulk batches, query jobs and their
result storage, all shown in /limits/ (SC 7; api_asynch "Bulk API and Bulk API 2.0 Limits and Allocations")."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from alcsim.simulators.salesforce import errors

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.org import Org


# Daily bulk allocations under their /limits/ names: 15,000 batches (Bulk API 1.0 batches and Bulk API 2.0's
# internal 10,000-record batches alike), 10,000 Bulk API 2.0 query jobs, 976,562 MB of query results.
BULK = {
    "DailyBulkApiBatches": 15_000,
    "DailyBulkV2QueryJobs": 10_000,
    "DailyBulkV2QueryFileStorageMB": 976_562,
}
MB = 1024 * 1024


class ApiUsage:
    def __init__(self, org: Org):
        self.org = org
        self._lock = threading.Lock()
        self._day = None
        self.used = 0
        self.bulk = dict.fromkeys(BULK, 0)
        self.query_bytes = 0

    @property
    def allowance(self) -> int:
        return self.org.config.api_daily_limit

    def _roll(self) -> None:
        day = self.org.clock.now().date()
        if day != self._day:
            self._day, self.used = day, 0
            self.bulk = dict.fromkeys(BULK, 0)
            self.query_bytes = 0

    def count(self) -> None:
        """Count one call, or refuse it once the allowance is used up: 403 REQUEST_LIMIT_EXCEEDED."""
        with self._lock:
            self._roll()
            if self.used >= self.allowance:
                raise errors.RequestLimitExceeded("TotalRequests Limit exceeded.")
            self.used += 1

    def header(self) -> str:
        with self._lock:
            self._roll()
            return f"api-usage={self.used}/{self.allowance}"

    def reset(self) -> None:
        with self._lock:
            self.used = 0
            self.bulk = dict.fromkeys(BULK, 0)
            self.query_bytes = 0

    # -- bulk allocations: counted by the bulk APIs, refused by them before a job starts -------------------
    def count_bulk_batches(self, batches: int = 1) -> None:
        self._count_bulk("DailyBulkApiBatches", batches)

    def count_bulk_query_job(self) -> None:
        self._count_bulk("DailyBulkV2QueryJobs", 1)

    def count_bulk_query_storage(self, size_bytes: int) -> None:
        with self._lock:
            self._roll()
            self.query_bytes += size_bytes
            self.bulk["DailyBulkV2QueryFileStorageMB"] = -(-self.query_bytes // MB)

    def bulk_remaining(self, name: str) -> int:
        with self._lock:
            self._roll()
            return max(BULK[name] - self.bulk[name], 0)

    def _count_bulk(self, name: str, amount: int) -> None:
        with self._lock:
            self._roll()
            self.bulk[name] += amount

    def limits(self) -> dict:
        with self._lock:
            self._roll()
            remaining = max(self.allowance - self.used, 0)
            bulk = {name: max(BULK[name] - used, 0) for name, used in self.bulk.items()}

        def entry(maximum: int, remaining_: int | None = None) -> dict:
            return {"Max": maximum, "Remaining": maximum if remaining_ is None else remaining_}

        return {
            "ConcurrentAsyncGetReportInstances": entry(200),
            "DailyApiRequests": entry(self.allowance, remaining),
            "DailyAsyncApexExecutions": entry(250000),
            "DailyBulkApiBatches": entry(BULK["DailyBulkApiBatches"], bulk["DailyBulkApiBatches"]),
            "DailyBulkV2QueryFileStorageMB": entry(
                BULK["DailyBulkV2QueryFileStorageMB"], bulk["DailyBulkV2QueryFileStorageMB"]
            ),
            "DailyBulkV2QueryJobs": entry(BULK["DailyBulkV2QueryJobs"], bulk["DailyBulkV2QueryJobs"]),
            "DailyStreamingApiEvents": entry(1000000),
            "DataStorageMB": entry(1024),
            "FileStorageMB": entry(1024),
            "HourlyTimeBasedWorkflow": entry(1000),
            "SingleEmail": entry(5000),
        }
