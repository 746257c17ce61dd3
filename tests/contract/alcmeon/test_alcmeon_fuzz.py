"""schemathesis fuzzes the fake in-process (WSGI) from each official document and its own: never a 5xx."""

# Issue 13: at least 1,000 generated cases against the official documents, valid and invalid ones, with
# the application's credentials. In-process, so the whole run takes seconds, not a TLS handshake a case.

import base64
import functools
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from alcsim.simulators.alcmeon.app import openapi_document
from alcsim.simulators.alcmeon.config import DEFAULT_SOCIAL_ACCOUNTS
from alcsim.simulators.alcmeon.environment import create_environment

OFFICIAL = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "alcmeon-openapi"
DOCUMENTS = sorted(p.name for p in OFFICIAL.glob("*.yaml") if p.name != "shared-security.yaml")
# `/notify` is the receiver's route (the webhook the platform calls), not one the platform serves.
NOT_SERVED = {("synchronize.yaml", "/notify")}
METHODS = ("get", "put", "post", "delete", "patch")
OFFICIAL_EXAMPLES = 23
OWN_EXAMPLES = 4


@functools.cache
def official(name: str):
    return schemathesis.openapi.from_path(str(OFFICIAL / name))


def operations(document) -> list[tuple[str, str]]:
    paths = document.raw_schema["paths"] if hasattr(document, "raw_schema") else document["paths"]
    return [(path, method.upper()) for path, item in paths.items() for method in item if method in METHODS]


OFFICIAL_OPERATIONS = [
    (name, path, method)
    for name in DOCUMENTS
    for path, method in operations(official(name))
    if (name, path) not in NOT_SERVED
]
OWN = openapi_document()
OWN_OPERATIONS = operations(OWN)


def environment():
    """An environment with an RCS account too, so the RCS routes are reached past the account check."""
    accounts = [*map(dict, DEFAULT_SOCIAL_ACCOUNTS), {"type": "rcs", "name": "Brand RCS"}]
    env = create_environment({"rate_limit_per_minute": 10**6, "social_accounts": accounts})
    token = base64.b64encode(f"{env.instance_id}:{env.secret}".encode()).decode()
    return env, {"Authorization": f"Basic {token}"}


def fuzz(operation, env, headers, examples: int) -> None:
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
    )

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def no_5xx(case):
        response = case.call(app=env.app, headers=headers)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
        )

    no_5xx()


@pytest.fixture(scope="module")
def shared_env():
    env, headers = environment()
    yield env, headers
    env.stop()


@pytest.mark.parametrize(
    ("document", "path", "method"),
    OFFICIAL_OPERATIONS,
    ids=[f"{d} {m} {p}" for d, p, m in OFFICIAL_OPERATIONS],
)
def test_official_documents_get_no_server_error(shared_env, document, path, method):
    fuzz(official(document)[path][method], *shared_env, OFFICIAL_EXAMPLES)


@pytest.mark.parametrize(("path", "method"), OWN_OPERATIONS, ids=[f"{m} {p}" for p, m in OWN_OPERATIONS])
def test_own_document_gets_no_server_error(path, method):
    # A fresh environment per operation: the admin routes reset, snapshot and inject faults.
    env, headers = environment()
    try:
        fuzz(schemathesis.openapi.from_dict(OWN)[path][method], env, headers, OWN_EXAMPLES)
    finally:
        env.stop()


def test_the_fuzz_makes_at_least_1000_cases_from_the_official_documents():
    assert len(OFFICIAL_OPERATIONS) * OFFICIAL_EXAMPLES >= 1000
    served = {(p, m) for p, m in OWN_OPERATIONS}
    assert {(p, m) for _, p, m in OFFICIAL_OPERATIONS} <= served, (
        "the fake's document lacks an official route"
    )
