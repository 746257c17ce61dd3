"""Fault rules: latency, an error in the vendor's envelope, or a dropped connection, on matching calls.

A rule matches by method and a path regular expression, and fires with a probability (from the
rules' own seeded random, so a run repeats) or for the next N matching calls.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import asdict, dataclass, field

KINDS = ("latency", "error", "drop")


class FaultRuleError(ValueError):
    """A rule that cannot be applied; the message says which part is wrong."""


@dataclass
class FaultRule:
    kind: str
    method: str | None = None
    path: str = ".*"
    probability: float = 1.0
    times: int | None = None
    latency_ms: int = 0
    status: int = 503
    error_code: str = "SERVER_UNAVAILABLE"
    message: str = "Server unavailable"
    headers: dict | None = None  # e.g. {"Retry-After": "2"} on an error
    id: int = 0
    fired: int = 0
    _pattern: re.Pattern = field(default=None, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: dict) -> FaultRule:
        if not isinstance(data, dict):
            raise FaultRuleError("a fault rule is a JSON object")
        allowed = {
            "kind",
            "method",
            "path",
            "probability",
            "times",
            "latency_ms",
            "status",
            "error_code",
            "message",
            "headers",
        }
        unknown = set(data) - allowed
        if unknown:
            raise FaultRuleError(f"unknown keys: {', '.join(sorted(unknown))}")
        if data.get("kind") not in KINDS:
            raise FaultRuleError(f"kind must be one of {', '.join(KINDS)}")
        try:
            rule = cls(**data)
            rule._pattern = re.compile(rule.path)
        except (TypeError, re.error) as exc:
            raise FaultRuleError(str(exc)) from exc
        if not 0 <= float(rule.probability) <= 1:
            raise FaultRuleError("probability must be between 0 and 1")
        if rule.times is not None and (not isinstance(rule.times, int) or rule.times < 1):
            raise FaultRuleError("times must be a positive integer")
        if not isinstance(rule.status, int) or not 400 <= rule.status <= 599:
            raise FaultRuleError("status must be an HTTP error status (400-599)")
        if not isinstance(rule.latency_ms, int) or not 0 <= rule.latency_ms <= 60000:
            raise FaultRuleError("latency_ms must be an integer between 0 and 60000")
        if rule.headers is not None and not (
            isinstance(rule.headers, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in rule.headers.items())
        ):
            raise FaultRuleError("headers is an object of header names to string values")
        if rule.method:
            rule.method = rule.method.upper()
        return rule

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("_pattern")
        return data

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and bool(self._pattern.search(path))


class FaultRules:
    def __init__(self, seed: int | str | None = None):
        self._rules: list[FaultRule] = []
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._next_id = 0

    def add(self, data: dict) -> FaultRule:
        rule = FaultRule.from_dict(data)
        with self._lock:
            self._next_id += 1
            rule.id = self._next_id
            self._rules.append(rule)
        return rule

    def list(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def reseed(self, seed: int | str | None) -> None:
        with self._lock:
            self._random.seed(seed)

    def pick(self, method: str, path: str) -> FaultRule | None:
        """The first rule that matches and fires; a rule with `times` is spent after N firings."""
        with self._lock:
            for rule in self._rules:
                if not rule.matches(method, path):
                    continue
                if rule.probability < 1 and self._random.random() >= rule.probability:
                    continue
                rule.fired += 1
                if rule.times is not None and rule.fired >= rule.times:
                    self._rules.remove(rule)
                return rule
        return None
