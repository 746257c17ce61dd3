"""schemathesis fuzzes the environment's own OpenAPI document: whatever it sends, no 5xx comes back."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from alcsim.simulators.alcmeon.app import openapi_document

DOCUMENT = openapi_document()
OPERATIONS = [
    (path, method.upper())
    for path, item in DOCUMENT["paths"].items()
    for method in item
    if method in ("get", "put", "post", "delete", "patch")
]
# 10 cases for each of the 52 operations: over the 500 cases a CI run must make.
EXAMPLES = 10


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_no_server_error(alcmeon_env, path, method):
    operation = schemathesis.openapi.from_dict(DOCUMENT)[path][method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def no_5xx(case):
        response = case.call(
            base_url=alcmeon_env.url, session=alcmeon_env.session, verify=alcmeon_env.ca_bundle
        )
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text}"
        )

    no_5xx()


def test_the_fuzz_makes_at_least_500_cases():
    assert len(OPERATIONS) * EXAMPLES >= 500
