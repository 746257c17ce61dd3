"""Rate limits, template sends with the ongoing-conversation rule, Friends Talk hours, opt-ins, answer, embed."""

import ast
from datetime import UTC, datetime

import pytest


@pytest.fixture
def faithful_limits(alcmeon_env_factory):
    return alcmeon_env_factory({"rate_limit_per_minute": 15})


def test_fifteen_calls_a_minute_per_route_then_429_until_the_window_moves(faithful_limits):
    handle = faithful_limits
    for _ in range(15):
        assert handle.session.get(f"{handle.url}/teams").status_code == 200
    limited = handle.session.get(f"{handle.url}/teams")
    assert limited.status_code == 429
    body = limited.json()
    assert body["error"] == "Rate limit reached"
    until = ast.literal_eval(body["details"])["rate_limited_until"]
    assert datetime.strptime(until, "%Y-%m-%dT%H:%M:%SZ")
    # Another route has its own budget.
    assert handle.session.get(f"{handle.url}/roles").status_code == 200
    handle.clock.advance(61)
    assert handle.session.get(f"{handle.url}/teams").status_code == 200


def test_whatsapp_send_has_the_documented_higher_limit(faithful_limits):
    handle = faithful_limits
    body = {
        "to_user_phone_number": "33600000000",
        "account_id": handle.account_id("whatsapp"),
        "template_id": 1,
    }
    for _ in range(20):
        assert handle.session.post(f"{handle.url}/v1/whatsapp/send/", json=body).status_code == 200


def test_a_template_send_is_refused_during_an_ongoing_conversation_unless_interrupting(alcmeon_env):
    account = alcmeon_env.account_id("whatsapp")
    alcmeon_env.customer_writes(account, "33633333333", "I am here")
    body = {
        "to_user_phone_number": "+33633333333",
        "account_id": account,
        "template_id": 1,
        "variables": {"body": {"1": "Léa", "2": "A-17"}},
    }
    refused = alcmeon_env.session.post(f"{alcmeon_env.url}/v1/whatsapp/send/", json=body)
    assert refused.status_code == 403 and set(refused.json()) == {"error", "details"}
    sent = alcmeon_env.session.post(
        f"{alcmeon_env.url}/v1/whatsapp/send/", json={**body, "interrupt_ongoing_conversation": True}
    )
    assert sent.status_code == 200
    assert sent.json()["status"] == "ok" and sent.json()["message_id"]
    reply = alcmeon_env.customer_writes(account, "33633333333", "Thanks for the update")
    assert reply["new_conversation"]


def test_template_send_input_errors(alcmeon_env):
    url = f"{alcmeon_env.url}/v1/whatsapp/send/"
    account = alcmeon_env.account_id("whatsapp")
    assert alcmeon_env.session.post(url, json={"account_id": account}).status_code == 400
    unknown = alcmeon_env.session.post(
        url, json={"to_user_phone_number": "33600000000", "account_id": account, "template_id": 999}
    )
    assert unknown.status_code == 400 and unknown.json()["error"] == "template-not-found"
    kakao_template = alcmeon_env.session.post(
        url, json={"to_user_phone_number": "33600000000", "account_id": account, "template_id": 3}
    )
    assert kakao_template.status_code == 400


def test_friends_talk_only_between_9_and_20_korean_time(alcmeon_env):
    account = alcmeon_env.account_id("kakaotalk")
    body = {
        "to_user_phone_number": "821012345678",
        "account_id": account,
        "template_id": 4,
        "variables": {"name": "Minji"},
    }
    url = f"{alcmeon_env.url}/v1/kakaotalk/send/"
    alcmeon_env.clock.set(datetime(2026, 3, 2, 12, 30, tzinfo=UTC))  # 21:30 in Seoul
    late = alcmeon_env.session.post(url, json=body)
    assert late.status_code == 400 and late.json()["error"] == "outside-sending-hours"
    alcmeon_env.clock.set(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))  # 10:00 in Seoul
    assert alcmeon_env.session.post(url, json=body).status_code == 200
    # AlimTalk is not Friends Talk: no hour limit.
    alcmeon_env.clock.set(datetime(2026, 3, 2, 14, 0, tzinfo=UTC))
    assert alcmeon_env.session.post(url, json={**body, "template_id": 3}).status_code == 200
    sent = alcmeon_env.session.get(
        f"{alcmeon_env.url}/v1/kakaotalk/messages", params={"account_id": account}
    ).json()
    assert [m["content"] for m in sent["data"]][0] == "Hello Minji, a new offer is waiting for you."


