"""Bulk API 1.0's own errors: an exceptionCode and exceptionMessage, in XML or JSON, never the REST list.

Codes and statuses follow the Bulk API Developer Guide, "Errors" and "HTTP Status Codes": the API
answers 400 for an invalid request of any kind (InvalidSessionId included, which is why jsforce looks
for `<exceptionCode>InvalidSessionId</exceptionCode>` in a 400), 405 for a method other than GET or POST.
"""

from __future__ import annotations


class BulkError(Exception):
    """One refusal of the Bulk API: `code` is the exceptionCode (ClientInputError, InvalidJob...)."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def invalid_session() -> BulkError:
    return BulkError("InvalidSessionId", "Invalid session id")


def invalid_job(job_id: str) -> BulkError:
    return BulkError("InvalidJob", f"Invalid job id: {job_id}")


def invalid_batch(batch_id: str) -> BulkError:
    return BulkError("InvalidBatch", f"Invalid batch id: {batch_id}")


def client_input(message: str) -> BulkError:
    return BulkError("ClientInputError", message)
