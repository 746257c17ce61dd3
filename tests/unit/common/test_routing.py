"""Apps whose rules share their parsed form and builders route and build exactly as plain Flask apps do."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import BuildError, Rule

from alcsim.simulators.alcmeon.environment import AlcmeonEnvironment
from alcsim.simulators.common import routing
from alcsim.simulators.salesforce.app import create_app
from alcsim.simulators.salesforce.org import Org

# Values tried for each variable of a rule until the plain app builds a URL with them.
CANDIDATES = ("001000000000001AAA", "v62.0", "62.0", "7", "Contact", "comment", "a/b")
STRAYS = ("/", "/services/data/v62.0/nothing/here", "/v1/none", "/services/data/v62.0/sobjects/Contact/x/y/z")


def _salesforce():
    return create_app(Org())


def _alcmeon():
    return AlcmeonEnvironment().app


def _routes(app) -> list[tuple]:
    """Each rule, the URL built for it, and what matching that URL and a few stray ones gives, by method."""
    adapter = app.url_map.bind("org.example", url_scheme="https")
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        url = None
        for value in CANDIDATES:
            try:
                url = adapter.build(rule.endpoint, dict.fromkeys(rule.arguments, value), force_external=False)
                break
            except (BuildError, ValueError):  # a value the converter refuses (`any(...)`): try the next
                continue
        found.append((rule.rule, rule.endpoint, sorted(rule.methods or ()), url, _match(adapter, url)))
    found.extend((path, _match(adapter, path)) for path in STRAYS)
    return found


def _match(adapter, path: str | None):
    if path is None:
        return None
    answers = []
    for method in ("GET", "POST", "PATCH", "DELETE"):
        try:
            answers.append(adapter.match(path.split("?")[0], method=method))
        except (NotFound, MethodNotAllowed) as exc:
            answers.append(type(exc).__name__)
        except Exception as exc:  # a redirect for a strict slash, say: the same on both sides
            answers.append(repr(exc))
    return answers


@pytest.mark.parametrize("make", [_salesforce, _alcmeon], ids=["salesforce", "alcmeon"])
def test_shared_rules_route_and_build_as_plain_rules(make, monkeypatch):
    with monkeypatch.context() as plain:
        plain.setattr(routing.SimulatorApp, "url_rule_class", Rule)
        expected = _routes(make())
    assert routing.SimulatorApp.url_rule_class is (routing.SharedRule if routing.SHARING else Rule)
    first, second = _routes(make()), _routes(make())
    assert first == expected
    assert second == expected
    assert sum(1 for entry in expected if len(entry) == 5 and entry[3]) >= 80  # most rules were built


def test_converters_are_never_shared_between_apps():
    one, two = _salesforce(), _salesforce()
    for a, b in zip(
        sorted(one.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)),
        sorted(two.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)),
        strict=True,
    ):
        assert a is not b and a.map is one.url_map and b.map is two.url_map
