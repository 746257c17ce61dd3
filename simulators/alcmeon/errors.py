"""Errors the domain raises, each carrying the status and body shape Alcméon documents for it."""

from __future__ import annotations


class AlcmeonError(Exception):
    """The common `{error, details}` envelope (AR 3.1); `error` is the short code clients match on."""

    def __init__(self, status: int, error: str, details: str = ""):
        super().__init__(f"{status} {error}: {details}")
        self.status = status
        self.error = error
        self.details = details or error

    def body(self) -> dict:
        return {"error": self.error, "details": self.details}


class ReasonError(AlcmeonError):
    """User provisioning and embed answer `{error: {reason, ...}}` instead (AR 3.5, 3.9)."""

    def body(self) -> dict:
        return {"error": {"reason": self.error, "data": self.details}}


class BadRequest(AlcmeonError):
    def __init__(self, error: str, details: str = ""):
        super().__init__(400, error, details)


class Unauthorized(AlcmeonError):
    def __init__(self, details: str = "missing or invalid credentials"):
        super().__init__(401, "unauthorized", details)


class Forbidden(AlcmeonError):
    def __init__(self, error: str = "insufficient-permissions", details: str = ""):
        super().__init__(403, error, details)


class NotFound(AlcmeonError):
    def __init__(self, error: str = "not-found", details: str = ""):
        super().__init__(404, error, details)


class Conflict(AlcmeonError):
    def __init__(self, error: str, details: str = ""):
        super().__init__(409, error, details)
