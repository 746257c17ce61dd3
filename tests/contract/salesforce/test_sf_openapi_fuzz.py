"""schemathesis fuzzes the org's own OpenAPI document in process (WSGI): no 5xx, and every answer conforms."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from alcsim.simulators.salesforce.openapi import PATH

pytestmark = pytest.mark.fake_only(reason="fuzzes the fake's own app in process")

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 10


def test_org_conforms_to_its_openapi_document(sf_org, sf):
    """Every operation of the served document, ten generated cases each: over 1,000 cases in all.

    The cases go to the org's WSGI app in process (the app the HTTPS server runs), which keeps the
    run fast; the hostile-input tests cover the HTTPS path."""
    app = sf_org.server.app
    headers = {"Authorization": f"Bearer {sf.session_id}"}
    served = app.test_client().get(PATH, headers=headers)
    assert served.status_code == 200
    schema = schemathesis.openapi.from_dict(served.get_json())
    schema.app = app
    cases: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            cases.append(case.operation.label)
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
    assert len({*cases}) >= 100 and len(cases) >= 1_000, (len(cases), len(set(cases)))
