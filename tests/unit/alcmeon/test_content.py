"""Believable content: canned intents in each market's language, Faker customers of that market, seeded."""

import random
import re
import string

import pytest
from faker.providers.person.de_DE import Provider as GermanNames
from faker.providers.person.fr_FR import Provider as FrenchNames
from faker.providers.person.ko_KR import Provider as KoreanNames

from alcsim.simulators.alcmeon import content

HANGUL = re.compile(r"[\uac00-\ud7a3]")
KANA = re.compile(r"[\u3040-\u30ff]")
# Words that only one of the Latin-script languages uses often: enough to tell which language a line is.
MARKERS = {
    "en": {
        *"the you your my is for thanks thank hi order i it we and that this to me of be will all just".split(),
        *"so could can please here with have on in at there what glad sorry let know any".split(),
    },
    "fr": {
        *"je vous votre la le les merci bonjour commande est nous pour mais ce cette fois j c d l n qu".split(),
        *"sera ai suis des du une un à au avec pas très bon parfait sur encore tout oui on m vos".split(),
    },
    "de": {
        *"ich sie ihre ihr die der das ist danke bestellung und nicht es ein eine mich mir mein meine".split(),
        *"wird bitte noch sehr gern gut auf mit zu für von den dem dann schon jetzt auch kann habe".split(),
    },
    "es": {
        *"el tu mi pedido gracias hola es lo que por está muy nos bueno días más de la un una los con".split(),
        *"en se te ya vale y perfecto os si".split(),
    },
    "it": {
        *"il ti mi ordine grazie ciao è che per non ho sono ci figurati pure qui se qualcosa un una".split(),
        *"della del con anche va bene già lo la di e tuo tua mio mia perfetto".split(),
    },
    "pt": {
        *"o você seu meu pedido obrigado olá oi é não valeu do da só isso eu queria era um uma com em".split(),
        *"na no para pra também tá bom muito ao sua perfeito ainda estou alguém pode".split(),
    },
}
ALLOWED_FIELDS = {"order", "days", "product", "name", "email", "phone"}
DETAILS = {"order": "123456", "product": "X", "days": "3", "name": "Camille", "email": "a@example.org"}


def guess(text: str) -> str:
    if HANGUL.search(text):
        return "ko"
    if KANA.search(text):
        return "ja"
    words = re.findall(r"[^\W\d_]+", text.lower())
    scores = {lang: sum(w in markers for w in words) for lang, markers in MARKERS.items()}
    return max(scores, key=scores.get)


def rendered(language: str):
    """Every variant of every intent and turn, with its placeholders filled."""
    for intent in content.INTENTS:
        for turn in (*content.CUSTOMER_TURNS, *content.AGENT_TURNS):
            for template in content.templates(language, intent, turn):
                yield intent, turn, template.format(**DETAILS, phone="+33 6 12 34 56 78")


@pytest.mark.parametrize("language", content.LANGUAGES)
def test_every_intent_has_variants_for_every_turn_of_both_sides(language):
    for intent in content.INTENTS:
        for turn in (*content.CUSTOMER_TURNS, *content.AGENT_TURNS):
            variants = content.templates(language, intent, turn)
            assert len(set(variants)) >= 3, (language, intent, turn)
            for template in variants:
                fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
                assert fields <= ALLOWED_FIELDS, (language, intent, turn, template)
        # A follow-up can always be written by a customer whose phone and e-mail are unknown.
        follow_ups = content.templates(language, intent, "follow_up")
        assert any("{phone}" not in t and "{email}" not in t for t in follow_ups), (language, intent)
    assert len(content.products(language)) >= 3


@pytest.mark.parametrize("language", content.LANGUAGES)
def test_each_table_is_written_in_its_own_language(language):
    """The variants of each intent and turn, read together, are told to be of the table's language."""
    together: dict[tuple[str, str], list[str]] = {}
    for intent, turn, text in rendered(language):
        together.setdefault((intent, turn), []).append(text)
    for (intent, turn), texts in together.items():
        assert guess(" ".join(texts)) == language, (intent, turn, texts)
    if language in ("ko", "ja"):
        script = HANGUL if language == "ko" else KANA
        assert all(script.search(text) for _, _, text in rendered(language))


def test_french_text_reads_french_and_korean_text_is_hangul():
    rng = random.Random(5)
    french = content.message("fr", "order_status", rng)
    assert set(re.findall(r"\w+", french.lower())) & {"commande", "bonjour", "ma", "vous", "je"}, french
    korean = content.answer("ko", "refund", rng, name="김민준")
    assert HANGUL.search(korean) and "김민준" in korean, korean
    assert KANA.search(content.message("ja", "late_delivery", rng))


