"""Issue 13, defects 7 and 8: limits before parsing, and refusals wherever the official documents refuse."""

import pytest

DEEP = "[" * 1000 + "]" * 1000
JSON_ROUTES = ("/v1/kakaotalk/templates", "/v1/answer/send", "/v1/optins", "/v1/global-variables", "/embed")


@pytest.mark.parametrize("path", JSON_ROUTES)
def test_json_nested_1000_deep_is_a_400_in_the_envelope(alcmeon_env, path):
    method = "PUT" if path == "/v1/global-variables" else "POST"
    headers = {"Content-Type": "application/json"}
    response = alcmeon_env.session.request(method, f"{alcmeon_env.url}{path}", data=DEEP, headers=headers)
    assert response.status_code == 400
    body = response.json()
    assert body.get("error") == "invalid-json" or body["error"]["reason"] == "invalid-json"


def test_deep_body_on_user_provisioning_answers_the_reason_envelope(alcmeon_env):
    response = alcmeon_env.session.post(
        f"{alcmeon_env.url}/accounts", data=DEEP, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and response.json()["error"]["reason"] == "invalid-json"


def test_an_oversized_json_body_is_a_413(alcmeon_env):
    big = b'{"name": "' + b"x" * (6 * 1024 * 1024) + b'"}'
    response = alcmeon_env.session.post(
        f"{alcmeon_env.url}/v1/optins", data=big, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413 and set(response.json()) == {"error", "details"}


def kakao_templates(handle, **body):
    return handle.session.post(f"{handle.url}/v1/kakaotalk/templates", json=body)


@pytest.mark.parametrize(
    "extra",
    [
        {"created_at_range": "yesterday"},
        {"created_at_range": {"start": "not a date"}},
        {"last_modified_at_range": {"start": "2025-04-24 10:30:15", "end": "2025-01-01 00:00:00"}},
        {"status": "approved"},
        {"status": None},
        {"id": None},
        {"limit": 101},
    ],
)
def test_malformed_kakaotalk_template_filters_are_refused(alcmeon_env, extra):
    response = kakao_templates(alcmeon_env, account_id=alcmeon_env.account_id("kakaotalk"), **extra)
    assert response.status_code == 400 and set(response.json()) == {"error", "details"}


def test_kakaotalk_template_filters_apply(alcmeon_env):
    account = alcmeon_env.account_id("kakaotalk")
    everything = kakao_templates(alcmeon_env, account_id=account).json()["data"]
    assert everything
    future = {"start": "2999-01-01 00:00:00"}
    assert kakao_templates(alcmeon_env, account_id=account, created_at_range=future).json()["data"] == []
    past = {"start": "2000-01-01T00:00:00Z", "end": "2999-01-01 00:00:00"}
    assert (
        kakao_templates(alcmeon_env, account_id=account, last_modified_at_range=past).json()["data"]
        == everything
    )


def test_an_unknown_kakaotalk_account_is_refused_as_send_refuses_it(alcmeon_env):
    listed = kakao_templates(alcmeon_env, account_id=99999)
    sent = alcmeon_env.session.post(
        f"{alcmeon_env.url}/v1/kakaotalk/send/",
        json={"to_user_phone_number": "821012345678", "account_id": 99999, "template_id": 3},
    )
    assert listed.status_code == sent.status_code == 400
    assert listed.json()["error"] == sent.json()["error"] == "invalid-account-id"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/accounts", {"email": "n@example.com", "name": None}),
        ("/accounts/2", {"roles": None}),
        ("/accounts/2", {"teams": None}),
        ("/accounts/2", {"is_active": None}),
    ],
)
def test_user_provisioning_refuses_null_for_typed_fields(alcmeon_env, path, body):
    response = alcmeon_env.session.post(f"{alcmeon_env.url}{path}", json=body)
    assert response.status_code == 400 and "reason" in response.json()["error"]


def test_long_user_id_and_field_value_get_the_right_message(alcmeon_env):
    url = f"{alcmeon_env.url}/custom-field/accounts/{alcmeon_env.account_id('facebook')}/users"
    long_id = alcmeon_env.session.post(url, json={"user_id": "u" * 300, "fields": []}).json()
    assert long_id == {"error": "invalid-user-id", "details": "user_id is longer than 200 characters"}
    fields = [{"field_id": 1, "field_value": "x" * 10001}]
    long_value = alcmeon_env.session.post(url, json={"user_id": "u1", "fields": fields}).json()
    assert long_value == {
        "error": "invalid-field-value",
        "details": "field 1 is longer than 10000 characters",
    }
    phone = f"{alcmeon_env.url}/custom-field/accounts/{alcmeon_env.account_id('whatsapp')}/users"
    long_phone = alcmeon_env.session.post(phone, json={"user_id": "3" * 5000, "fields": []}).json()
    assert long_phone["details"] == "user_id has 5000 digits; at most 15"
