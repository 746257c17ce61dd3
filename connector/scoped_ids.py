"""The scoped-id layout (docs/assumptions.md, "Scoped id"): `<instance>:<account>:<user>:<conversation>`."""

# Alcméon writes each conversation's scoped id (AR 1.3): four colon-separated parts in base 36, the
# first naming the environment (TOPO-03: callouts and widget calls are routed by it). Every reading of
# that layout lives here, so it changes in one edit.

from __future__ import annotations

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
SCOPE_LENGTH = 6


def scope_of_instance(instance_id: str) -> str:
    """First part of the environment's scoped ids: the instance id in base 36, at most six characters."""
    if not instance_id.isdigit():
        return instance_id[:SCOPE_LENGTH]
    number, out = int(instance_id), ""
    while True:
        number, rest = divmod(number, 36)
        out = DIGITS[rest] + out
        if number == 0:
            return out[:SCOPE_LENGTH]


def scope_of(scoped_id: str | None) -> str:
    """The first part of a scoped id: the environment's scope."""
    return (scoped_id or "").split(":", 1)[0]


def environment_of(scoped_id: str | None, scopes: dict[str, str]) -> str | None:
    """The environment a record came from, by its scope (`scopes`: scope -> environment name)."""
    return scopes.get(scope_of(scoped_id))


def conversation_id_of(scoped_id: str) -> int:
    """The last part: the conversation id in base 36 (ValueError when it is not base 36)."""
    return int(scoped_id.rsplit(":", 1)[-1], 36)
