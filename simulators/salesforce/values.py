"""Field values between JSON, the store and the API: datetimes, dates, numbers, booleans (SC 3.4)."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta, timezone

from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.schema import Field

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$"
)


def format_datetime(moment: datetime) -> str:
    """Always UTC, milliseconds, `+0000` without a colon (SC 3.4)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def parse_datetime(text: str) -> datetime:
    """ISO-8601 as Salesforce accepts it: Z, +00:00 or +0000, with or without fractional seconds."""
    match = DATETIME.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(text)
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0").ljust(6, "0")[:6])
    moment = datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, tzinfo=UTC
    )
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = sign * (int(digits[:2]) * 60 + int(digits[2:]))
        moment = moment.replace(tzinfo=timezone(timedelta(minutes=offset))).astimezone(UTC)
    return moment


def _deserialize_error(kind: str, value) -> errors.SalesforceError:
    # Salesforce's JSON binder rejects a value of the wrong JSON type before any validation (SC 3.3).
    token = (
        "VALUE_STRING"
        if isinstance(value, str)
        else "VALUE_NUMBER_INT"
        if isinstance(value, int)
        else "START_OBJECT"
    )
    return errors.JsonParserError(
        f"Cannot deserialize instance of {kind} from {token} value {value} or request may be missing a required field"
    )


def to_store(f: Field, value):
    """Check one incoming value against its field and return what the store keeps."""
    if value is None:
        return None
    kind = f.type
    if isinstance(value, (dict, list)):
        raise _deserialize_error(kind, value)
    if kind == "boolean":
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return int(value.lower() == "true")
        raise _deserialize_error("boolean", value)
    if kind in ("int", "double", "currency", "percent"):
        if isinstance(value, bool):
            raise _deserialize_error("double", value)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise _deserialize_error("double" if kind != "int" else "int", value) from None
        if math.isnan(number) or math.isinf(number):
            raise _deserialize_error("double", value)
        # int fields hold 9 digits (32 bits); number fields at most 18 digits (SC 4 `digits`, `precision`).
        limit = 2**31 if kind == "int" else 10**18
        if abs(number) >= limit:
            label = f.label or f.name
            raise errors.NumberOutsideValidRange(
                f"{label}: value outside of valid range on numeric field: {value}", [f.name]
            )
        if kind == "int":
            if number != int(number):
                raise _deserialize_error("int", value)
            return int(number)
        return number
    if kind == "date":
        text = str(value)
        try:
            if "T" in text:
                return parse_datetime(text).date().isoformat()
            if len(text) != 10:
                raise ValueError(text)
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise _deserialize_error("date", value) from None
    if kind == "datetime":
        try:
            return format_datetime(parse_datetime(str(value)))
        except ValueError:
            raise _deserialize_error("datetime", value) from None
    if not isinstance(value, str):
        if isinstance(value, bool):
            value = "true" if value else "false"
        else:
            value = str(value)
    return value


def to_api(f: Field, stored):
    """The JSON value of a stored one: booleans are bools, doubles come back as floats (SC 3.4)."""
    if f.type == "boolean":
        return bool(stored)
    if stored is None:
        return None
    if f.type in ("double", "currency", "percent"):
        return float(stored)
    if f.type == "int":
        return int(stored)
    return stored


def check(f: Field, stored, label_for) -> None:
    """Length, e-mail and restricted picklist rules, with Salesforce's codes and messages (SC 3.3)."""
    if stored is None:
        return
    label = label_for(f)
    if (
        f.type in ("string", "textarea", "email", "phone", "url", "combobox", "picklist")
        and f.length
        and len(stored) > f.length
    ):
        raise errors.StringTooLong(
            f"{label}: data value too large: {stored[:40]} (max length={f.length})", [f.name]
        )
    if f.type == "email" and not EMAIL.match(stored):
        raise errors.InvalidEmailAddress(f"{label}: invalid email address: {stored}", [f.name])
    if f.type == "picklist" and f.restricted and stored not in f.values:
        raise errors.InvalidOrNullForRestrictedPicklist(
            f"{label}: bad value for restricted picklist field: {stored}", [f.name]
        )
    if f.type == "multipicklist" and f.restricted:
        for item in stored.split(";"):
            if item not in f.values:
                raise errors.InvalidOrNullForRestrictedPicklist(
                    f"{label}: bad value for restricted picklist field: {item}", [f.name]
                )


# The types whose text to_store keeps as it is, and those of them whose length check() measures.
_TEXT_KINDS = {"string", "textarea", "email", "phone", "url", "combobox", "picklist", "multipicklist"}
_MEASURED = {"string", "textarea", "email", "phone", "url", "combobox", "picklist"}


def converter(f: Field, label_for):
    """`check(f, to_store(f, value))` for many values of one field, the choices that depend on the field made
    once: a batch converts each column of thousands of rows with the same rules and the same errors."""

    def general(value):
        stored = to_store(f, value)
        check(f, stored, label_for)
        return stored

    if f.type not in _TEXT_KINDS or f.type == "multipicklist" and f.restricted:
        return general
    limit = f.length if f.type in _MEASURED and f.length else None
    email = f.type == "email"
    allowed = f.values if f.type == "picklist" and f.restricted else None
    if limit is None and not email and allowed is None:
        return lambda value: value if value.__class__ is str else general(value)
    if not email and allowed is None:
        return lambda value: value if value.__class__ is str and len(value) <= limit else general(value)

    def text(value):
        if value.__class__ is not str or limit is not None and len(value) > limit:
            return general(value)  # the error, or what to_store makes of a value that is not text
        if email and not EMAIL.match(value) or allowed is not None and value not in allowed:
            return general(value)
        return value

    return text
