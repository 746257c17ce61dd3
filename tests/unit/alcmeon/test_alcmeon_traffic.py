"""The Faker traffic generator: seeded, multi-channel, phone ids without '+', a realistic mix of events."""

import re

from alcsim.simulators.alcmeon.traffic import TrafficGenerator


def conversations(handle):
    return handle.ext("GET", "/conversations").json()


def test_traffic_is_multi_channel_and_uses_each_channels_id_form(alcmeon_env):
    done = TrafficGenerator(alcmeon_env.url, alcmeon_env.session, seed=7).run(events=60)
    assert sum(done.values()) == 60 and done["new_user"] > 0 and done["reply"] > 0
    found = conversations(alcmeon_env)
    channels = {c["account"]["type"] for c in found}
    assert len(channels) >= 4
    for conversation in found:
        user = conversation["social_user"]
        if conversation["account"]["type"] in ("whatsapp", "kakaotalk"):
            assert re.fullmatch(r"[1-9]\d{7,14}", user["user_id"]), user
        if conversation["account"]["type"] == "kakaotalk":
            assert user["channel_data"]["app_user_id"]
    actions = alcmeon_env.session.get(f"{alcmeon_env.url}/actions", params={"min_action_id": 0}).json()
    assert actions[0]["type"] == "task-create"


def test_the_same_seed_gives_the_same_traffic(alcmeon_env_factory):
    first, second = alcmeon_env_factory(), alcmeon_env_factory()
    TrafficGenerator(first.url, first.session, seed=3).run(events=25)
    TrafficGenerator(second.url, second.session, seed=3).run(events=25)

    def summary(handle):
        return [
            (c["account"]["type"], c["social_user"]["user_id"], c["social_user"]["name"], c["status"])
            for c in conversations(handle)
        ]

    assert summary(first) == summary(second)


def test_time_travel_brings_users_back_after_the_silence_window(alcmeon_env):
    generator = TrafficGenerator(
        alcmeon_env.url,
        alcmeon_env.session,
        seed=11,
        time_travel=True,
        mix={"returning_after_window": 40, "new_user": 20},
    )
    done = generator.run(events=40)
    assert done["returning_after_window"] > 0
    per_user = {}
    for conversation in conversations(alcmeon_env):
        per_user.setdefault(conversation["social_user"]["id"], []).append(conversation)
    assert any(len(convs) > 1 for convs in per_user.values())
