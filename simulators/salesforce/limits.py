"""The daily API request allowance: counted per call, shown in Sforce-Limit-Info and /limits/ (SC 7)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from alcsim.simulators.salesforce import errors

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.org import Org


class ApiUsage:
    def __init__(self, org: Org):
        self.org = org
        self._lock = threading.Lock()
        self._day = None
        self.used = 0

    @property
    def allowance(self) -> int:
        return self.org.config.api_daily_limit

    def _roll(self) -> None:
        day = self.org.clock.now().date()
        if day != self._day:
            self._day, self.used = day, 0

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

    def limits(self) -> dict:
        with self._lock:
            self._roll()
            remaining = max(self.allowance - self.used, 0)

        def entry(maximum: int, remaining_: int | None = None) -> dict:
            return {"Max": maximum, "Remaining": maximum if remaining_ is None else remaining_}

        return {
            "ConcurrentAsyncGetReportInstances": entry(200),
            "DailyApiRequests": entry(self.allowance, remaining),
            "DailyAsyncApexExecutions": entry(250000),
            "DailyBulkApiBatches": entry(15000),
            "DailyBulkV2QueryJobs": entry(10000),
            "DailyStreamingApiEvents": entry(1000000),
            "DataStorageMB": entry(1024),
            "FileStorageMB": entry(1024),
            "HourlyTimeBasedWorkflow": entry(1000),
            "SingleEmail": entry(5000),
        }
