"""Traffic in the brand's market language, seen through the fake's API, and kept off what others work on."""

import re

import pytest
from faker.providers.person.fr_FR import Provider as FrenchNames

from alcsim.simulators.alcmeon import content
from alcsim.simulators.alcmeon.config import EnvironmentConfig
from alcsim.simulators.alcmeon.traffic import TrafficGenerator, channel_language, channel_locale
from alcsim.simulators.common.config_schema import ConfigError
from alcsim.simulators.topology.files import TopologyError, load, scenario_path

HANGUL = re.compile(r"[\uac00-\ud7a3]")
FRENCH_BRAND = {
    "language": "fr",
    "social_accounts": [
        {"name": "Marque WhatsApp", "type": "whatsapp"},
        {"name": "Marque Facebook", "type": "facebook"},
    ],
}
FRENCH_WORDS = set("je vous votre ma la le les de commande merci bonjour est pour nous".split())
SPANISH_WORDS = set("el pedido gracias hola mi tu está os lo".split())


def actions(handle) -> list[dict]:
    """The catch-up log (AR 3.3), ten a page: every customer message and agent answer, as the connector reads them."""
    found: list[dict] = []
    while True:
        page = handle.session.get(
            f"{handle.url}/actions", params={"min_action_id": found[-1]["id"] if found else 0}
        )
        page.raise_for_status()
        if not page.json():
            return found
        found.extend(page.json())


def written(handle) -> tuple[list[str], list[str]]:
    found = actions(handle)
    customers = [a["task"]["message"]["content"] for a in found if a["type"] == "task-create"]
    agents = [x["content"] for a in found if a["type"] == "answer" for x in a["data"]["answers"]]
    return customers, agents


def words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", text.lower()))


def from_table(text: str, language: str) -> bool:
    """Whether `text` is one of the hand-written variants of `language`, its placeholders filled."""
    for intent in content.INTENTS:
        for turn in (*content.CUSTOMER_TURNS, *content.AGENT_TURNS):
            for template in content.templates(language, intent, turn):
                pattern = re.sub(r"\\\{\w+\\\}", ".+?", re.escape(template))
                if re.fullmatch(pattern, text):
                    return True
    return False


def test_a_french_brands_customers_write_french_and_its_agents_answer_in_french(alcmeon_env_factory):
    handle = alcmeon_env_factory(FRENCH_BRAND)
    language = handle.env.config.language  # the environment config's key, as `alcsim serve alcmeon` reads it
    TrafficGenerator(handle.url, handle.session, seed=4, language=language).run(events=60)
    customers, agents = written(handle)
    assert len(customers) > 15 and len(agents) > 5
    for text in customers + agents:
        assert from_table(text, "fr") and not from_table(text, "es"), text
    assert words(" ".join(customers)) & FRENCH_WORDS and words(" ".join(agents)) & FRENCH_WORDS
    assert not words(" ".join(customers + agents)) & SPANISH_WORDS
    conversations = handle.ext("GET", "/conversations").json()
    for conversation in conversations:
        user = conversation["social_user"]
        first, _, last = user["name"].partition(" ")
        assert first in FrenchNames.first_names and last in FrenchNames.last_names, user
        if conversation["account"]["type"] == "whatsapp":
            assert re.fullmatch(r"33[67]\d{8}", user["user_id"]), user  # a French mobile, no '+'


def test_an_agent_answers_the_intent_the_customer_opened_with(alcmeon_env_factory):
    """Opening and answer speak of the same order: the exchange reads like one conversation."""
    handle = alcmeon_env_factory(FRENCH_BRAND)
    TrafficGenerator(handle.url, handle.session, seed=9, language="fr").run(events=50)
    checked = 0
    for action in actions(handle):
        if action["type"] != "answer":
            continue
        thread = handle.session.get(f"{handle.url}/actions/conversations/{action['task']['conversation_id']}")
        opening = thread.json()[0]["actions"][0]["task"]["message"]["content"]
        numbers = set(re.findall(r"\b\d{6}\b", opening))
        answer = action["data"]["answers"][0]["content"]
        if numbers and re.findall(r"\b\d{6}\b", answer):
            assert set(re.findall(r"\b\d{6}\b", answer)) == numbers, (opening, answer)
            checked += 1
    assert checked > 0


def turns_of(text: str, language: str) -> set[str]:
    return {
        turn
        for intent in content.INTENTS
        for turn in content.CUSTOMER_TURNS
        for template in content.templates(language, intent, turn)
        if re.fullmatch(re.sub(r"\\\{\w+\\\}", ".+?", re.escape(template)), text)
    }


def test_a_customer_opens_asks_again_until_answered_then_follows_up(alcmeon_env_factory):
    handle = alcmeon_env_factory(FRENCH_BRAND)
    TrafficGenerator(handle.url, handle.session, seed=12, language="fr").run(events=80)
    seen = set()
    for conversation in handle.ext("GET", "/conversations").json():
        thread = handle.session.get(f"{handle.url}/actions/conversations/{conversation['id']}").json()
        answered, first = False, True
        for action in thread[0]["actions"]:
            if action["type"] == "answer":
                answered = True
            if action["type"] != "task-create":
                continue
            turns = turns_of(action["task"]["message"]["content"], "fr")
            expected = {"opening"} if first else {"follow_up"} if answered else {"reminder"}
            assert turns & expected, (action["task"]["message"]["content"], expected)
            seen |= turns & expected
            first = False
    assert seen == set(content.CUSTOMER_TURNS)


