"""A Flask app whose URL rules share their parsed form and their URL builders with every app of the process.

When a rule joins an app's map Werkzeug parses its text into the parts its matcher walks, then compiles two
builder functions for `url_for` (it writes them as syntax trees and runs `compile()` on each): most of the
cost of making an app, and every org, environment and test makes its own. Both results depend only on the
rule's text and on the converter classes named in it, never on the app: the parts are read-only strings and
weights, and a builder reaches every piece of state through its `self` argument (the rule, its converters,
its map). So they are worked out once per process for each distinct rule. What holds state stays per app:
each app has its own map, rules, matcher, view functions, and converters made for its own map.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from importlib.metadata import version

from flask import Flask
from werkzeug.routing import Rule

_PARSED: dict[tuple, tuple] = {}
_BUILDERS: dict[tuple, Callable] = {}
_LOCK = threading.Lock()


class SharedRule(Rule):
    """Werkzeug's rule, parsed and its URL builders compiled once per process for each distinct rule."""

    def get_converter(self, variable_name, converter_name, args, kwargs):
        converter = super().get_converter(variable_name, converter_name, args, kwargs)
        recorded = self.__dict__.get("_converter_calls")
        if recorded is not None:  # a first parse: how to make the rule's converters again
            recorded.append((variable_name, converter_name, args, dict(kwargs)))
        return converter

    def _parse_rule(self, rule: str) -> Iterator:
        # A converter's regex comes from its class and the arguments written in the rule (Werkzeug's
        # converters, IdConverter): the classes this map gives the names are part of the key.
        key = (rule, tuple(sorted(self.map.converters.items(), key=lambda item: item[0])))
        parsed = _PARSED.get(key)
        if parsed is None:
            trace_start = len(self._trace)
            self._converter_calls: list[tuple] = []
            try:
                parts = tuple(super()._parse_rule(rule))
                parsed = (parts, tuple(self._trace[trace_start:]), tuple(self._converter_calls))
            finally:
                del self._converter_calls
            with _LOCK:
                _PARSED.setdefault(key, parsed)
            yield from parts
            return
        parts, trace, converter_calls = parsed
        self._trace.extend(trace)
        for variable, converter_name, args, kwargs in converter_calls:
            # This rule's own converter, bound to this rule's map: converters are never shared.
            self._converters[variable] = self.get_converter(variable, converter_name, args, dict(kwargs))
            self.arguments.add(variable)
        yield from parts

    def _compile_builder(self, append_unknown: bool = True) -> Callable:
        defaults = self.defaults or {}
        if defaults and any(dynamic and name in defaults for dynamic, name in self._trace):
            # A default for a variable of the rule is folded into the code through the rule's converter
            # (Werkzeug's comment: "resolve it to a constant ahead of time"): left to Werkzeug, uncached.
            return super()._compile_builder(append_unknown)
        key = (append_unknown, self.rule, tuple(self._trace), tuple(str(k) for k in defaults))
        builder = _BUILDERS.get(key)
        if builder is None:
            builder = super()._compile_builder(append_unknown)
            with _LOCK:
                builder = _BUILDERS.setdefault(key, builder)
        return builder


# The two methods SharedRule overrides are Werkzeug's internals as 3.1 writes them
# (tests/unit/common/test_routing.py compares every route with plain rules): under another release the
# plain rules are used, slower to make and never wrong.
SHARING = version("werkzeug").startswith("3.1.")


class SimulatorApp(Flask):
    """Flask, with rules whose parsed form and builders are shared (`SharedRule`)."""

    url_rule_class = SharedRule if SHARING else Rule
