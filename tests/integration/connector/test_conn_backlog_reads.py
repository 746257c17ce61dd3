"""Batched conversation reads against a fake environment: the same views and SYNC-05 histories, fewer calls."""

from __future__ import annotations

from alcsim.connector.alcmeon import EnvironmentEndpoint, EnvironmentGateway
from alcsim.connector.conversation_reads import ConversationReader


def _gateway(env) -> EnvironmentGateway:
    return EnvironmentGateway(EnvironmentEndpoint("e", env.url, env.instance_id, env.secret, env.ca_bundle))


def _closed_then_back(env, account: int, user: str) -> dict:
    """A user's conversation closed by an agent, then a new one when the user writes again."""
    first = env.customer_writes(account, user, "first")
    env.ext(
        "POST", f"/conversations/{first['conversation_id']}/close", json={"agent_id": 2}
    ).raise_for_status()
    again = env.customer_writes(account, user, "again")
    assert again["conversation_id"] != first["conversation_id"]
    return again


def _expected_earlier(gateway, account: int, user_id: int, current: int) -> list[tuple[int, str]]:
    rows = gateway.user_conversations(account, user_id)
    return sorted((c["id"], c["scoped_id"]) for c in rows if c["id"] < current)


def test_list_pages_give_the_views_and_histories_of_one_read_each(alcmeon_env):
    gateway = _gateway(alcmeon_env)
    whatsapp, other = alcmeon_env.account_id("whatsapp"), alcmeon_env.account_id("facebook")
    latest = [alcmeon_env.customer_writes(whatsapp, f"3360000{i:04d}", "hello") for i in range(6)]
    latest += [_closed_then_back(alcmeon_env, whatsapp, "33600009999")]
    latest += [_closed_then_back(alcmeon_env, other, "1000000001")]
    latest += [alcmeon_env.customer_writes(other, "1000000002", "hello")]
    ids = {m["conversation_id"] for m in latest}
    reader = ConversationReader(gateway)

    views = reader.views(ids)
    assert views == {cid: gateway.conversation(cid) for cid in ids}
    assert reader.pages_read == 1  # 9 conversations in one page instead of 9 GETs

    wanted = [(views[c]["account"]["id"], views[c]["social_user"]["id"], c) for c in sorted(ids)]
    earlier = reader.earlier(wanted)
    assert earlier == {
        (account, user): _expected_earlier(gateway, account, user, current)
        for account, user, current in wanted
    }
    assert sum(1 for found in earlier.values() if found) == 2  # the two users who came back
    assert reader.pages_read == 1  # the list pages read for the views already reached the first one

    # Newer conversations: only the part of the list above what is known is read again.
    alcmeon_env.customer_writes(whatsapp, "33600000077", "hello")
    back = [_closed_then_back(alcmeon_env, whatsapp, user) for user in ("33600000001", "33600000002")]
    keys = [(whatsapp, gateway.conversation(m["conversation_id"])["social_user"]["id"]) for m in back]
    found = reader.earlier([(*key, m["conversation_id"]) for key, m in zip(keys, back, strict=True)])
    assert found == {
        key: _expected_earlier(gateway, *key, m["conversation_id"]) for key, m in zip(keys, back, strict=True)
    }
    assert [len(found[key]) for key in keys] == [1, 1]  # the conversations closed just now
    assert reader.pages_read == 2  # one page: the conversations written since

    # A lone first-time user is read alone (live traffic), unless the index already covers it.
    lone = alcmeon_env.customer_writes(whatsapp, "33600000088", "hello")
    user = gateway.conversation(lone["conversation_id"])["social_user"]["id"]
    assert reader.earlier([(whatsapp, user, lone["conversation_id"])]) is None
    assert reader.earlier([(*keys[0], back[0]["conversation_id"])]) == {keys[0]: found[keys[0]]}
    assert reader.pages_read == 2


def test_a_single_or_sparse_claim_reads_one_by_one(alcmeon_env):
    gateway = _gateway(alcmeon_env)
    account = alcmeon_env.account_id("whatsapp")
    one = alcmeon_env.customer_writes(account, "33600000001", "hello")
    reader = ConversationReader(gateway)
    assert reader.views({one["conversation_id"]}) == {}
    assert reader.views({one["conversation_id"], one["conversation_id"] + 5000}) == {}
    assert reader.pages_read == 0