def test_the_same_seed_gives_the_same_conversation_and_customer():
    def draw(seed):
        rng = random.Random(seed)
        person = content.customer("fr_FR", rng)
        return person, content.conversation("fr", "refund", rng, person)

    assert draw(7) == draw(7)
    assert draw(7) != draw(8)
    person, turns = draw(7)
    assert [who for who, _ in turns] == ["customer", "agent", "customer", "agent"]
    assert person.address in turns[1][1]  # the agent addresses the customer by name


@pytest.mark.parametrize("language", content.LANGUAGES)
def test_paired_intents_answer_the_matter_the_customer_raised(language):
    """A warranty question gets the warranty answer, a double charge the refund of the charge (PAIRED_INTENTS)."""
    rng = random.Random(0)
    for intent in content.PAIRED_INTENTS:
        for topic in range(len(content.templates(language, intent, "opening"))):
            for turn in content.AGENT_TURNS:
                text = content.answer(
                    language, intent, rng, turn, name="N", order="1", product="P", topic=topic
                )
                expected = content.templates(language, intent, turn)[topic]
                filled = expected.format(name="N", order="1", product="P", days="\x00")
                assert re.fullmatch(re.escape(filled).replace("\x00", "[2-5]"), text), (text, expected)
    opening = content.message(language, "refund", rng, topic=1, order="1", product="P")
    assert opening == content.templates(language, "refund", "opening")[1].format(order="1", product="P")


def test_a_conversation_keeps_one_order_number_throughout():
    turns = content.conversation("de", "order_status", random.Random(3))
    numbers = {n for _, text in turns for n in re.findall(r"\b\d{6}\b", text)}
    assert len(numbers) == 1, turns


def test_an_answer_without_a_name_drops_the_address_politely():
    rng = random.Random(1)
    for language in content.LANGUAGES:
        for intent in content.INTENTS:
            for turn in content.AGENT_TURNS:
                for _ in range(6):
                    text = content.answer(language, intent, rng, turn)
                    assert "{" not in text and not re.search(r" [,.]|,[,.!]|^[,.]", text), (language, text)
    assert "고객님" in content.answer("ko", "thanks", random.Random(2))
    assert "お客様" in content.answer("ja", "complaint", random.Random(4))


def test_customers_come_from_fakers_locale_of_the_market():
    rng = random.Random(11)
    french = [content.customer("fr", rng) for _ in range(20)]
    assert all(p.last_name in FrenchNames.last_names for p in french)
    assert all(p.first_name in FrenchNames.first_names for p in french)
    assert all(re.fullmatch(r"33[67]\d{8}", p.phone_digits) for p in french), [p.phone for p in french]
    german = content.customer("de_DE", rng)
    assert german.last_name in GermanNames.last_names and german.phone_digits.startswith("49")
    korean = content.customer("ko", rng)
    assert korean.last_name in KoreanNames.last_names and korean.first_name in KoreanNames.first_names
    assert korean.name == korean.last_name + korean.first_name  # family name first, no space
    assert re.fullmatch(r"8210\d{8}", korean.phone_digits) and korean.phone.startswith("010-")
    japanese = content.customer("ja", rng)
    assert (
        japanese.name == f"{japanese.last_name} {japanese.first_name}"
        and japanese.address == japanese.last_name
    )
    for person in (*french, german, korean, japanese):
        assert re.fullmatch(r"[a-z0-9._-]+@example\.(com|org|net)", person.email), person.email
        assert person.handle and " " not in person.handle


@pytest.mark.parametrize("locale", sorted(content.MARKET_LOCALES.values()) + ["en_GB"])
def test_every_market_gives_phone_ids_without_plus(locale):
    """AR 2.3: WhatsApp and KakaoTalk know a user by the international number without '+'."""
    rng = random.Random(locale)
    for _ in range(40):
        person = content.customer(locale, rng)
        assert re.fullmatch(r"[1-9]\d{7,14}", person.phone_digits), (person.phone, person.phone_digits)
        assert re.sub(r"\D", "", person.phone).endswith(person.phone_digits[-7:]), person


def test_customer_details_appear_where_a_follow_up_gives_them():
    rng = random.Random(0)
    person = content.customer("it", rng)
    texts = {content.message("it", "refund", rng, "follow_up", customer=person) for _ in range(30)}
    assert any(person.email in t for t in texts), texts
    anonymous = {content.message("it", "refund", rng, "follow_up") for _ in range(30)}
    assert all("{" not in t for t in anonymous)


def test_unknown_language_intent_or_turn_is_refused_with_the_choices():
    rng = random.Random(0)
    with pytest.raises(ValueError, match="one of: en, fr"):
        content.message("xx", "refund", rng)
    with pytest.raises(ValueError, match="order_status"):
        content.message("fr", "weather", rng)
    with pytest.raises(ValueError, match="opening"):
        content.message("fr", "refund", rng, "close")
    assert content.language_of("en_GB") == "en" and content.locale_of("pt") == "pt_BR"
    assert content.INTENT_LABELS.keys() == set(content.INTENTS)
