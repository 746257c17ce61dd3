"""Small checks on client input that raise the vendor's 400 instead of letting a bad value through."""

from __future__ import annotations

from flask import request

from alcsim.simulators.alcmeon.errors import AlcmeonError, BadRequest

# SQLite integers are 64-bit; anything bigger cannot name a stored row and must not reach the driver.
MAX_ID = 2**63 - 1


def json_body(kind: type = dict, error: type[AlcmeonError] = BadRequest, code: str = "invalid-request-body"):
    body = request.get_json(silent=True)
    if not isinstance(body, kind):
        raise error(code, f"the request body must be a JSON {'object' if kind is dict else 'array'}")
    return body


def integer(value, name: str, *, minimum: int = 0, maximum: int = MAX_ID, code: str = "invalid-request-body"):
    # JSON booleans are ints in Python; Alcméon's ids are not booleans.
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise BadRequest(code, f"{name} must be an integer between {minimum} and {maximum}")
    return value


def text(
    value, name: str, *, max_length: int | None = None, allow_empty: bool = False, code="invalid-request-body"
):
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise BadRequest(code, f"{name} must be a non-empty string")
    if max_length is not None and len(value) > max_length:
        raise BadRequest(code, f"{name} is longer than {max_length} characters")
    return value


def boolean(value, name: str, code: str = "invalid-request-body") -> bool:
    if not isinstance(value, bool):
        raise BadRequest(code, f"{name} must be a boolean")
    return value


def query_int(name: str, default: int | None = None, *, required=False, minimum=0, maximum=MAX_ID):
    raw = request.args.get(name)
    if raw is None or raw == "":
        if required:
            raise BadRequest("invalid-parameters", f"{name} is required")
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest("invalid-parameters", f"{name} must be an integer") from None
    if not minimum <= value <= maximum:
        raise BadRequest("invalid-parameters", f"{name} must be between {minimum} and {maximum}")
    return value


def query_bool(name: str, *, required=False) -> bool | None:
    raw = request.args.get(name)
    if raw is None:
        if required:
            raise BadRequest("invalid-parameters", f"{name} is required")
        return None
    lowered = raw.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise BadRequest("invalid-parameters", f"{name} must be true or false")


def phone_number(value, name: str = "phone number") -> str:
    """AR 2.3 / 3.12: phone ids are international numbers without '+'; input may carry one."""
    if not isinstance(value, str):
        raise BadRequest("invalid-phone-number", f"{name} must be a string")
    digits = value.strip()
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.isascii() and digits.isdigit() and len(digits) > 15:
        # E.164: at most 15 digits. The value is not echoed whole: it may be megabytes long.
        raise BadRequest("invalid-phone-number-format", f"{name} has {len(digits)} digits; at most 15")
    if not digits.isascii() or not digits.isdigit() or not 8 <= len(digits) <= 15:
        shown = value if len(value) <= 40 else value[:40] + "..."
        raise BadRequest("invalid-phone-number-format", f"{name} {shown!r} is not an international number")
    return digits
