"""Basic and OAuth2 authentication, token expiry on the clock, and application permissions (AR 3.1)."""

import base64


def test_basic_auth_with_instance_id_and_secret_is_accepted(alcmeon_env):
    response = alcmeon_env.session.get(f"{alcmeon_env.url}/teams")
    assert response.status_code == 200
    assert {"id": 1, "name": "Support"} in response.json()


def test_missing_or_wrong_credentials_get_401_in_the_error_envelope(alcmeon_env):
    anonymous = alcmeon_env.new_session()
    response = anonymous.get(f"{alcmeon_env.url}/teams")
    assert response.status_code == 401
    assert set(response.json()) == {"error", "details"}
    wrong = alcmeon_env.new_session(auth=(alcmeon_env.instance_id, "0" * 32))
    assert wrong.get(f"{alcmeon_env.url}/teams").status_code == 401
    garbled = anonymous.get(f"{alcmeon_env.url}/teams", headers={"Authorization": "Basic %%%"})
    assert garbled.status_code == 401


def test_token_then_bearer_calls_until_the_hour_is_over(alcmeon_env):
    anonymous = alcmeon_env.new_session()
    body = {
        "grant_type": "client_credentials",
        "client_id": alcmeon_env.instance_id,
        "client_secret": alcmeon_env.secret,
    }
    token = anonymous.post(f"{alcmeon_env.url}/v1/oauth2/token", json=body).json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert token["expires_at"].endswith("+00:00")
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert anonymous.get(f"{alcmeon_env.url}/roles", headers=bearer).status_code == 200
    alcmeon_env.clock.advance(3599)
    assert anonymous.get(f"{alcmeon_env.url}/roles", headers=bearer).status_code == 200
    alcmeon_env.clock.advance(2)
    expired = anonymous.get(f"{alcmeon_env.url}/roles", headers=bearer)
    assert expired.status_code == 401
    assert "expired" in expired.json()["details"]


def test_token_endpoint_accepts_basic_auth_and_rejects_bad_input(alcmeon_env):
    url = f"{alcmeon_env.url}/v1/oauth2/token"
    body = {
        "grant_type": "client_credentials",
        "client_id": alcmeon_env.instance_id,
        "client_secret": alcmeon_env.secret,
    }
    assert alcmeon_env.session.post(url, json=body).status_code == 200
    anonymous = alcmeon_env.new_session()
    assert anonymous.post(url, json={**body, "client_secret": "nope"}).status_code == 401
    assert anonymous.post(url, json={**body, "grant_type": "password"}).status_code == 400
    assert anonymous.post(url, data="not json").status_code == 400
    assert anonymous.post(url, json={"grant_type": "client_credentials"}).json()["error"] == "invalid_request"


def test_embed_takes_basic_auth_only(alcmeon_env):
    body = {
        "grant_type": "client_credentials",
        "client_id": alcmeon_env.instance_id,
        "client_secret": alcmeon_env.secret,
    }
    token = alcmeon_env.session.post(f"{alcmeon_env.url}/v1/oauth2/token", json=body).json()["access_token"]
    anonymous = alcmeon_env.new_session()
    embed = {
        "email": "a@example.com",
        "embed_id": {"task_id": 1},
        "format": "mobile-vertical",
        "permission": "read",
    }
    response = anonymous.post(
        f"{alcmeon_env.url}/embed", json=embed, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401


def test_an_application_without_the_permission_gets_403(alcmeon_env_factory):
    handle = alcmeon_env_factory(
        {
            "applications": [
                {"name": "custom fields only", "secret": "ab" * 16, "permissions": ["Custom Field"]}
            ]
        }
    )
    assert handle.session.get(f"{handle.url}/custom-field/users/fields").status_code == 200
    denied = handle.session.get(f"{handle.url}/actions", params={"min_action_id": 0})
    assert denied.status_code == 403
    assert denied.json()["error"] == "insufficient-permissions"


def test_admin_api_needs_credentials_except_health(alcmeon_env):
    anonymous = alcmeon_env.new_session()
    assert anonymous.get(f"{alcmeon_env.url}/_sim/health").status_code == 200
    assert anonymous.get(f"{alcmeon_env.url}/_sim/journal").status_code == 401
    assert anonymous.get(f"{alcmeon_env.url}/_sim/ext/salesforce").status_code == 401
    auth = base64.b64encode(f"{alcmeon_env.instance_id}:{alcmeon_env.secret}".encode()).decode()
    assert anonymous.get(f"{alcmeon_env.url}/_sim/journal", headers={"Authorization": f"Basic {auth}"}).ok