def test_kakaotalk_templates_are_listed_by_post(alcmeon_env):
    account = alcmeon_env.account_id("kakaotalk")
    listed = alcmeon_env.session.post(
        f"{alcmeon_env.url}/v1/kakaotalk/templates", json={"account_id": account}
    )
    assert [t["name"] for t in listed.json()["data"]] == ["delivery_notice", "friend_promo"]
    accepted = alcmeon_env.session.post(
        f"{alcmeon_env.url}/v1/kakaotalk/templates",
        json={"account_id": account, "status": "accepted", "limit": 1},
    )
    assert len(accepted.json()["data"]) == 1 and accepted.json()["next_page"] == 1
    assert alcmeon_env.session.post(f"{alcmeon_env.url}/v1/kakaotalk/templates", json={}).status_code == 400


def test_optins_registry(alcmeon_env):
    url = f"{alcmeon_env.url}/v1/optins"
    created = alcmeon_env.session.post(url, json={"name": "Order updates", "type": "default"}).json()
    assert created["name"] == "Order updates"
    dup = alcmeon_env.session.post(url, json={"name": "Order updates", "type": "default"})
    assert dup.status_code == 400 and dup.json()["error"] == "optin-name-already-exists"
    users = f"{url}/{created['id']}/user-optins"
    account = alcmeon_env.account_id("whatsapp")
    added = alcmeon_env.session.post(
        users,
        json={"account_id": account, "user_phone_numbers": ["+33612345678", "33612345678", "33698765432"]},
    )
    assert added.json() == {"created": 2, "already_existed": 1, "total_requested": 3}
    assert (
        alcmeon_env.session.post(users, json={"account_id": account, "user_phone_numbers": []}).json()[
            "error"
        ]
        == "empty-phone-number-list"
    )
    page = alcmeon_env.session.get(users, params={"limit": 1}).json()
    assert page["total"] == 2 and page["next"] == f"/v1/optins/{created['id']}/user-optins?limit=1&page=1"
    one = alcmeon_env.session.get(f"{users}/{page['data'][0]['id']}")
    assert one.json()["user_phone_number"] == "33612345678"
    out = alcmeon_env.session.post(
        f"{url}/{created['id']}/optout",
        json={"account_id": account, "user_phone_numbers": ["33612345678", "33600000000"]},
    )
    assert out.json() == {"deleted": 1, "not_found": 1, "total_requested": 2}
    assert alcmeon_env.session.delete(f"{url}/{created['id']}").status_code == 200
    gone = alcmeon_env.session.get(f"{url}/{created['id']}")
    assert gone.status_code == 404 and gone.json()["error"] == "optin-not-found"


def test_answer_send_is_asynchronous_answer_then_execute_answer(alcmeon_env):
    sent = alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "555", "Where is my order?")
    body = {
        "message": "On its way!",
        "advisor_id": 2,
        "company_id": int(alcmeon_env.instance_id),
        "task_id": sent["task_id"],
    }
    started = alcmeon_env.session.post(f"{alcmeon_env.url}/v1/answer/send", json=body)
    assert started.json() == {"input_data": body, "status": "started"}
    alcmeon_env.env.run_due()
    actions = alcmeon_env.session.get(
        f"{alcmeon_env.url}/actions", params={"min_action_id": sent["action_id"]}
    ).json()
    assert [a["type"] for a in actions] == ["answer", "execute-answer"]
    assert actions[1]["data"] == {"answer_action_id": actions[0]["id"], "answer_status": "ok"}
    url = f"{alcmeon_env.url}/v1/answer/send"
    assert alcmeon_env.session.post(url, json={**body, "message": ""}).json()["error"] == "empty-message"
    assert (
        alcmeon_env.session.post(url, json={**body, "message": "x" * 10001}).json()["error"]
        == "message-too-long"
    )
    assert alcmeon_env.session.post(url, json={**body, "task_id": 999}).status_code == 404
    assert alcmeon_env.session.post(url, json={**body, "advisor_id": 999}).status_code == 403


