"""The request limits in front of the org's app: JSON depth without recursion, and refusals before parsing."""

from __future__ import annotations

import pytest

from alcsim.simulators.common.request_limits import json_depth
from alcsim.simulators.salesforce.app import create_app
from alcsim.simulators.salesforce.org import Org


@pytest.mark.parametrize(
    ("raw", "depth"),
    [
        (b"", 0),
        (b'{"a": 1}', 1),
        (b'[[{"a": [1]}]]', 4),
        (b'{"text": "[[[[{{{{"}', 1),
        (b'{"text": "escaped \\" [[["}', 1),
        (b"[" * 200_000 + b"]" * 200_000, 200_000),
    ],
)
def test_json_depth_counts_nesting_outside_strings(raw, depth):
    assert json_depth(raw) == depth


def test_the_org_refuses_deep_json_before_the_session_guard():
    client = create_app(Org()).test_client()
    answer = client.post(
        "/services/data/v59.0/sobjects/Account/",
        data="[" * 1_001 + "]" * 1_001,
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert answer.get_json() == [
        {
            "message": "Document nesting depth (1001) exceeds the maximum allowed (1000)",
            "errorCode": "JSON_PARSER_ERROR",
        }
    ]
    assert client.get("/services/data/v59.0/limits/").status_code == 401
