"""Simulator extensions: org-linking settings, matching, consent, admin snapshot/restore and persistence."""

from alcsim.simulators.alcmeon.running import start_environment


def test_org_linking_settings(alcmeon_env):
    org = alcmeon_env.ext(
        "PUT",
        "/salesforce/organizations/00D000000000001AAA",
        json={"name": "Production", "sync_mode": "team-based"},
    )
    assert org.status_code == 200 and org.json()["sync_mode"] == "team-based"
    alcmeon_env.ext("PUT", "/salesforce/organizations/00D000000000002AAA", json={"name": "Sandbox"})
    whatsapp = alcmeon_env.account_id("whatsapp")
    link = alcmeon_env.ext("PUT", f"/salesforce/links/{whatsapp}", json={"org_id": "00D000000000001AAA"})
    assert link.json() == {"social_account_id": whatsapp, "org_id": "00D000000000001AAA", "enabled": True}
    # AR 1.8: one social account, one org.
    second = alcmeon_env.ext("PUT", f"/salesforce/links/{whatsapp}", json={"org_id": "00D000000000002AAA"})
    assert second.status_code == 409 and second.json()["error"] == "account-already-linked"
    switched_off = alcmeon_env.ext(
        "PUT", f"/salesforce/links/{whatsapp}", json={"org_id": "00D000000000001AAA", "enabled": False}
    )
    assert switched_off.json()["enabled"] is False
    mapping = alcmeon_env.ext(
        "PUT",
        "/salesforce/team-queues/3",
        json={"org_id": "00D000000000001AAA", "queue_id": "00G000000000001AAA"},
    )
    assert mapping.status_code == 200
    settings = alcmeon_env.ext("GET", "/salesforce").json()
    assert settings["team_queues"] == [
        {"team_id": 3, "org_id": "00D000000000001AAA", "queue_id": "00G000000000001AAA"}
    ]
    assert settings["organizations"][0]["contact_search_fields"] == ["Email", "MobilePhone", "Phone"]
    bad_mode = alcmeon_env.ext("PUT", "/salesforce/organizations/x", json={"sync_mode": "sometimes"})
    assert bad_mode.status_code == 400
    unknown_org = alcmeon_env.ext(
        "PUT", "/salesforce/team-queues/1", json={"org_id": "nope", "queue_id": "00G1"}
    )
    assert unknown_org.status_code == 404
    assert alcmeon_env.ext("DELETE", "/salesforce/organizations/00D000000000001AAA").status_code == 204
    assert alcmeon_env.ext("GET", "/salesforce").json()["links"] == []


def test_matching_a_user_stores_the_contact_in_the_custom_field(alcmeon_env):
    sent = alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "4242", "Hi")
    matched = alcmeon_env.ext(
        "POST",
        f"/users/{sent['social_user_id']}/match",
        json={"crm_contact_id": "003000000000042AAA", "agent_id": 2},
    )
    assert matched.json()["crm_contact_id"] == "003000000000042AAA"
    values = alcmeon_env.session.get(f"{alcmeon_env.url}/custom-field/users/{sent['group_id']}").json()
    assert values == [{"field_id": 1, "field_value": "003000000000042AAA"}]
    unmatched = alcmeon_env.ext(
        "POST", f"/users/{sent['social_user_id']}/match", json={"crm_contact_id": None}
    )
    assert unmatched.json()["crm_contact_id"] is None and unmatched.json()["custom_fields"] == []


def test_consent_given_and_withdrawn_shows_in_the_optin_registry(alcmeon_env):
    account = alcmeon_env.account_id("whatsapp")
    given = alcmeon_env.ext(
        "POST", "/customers/consent", json={"account_id": account, "user_id": "+33622222222"}
    )
    assert given.json()["created"] == 1
    optins = alcmeon_env.session.get(f"{alcmeon_env.url}/v1/optins/1/user-optins").json()
    assert [o["user_phone_number"] for o in optins["data"]] == ["33622222222"]
    withdrawn = alcmeon_env.ext(
        "POST", "/customers/consent", json={"account_id": account, "user_id": "33622222222", "given": False}
    )
    assert withdrawn.json()["deleted"] == 1
    optouts = alcmeon_env.session.get(f"{alcmeon_env.url}/v1/optins/1/user-optouts").json()
    assert optouts["data"][0]["user_phone_number"] == "33622222222" and "output_at" in optouts["data"][0]


def test_snapshot_restore_and_reset(alcmeon_env):
    alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "1", "before")
    assert alcmeon_env.session.post(f"{alcmeon_env.url}/_sim/snapshots/one").status_code == 201
    alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "1", "after")
    assert alcmeon_env.session.post(f"{alcmeon_env.url}/_sim/snapshots/one/restore").status_code == 200
    actions = alcmeon_env.session.get(f"{alcmeon_env.url}/actions", params={"min_action_id": 0}).json()
    assert [a["task"]["message"]["content"] for a in actions] == ["before"]
    assert alcmeon_env.session.post(f"{alcmeon_env.url}/_sim/reset").status_code == 200
    assert alcmeon_env.session.get(f"{alcmeon_env.url}/actions", params={"min_action_id": 0}).json() == []