def test_embed_creates_the_agent_and_returns_a_url_valid_eight_hours(alcmeon_env):
    sent = alcmeon_env.customer_writes(alcmeon_env.account_id("facebook"), "556", "Bonjour")
    body = {
        "email": "sf.user@example.com",
        "username": "SF User",
        "embed_id": {"conversation_id": sent["conversation_id"]},
        "format": "mobile-vertical",
        "permission": "read-answer",
    }
    embed = alcmeon_env.session.post(f"{alcmeon_env.url}/embed", json=body).json()
    agents = {a["email"]: a for a in alcmeon_env.ext("GET", "/agents").json()}
    assert agents["sf.user@example.com"]["id"] == embed["account_id"]
    assert agents["sf.user@example.com"]["permission"] == "read-answer"
    page = alcmeon_env.new_session().get(embed["url"])
    assert page.status_code == 200 and "Bonjour" in page.text
    again = alcmeon_env.session.post(f"{alcmeon_env.url}/embed", json=body).json()
    assert again["account_id"] == embed["account_id"]
    alcmeon_env.clock.advance(8 * 3600 + 1)
    assert alcmeon_env.new_session().get(embed["url"]).status_code == 403
    bad = alcmeon_env.session.post(f"{alcmeon_env.url}/embed", json={**body, "permission": "admin"})
    assert bad.status_code == 400 and "reason" in bad.json()["error"]
    missing = alcmeon_env.session.post(
        f"{alcmeon_env.url}/embed", json={**body, "embed_id": {"task_id": 999}}
    )
    assert missing.status_code == 400


def test_an_uploaded_attachment_goes_out_with_the_answer(alcmeon_env):
    url = alcmeon_env.url
    account = alcmeon_env.account_id("facebook")
    sent = alcmeon_env.customer_writes(account, "557", "Send me the invoice")
    upload = alcmeon_env.session.post(
        f"{url}/v1/answer/attachment",
        data={"site_id": account, "file_name": "invoice.pdf"},
        files={"file_content": ("invoice.pdf", b"%PDF-1.4 fake")},
    )
    token = upload.json()["access_token"]
    body = {
        "message": "Here it is",
        "advisor_id": 2,
        "company_id": int(alcmeon_env.instance_id),
        "task_id": sent["task_id"],
        "attachment": {"access_token": token},
    }
    assert alcmeon_env.session.post(f"{url}/v1/answer/send", json=body).status_code == 200
    answer = alcmeon_env.session.get(f"{url}/actions", params={"min_action_id": sent["action_id"]}).json()[0]
    picture = answer["data"]["answers"][0]["pictures"][0]
    assert picture["mime_type"] == "application/pdf" and picture["size"] == 13
    alcmeon_env.clock.advance(901)
    expired = alcmeon_env.session.post(f"{url}/v1/answer/send", json=body)
    assert expired.status_code == 403 and expired.json()["error"] == "invalid-attachment-access-token"


def test_attachment_upload_errors(alcmeon_env):
    url = f"{alcmeon_env.url}/v1/answer/attachment"
    account = alcmeon_env.account_id("facebook")

    def upload(name="a.png", content=b"png", site=account):
        return alcmeon_env.session.post(
            url, data={"site_id": site, "file_name": name}, files={"file_content": (name, content)}
        )

    assert upload(content=b"").json()["error"] == "empty-file-content"
    assert upload(site=999).status_code == 404
    assert upload(name="a.exe").status_code == 415
    assert upload(content=b"x" * (10485760 + 1)).status_code == 412
    assert alcmeon_env.session.post(url, data={"site_id": account}).status_code == 400


def test_the_recipients_reply_to_a_template_send_opens_its_conversation(alcmeon_env):
    account = alcmeon_env.account_id("whatsapp")
    body = {"to_user_phone_number": "33655555555", "account_id": account, "template_id": 1}
    message_id = alcmeon_env.session.post(f"{alcmeon_env.url}/v1/whatsapp/send/", json=body).json()[
        "message_id"
    ]
    sends = {s["id"]: s for s in alcmeon_env.ext("GET", "/template-sends").json()}
    assert sends[message_id]["conversation_id"] is None and sends[message_id]["to_user"] == "33655555555"
    reply = alcmeon_env.customer_writes(account, "33655555555", "Yes please")
    sends = {s["id"]: s for s in alcmeon_env.ext("GET", "/template-sends").json()}
    assert sends[message_id]["conversation_id"] == reply["conversation_id"]
