"""Teams, roles, agent accounts, social accounts and custom fields through the faithful routes (AR 3.5-3.7)."""


def test_create_list_and_update_agent_accounts(alcmeon_env):
    url = alcmeon_env.url
    created = alcmeon_env.session.post(
        f"{url}/accounts", json={"email": "new.agent@example.com", "name": "New"}
    )
    assert created.status_code == 200
    account = created.json()
    assert set(account) == {"id", "email", "name"}
    duplicate = alcmeon_env.session.post(f"{url}/accounts", json={"email": "new.agent@example.com"})
    assert duplicate.status_code == 400 and "reason" in duplicate.json()["error"]
    active = alcmeon_env.session.get(f"{url}/accounts", params={"is_active": "true"}).json()
    assert account in active
    assert alcmeon_env.session.get(f"{url}/accounts").status_code == 400
    update = alcmeon_env.session.post(f"{url}/accounts/{account['id']}", json={"roles": [2], "teams": [1, 3]})
    assert update.status_code == 200
    agents = {a["id"]: a for a in alcmeon_env.ext("GET", "/agents").json()}
    assert agents[account["id"]]["roles"] == [2] and agents[account["id"]]["teams"] == [1, 3]
    # AR 3.5: the lists are replaced; an empty list clears them.
    alcmeon_env.session.post(f"{url}/accounts/{account['id']}", json={"teams": [], "is_active": False})
    agents = {a["id"]: a for a in alcmeon_env.ext("GET", "/agents").json()}
    assert agents[account["id"]]["teams"] == [] and agents[account["id"]]["roles"] == [2]
    inactive = alcmeon_env.session.get(f"{url}/accounts", params={"is_active": "false"}).json()
    assert account in inactive
    bad_role = alcmeon_env.session.post(f"{url}/accounts/{account['id']}", json={"roles": [99]})
    assert bad_role.status_code == 400 and bad_role.json()["error"]["reason"] == "invalid-role-id"
    assert alcmeon_env.session.post(f"{url}/accounts/9999", json={"roles": []}).status_code == 400


def test_social_accounts_are_paged(alcmeon_env):
    url = f"{alcmeon_env.url}/v1/social-accounts/"
    first = alcmeon_env.session.get(url, params={"limit": 4}).json()
    assert [a["type"] for a in first["data"]] == ["twitter", "facebook", "instagram", "whatsapp"]
    assert set(first["data"][0]) == {"id", "name", "type", "enabled", "created_at", "group_id"}
    assert first["next"].endswith("limit=4&page=1")
    second = alcmeon_env.session.get(first["next"]).json()
    assert [a["type"] for a in second["data"]] == ["kakaotalk", "inmessage"]
    assert "next" not in second
    assert alcmeon_env.session.get(url, params={"limit": 101}).status_code == 400


def test_custom_fields_on_a_social_user_created_if_missing(alcmeon_env):
    url = alcmeon_env.url
    fields = alcmeon_env.session.get(f"{url}/custom-field/users/fields").json()
    contact_field = next(f for f in fields if f["label"] == "Salesforce Contact Id")
    account = alcmeon_env.account_id("whatsapp")
    assert (
        alcmeon_env.session.get(f"{url}/custom-field/accounts/{account}/users/33611111111").status_code == 404
    )
    body = {
        "user_id": "+33611111111",
        "fields": [{"field_id": contact_field["id"], "field_value": "003000000000001"}],
    }
    assert alcmeon_env.session.post(f"{url}/custom-field/accounts/{account}/users", json=body).json() == "ok"
    values = alcmeon_env.session.get(f"{url}/custom-field/accounts/{account}/users/33611111111").json()
    assert values == body["fields"]
    # The user now exists; their first message carries the value in the author's group.
    sent = alcmeon_env.customer_writes(account, "33611111111", "Hello")
    action = alcmeon_env.session.get(
        f"{url}/actions", params={"min_action_id": sent["action_id"] - 1}
    ).json()[0]
    assert action["task"]["message"]["author"]["group"]["custom_fields"] == body["fields"]
    group = f"{url}/custom-field/users/{sent['group_id']}"
    assert alcmeon_env.session.get(group).json() == body["fields"]
    wrong_type = [{"field_id": contact_field["id"], "field_value": 42}]
    assert alcmeon_env.session.put(group, json=wrong_type).status_code == 400
    unknown_field = [{"field_id": 999, "field_value": "x"}]
    assert alcmeon_env.session.put(group, json=unknown_field).status_code == 400
    assert alcmeon_env.session.put(f"{url}/custom-field/users/999999", json=[]).status_code == 404


def test_conversation_custom_fields_and_field_metadata(alcmeon_env):
    url = alcmeon_env.url
    sent = alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "1234", "Hi")
    path = f"{url}/custom-field/conversations/{sent['conversation_id']}"
    assert alcmeon_env.session.get(path).json() == []
    assert (
        alcmeon_env.session.put(path, json=[{"field_id": 2, "field_value": "500000000000001"}]).json() == "ok"
    )
    assert alcmeon_env.session.get(path).json() == [{"field_id": 2, "field_value": "500000000000001"}]
    meta = alcmeon_env.session.get(f"{url}/custom-field/users/fields/1").json()
    assert meta["type"] == "string" and meta["label"] == "Salesforce Contact Id"
    missing = alcmeon_env.session.get(f"{url}/custom-field/users/fields/77")
    assert missing.status_code == 404 and set(missing.json()) == {"error", "details"}


def test_unknown_routes_and_methods_answer_in_the_envelope(alcmeon_env):
    missing = alcmeon_env.session.get(f"{alcmeon_env.url}/no/such/route")
    assert missing.status_code == 404 and missing.json()["error"] == "not-found"
    wrong_method = alcmeon_env.session.delete(f"{alcmeon_env.url}/teams")
    assert wrong_method.status_code == 405 and set(wrong_method.json()) == {"error", "details"}
    huge = alcmeon_env.session.get(f"{alcmeon_env.url}/custom-field/users/{10**30}")
    assert huge.status_code == 404