def test_without_a_market_language_each_channel_writes_in_its_markets(alcmeon_env_factory):
    handle = alcmeon_env_factory({"social_accounts": [{"type": "kakaotalk"}, {"type": "whatsapp"}]})
    TrafficGenerator(handle.url, handle.session, seed=2).run(events=40)
    for action in actions(handle):
        if action["type"] != "task-create":
            continue
        text = action["task"]["message"]["content"]
        if action["account"]["type"] == "kakaotalk":
            assert HANGUL.search(text), text
        else:
            assert from_table(text, "es") and not HANGUL.search(text), text


def test_the_same_seed_writes_the_same_words(alcmeon_env_factory):
    first, second = alcmeon_env_factory(FRENCH_BRAND), alcmeon_env_factory(FRENCH_BRAND)
    for handle in (first, second):
        TrafficGenerator(handle.url, handle.session, seed=5, language="fr").run(events=30)
    assert written(first) == written(second)


def test_traffic_leaves_a_storys_customer_and_a_reserved_conversation_alone(alcmeon_env_factory):
    handle = alcmeon_env_factory(FRENCH_BRAND)
    generator = TrafficGenerator(handle.url, handle.session, seed=3, language="fr", mix={"match": 20})
    story = handle.ext(
        "POST",
        "/customers/messages",
        json={"account_id": generator.accounts[0]["id"], "user_id": "33612345678", "content": "Bonjour !"},
    ).json()
    generator.run(events=20)
    mine = next(c for c in generator.customers if c.last_task_id)
    generator.reserve(conversation_id=mine.conversation_id)
    before = len(
        handle.session.get(f"{handle.url}/actions/conversations/{mine.conversation_id}").json()[0]["actions"]
    )
    generator.run(events=80)

    thread = handle.session.get(f"{handle.url}/actions/conversations/{story['conversation_id']}").json()
    assert [a["type"] for a in thread[0]["actions"]] == ["task-create"]  # nobody answered, moved or took it
    user = handle.ext("GET", f"/users/{story['social_user_id']}").json()
    assert user["crm_contact_id"] is None  # never matched to a random Contact
    assert not generator.owns_conversation(story["conversation_id"])
    assert not generator.owns_scoped_id(story["scoped_id"])
    after = handle.session.get(f"{handle.url}/actions/conversations/{mine.conversation_id}").json()
    assert len(after[0]["actions"]) == before
    assert not generator.owns_scoped_id(mine.scoped_id) and mine not in generator.workable()
    generator.release(conversation_id=mine.conversation_id)
    assert generator.owns_scoped_id(mine.scoped_id)


def test_a_reserved_customer_is_never_drawn_as_a_new_one(alcmeon_env_factory):
    handle = alcmeon_env_factory(FRENCH_BRAND)
    generator = TrafficGenerator(handle.url, handle.session, seed=8, language="fr")
    generator.run(events=10)
    customer = generator.customers[0]
    generator.reserve(account_id=customer.account_id, user_id=customer.user_id)
    generator.run(events=40)
    assert customer not in generator.workable()
    assert not generator.owns_conversation(customer.conversation_id)  # every conversation of theirs
    assert not generator.owns_scoped_id(customer.scoped_id)
    assert [c.user_id for c in generator.customers].count(customer.user_id) == 1
    with pytest.raises(ValueError):
        generator.reserve(user_id="33600000000")


def test_the_topology_files_give_the_french_and_korean_brands_their_language():
    topology = load(scenario_path("many-to-one"))
    assert {e.name: e.language for e in topology.environments} == {"brand-fr": "fr", "brand-kr": "ko"}
    assert EnvironmentConfig.from_dict({"language": "ja"}).language == "ja"


def test_a_language_without_phrases_is_refused_with_the_choices(tmp_path):
    with pytest.raises(
        ConfigError, match="language: klingon is not a language with phrases; write one of: en, fr"
    ):
        EnvironmentConfig.from_dict({"language": "klingon"})
    file = tmp_path / "mine.yaml"
    file.write_text(
        "environments:\n  - {name: brand, instance_id: '4242', language: french}\norgs:\n  - {name: main}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        TopologyError, match=r"mine.yaml:2: environments\[0\].language: french is not a language with phrases"
    ):
        load(file)
    with pytest.raises(ValueError, match="one of: en, fr"):
        TrafficGenerator("https://127.0.0.1:1", None, language="klingon")


def test_the_language_of_a_channel_is_the_brands_or_else_the_channels_market():
    assert channel_language("fr", "kakaotalk") == "fr" and channel_locale("fr", "kakaotalk") == "fr_FR"
    assert channel_language(None, "kakaotalk") == "ko" and channel_locale(None, "inmessage") == "en_GB"
    assert channel_language(None, "rcs") == "en"