def test_seed_adds_teams_accounts_and_applications(alcmeon_env):
    seeded = alcmeon_env.session.post(
        f"{alcmeon_env.url}/_sim/seed",
        json={
            "teams": ["VIP"],
            "social_accounts": [{"type": "line", "name": "LINE"}],
            "agents": [{"email": "x@example.com", "teams": ["VIP"]}],
        },
    )
    assert seeded.status_code == 201
    assert seeded.json()["teams"][0]["name"] == "VIP"
    bad = alcmeon_env.session.post(f"{alcmeon_env.url}/_sim/seed", json={"planets": []})
    assert bad.status_code == 400 and set(bad.json()) == {"error", "details"}


def test_state_survives_a_restart_with_a_data_dir(tmp_path):
    config = {"data_dir": str(tmp_path), "rate_limit_per_minute": 1000}
    first = start_environment(config)
    try:
        sent = first.customer_writes(first.account_id("facebook"), "77", "kept")
        secret = first.secret
    finally:
        first.env.stop()
    second = start_environment(config)
    try:
        assert second.secret == secret
        actions = second.session.get(f"{second.url}/actions", params={"min_action_id": 0}).json()
        assert [a["id"] for a in actions] == [sent["action_id"]]
        again = second.customer_writes(second.account_id("facebook"), "77", "next")
        assert again["conversation_id"] == sent["conversation_id"] and again["action_id"] > sent["action_id"]
    finally:
        second.env.stop()


def test_a_match_written_through_the_public_custom_field_route_is_the_users_match(alcmeon_env):
    account = alcmeon_env.account_id("whatsapp")
    sent = alcmeon_env.customer_writes(account, "33644444444", "Hi")
    body = {"user_id": "33644444444", "fields": [{"field_id": 1, "field_value": "003000000000099AAA"}]}
    alcmeon_env.session.post(
        f"{alcmeon_env.url}/custom-field/accounts/{account}/users", json=body
    ).raise_for_status()
    assert (
        alcmeon_env.ext("GET", f"/users/{sent['social_user_id']}").json()["crm_contact_id"]
        == "003000000000099AAA"
    )
    view = alcmeon_env.ext("GET", f"/conversations/{sent['conversation_id']}").json()
    assert view["social_user"]["crm_contact_id"] == "003000000000099AAA"


def test_route_a_conversation_and_see_it_in_the_team_agents_inbox(alcmeon_env):
    sent = alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "31", "Transfer me")
    routed = alcmeon_env.ext("POST", f"/conversations/{sent['conversation_id']}/route", json={"team_id": 3})
    assert routed.status_code == 200
    # Agent 3 (Jules Bernard) is in "Salesforce agents" (team 3); agent 4 (Minji Kim) is not.
    assert [t["id"] for t in alcmeon_env.ext("GET", "/agents/3/inbox").json()] == [sent["task_id"]]
    assert alcmeon_env.ext("GET", "/agents/4/inbox").json() == []
    assert alcmeon_env.ext("POST", "/conversations/999/route", json={"team_id": 3}).status_code == 404


def test_an_agent_given_read_permission_by_embed_cannot_reply(alcmeon_env):
    sent = alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "32", "Hi")
    embed = {
        "email": "viewer@example.com",
        "embed_id": {"task_id": sent["task_id"]},
        "format": "mobile-vertical",
        "permission": "read",
    }
    viewer = alcmeon_env.session.post(f"{alcmeon_env.url}/embed", json=embed).json()["account_id"]
    denied = alcmeon_env.ext(
        "POST", f"/tasks/{sent['task_id']}/reply", json={"agent_id": viewer, "content": "x"}
    )
    assert denied.status_code == 403 and denied.json()["error"] == "insufficient-permissions"


def test_fault_rules_answer_in_the_vendor_envelope_and_the_journal_records_calls(alcmeon_env):
    rule = {
        "kind": "error",
        "method": "GET",
        "path": "^/teams$",
        "status": 503,
        "error_code": "unavailable",
        "message": "try later",
        "times": 1,
    }
    assert alcmeon_env.session.post(f"{alcmeon_env.url}/_sim/faults", json=rule).status_code == 201
    faulted = alcmeon_env.session.get(f"{alcmeon_env.url}/teams")
    assert faulted.status_code == 503 and faulted.json() == {"error": "unavailable", "details": "try later"}
    assert alcmeon_env.session.get(f"{alcmeon_env.url}/teams").status_code == 200
    entries = alcmeon_env.session.get(f"{alcmeon_env.url}/_sim/journal", params={"path": "^/teams$"}).json()[
        "entries"
    ]
    assert [(e["status"], e["fault"]) for e in entries] == [(503, "error"), (200, None)]


def test_seeding_a_malformed_application_is_a_400(alcmeon_env):
    for application in ({"permissions": 5}, {"webhook_url": 7}, {"secret": 3}, {"colour": "red"}, "app"):
        answer = alcmeon_env.session.post(
            f"{alcmeon_env.url}/_sim/seed", json={"applications": [application]}
        )
        assert answer.status_code == 400, application
    made = alcmeon_env.session.post(
        f"{alcmeon_env.url}/_sim/seed",
        json={"applications": [{"name": "second", "permissions": ["Core API"]}]},
    )
    second = made.json()["applications"][0]
    other = alcmeon_env.new_session(auth=(alcmeon_env.instance_id, second["secret"]))
    assert other.get(f"{alcmeon_env.url}/v1/social-accounts/").status_code == 200
    assert other.get(f"{alcmeon_env.url}/teams").status_code == 403
