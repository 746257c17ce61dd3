"""The filters of the KakaoTalk and RCS template lists, checked as initiate-conversation-api.yaml types them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from alcsim.simulators.alcmeon.errors import BadRequest
from alcsim.simulators.alcmeon.validation import MAX_ID

# The document's filter enum; open question 22: `accepted` is the items' `approved`, `submitted` their `in_review`.
KAKAOTALK_STATUSES = {
    "submitted": "in_review",
    "in_review": "in_review",
    "rejected": "rejected",
    "accepted": "approved",
}
STORED_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # how templates keep created_at / last_modified_at (engagement.py)
RANGES = ("created_at_range", "last_modified_at_range")


@dataclass
class TemplateFilters:
    account_id: int
    limit: int = 20
    page: int = 0
    status: str | None = None
    template_id: int | None = None
    ranges: dict | None = None  # column -> (start, end), each a stored-format string or None

    def where(self) -> tuple[str, list]:
        """SQL conditions (column names are ours) and their arguments, after `account_id = ?`."""
        sql, args = "", []
        if self.status is not None:
            sql, args = sql + " AND status = ?", [*args, self.status]
        if self.template_id is not None:
            sql, args = sql + " AND id = ?", [*args, self.template_id]
        for column, (start, end) in (self.ranges or {}).items():
            if start is not None:
                sql, args = sql + f" AND {column} >= ?", [*args, start]
            if end is not None:
                sql, args = sql + f" AND {column} <= ?", [*args, end]
        return sql, args


def _integer(body: dict, name: str, default, minimum: int, maximum: int):
    value = body.get(name, default)
    if value is None and default is None and name not in body:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise BadRequest("invalid-request-body", f"{name} must be an integer between {minimum} and {maximum}")
    return value


def _moment(value, name: str) -> str | None:
    # The document's example is `2025-04-24 10:30:15`; ISO 8601 (`T`, an offset or `Z`) is accepted too.
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise BadRequest("invalid-request-body", f"{name} must be a date-time such as 2025-04-24 10:30:15")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(
            "invalid-request-body", f"{name} must be a date-time such as 2025-04-24 10:30:15"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime(STORED_FORMAT)


def parse_filters(body: dict, *, with_status: bool) -> TemplateFilters:
    """Every filter the document lists, refused when malformed (it answers 400 to invalid parameters)."""
    account_id = body.get("account_id")
    if isinstance(account_id, bool) or not isinstance(account_id, int) or not 0 <= account_id <= MAX_ID:
        raise BadRequest("invalid-request-body", "account_id is a required integer")
    filters = TemplateFilters(
        account_id=account_id,
        limit=_integer(body, "limit", 20, 1, 100),
        page=_integer(body, "page", 0, 0, 10**9),
        template_id=_integer(body, "id", None, 0, MAX_ID),
    )
    if with_status and "status" in body:
        status = body["status"]
        if not isinstance(status, str) or status not in KAKAOTALK_STATUSES:
            raise BadRequest("invalid-request-body", f"status is one of {', '.join(KAKAOTALK_STATUSES)}")
        filters.status = KAKAOTALK_STATUSES[status]
    filters.ranges = {}
    for name in RANGES:
        if name not in body:
            continue
        value = body[name]
        if not isinstance(value, dict) or set(value) - {"start", "end"}:
            raise BadRequest("invalid-request-body", f"{name} is an object {{start, end}}")
        start, end = _moment(value.get("start"), f"{name}.start"), _moment(value.get("end"), f"{name}.end")
        if start is not None and end is not None and start > end:
            raise BadRequest("invalid-request-body", f"{name}.start is after {name}.end")
        filters.ranges[name.removesuffix("_range")] = (start, end)
    return filters
