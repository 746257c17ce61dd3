"""Seeded traffic against a running environment: customers write, agents reply, route, match, close."""

# It drives the environment only through HTTP (the simulator extensions and the admin clock), so it
# works the same on an environment in this process, in another one, or behind `alcsim serve`.
# What people write comes from content/: each conversation follows one customer-service intent in the
# brand's market language (opening, answer, follow-up, close), with customers of that market's Faker
# locale. The traffic only ever acts on customers it created itself, and never on those or on
# conversations that someone reserved (a story, a person at the dashboard).

from __future__ import annotations

import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import requests

from alcsim.simulators.alcmeon import content
from alcsim.simulators.alcmeon.content import CustomerProfile

if TYPE_CHECKING:
    from faker import Faker  # made by content.new_faker, which loads Faker on the first customer

# A brand without a market language is multi-country: who writes on each channel, and in what language.
CHANNEL_LOCALES = {
    "twitter": "en_US",
    "facebook": "fr_FR",
    "instagram": "it_IT",
    "whatsapp": "es_ES",
    "kakaotalk": "ko_KR",
    "inmessage": "en_GB",
    "line": "ja_JP",
    "gmb": "de_DE",
}
# The share of each kind of event; returning users come back inside the window unless time travels.
DEFAULT_MIX = {
    "new_user": 30,
    "returning_user": 25,
    "returning_after_window": 4,
    "reply": 20,
    "route": 8,
    "match": 4,
    "close": 6,
    "acquire": 3,
}
PHONE_CHANNELS = ("whatsapp", "kakaotalk")  # AR 2.3: the user id is the international number, no '+'


def channel_locale(brand_language: str | None, channel: str) -> str:
    """The Faker locale of a brand's customers on `channel`: its market's, else the channel's (multi-country)."""
    if brand_language:
        return content.locale_of(brand_language)
    return CHANNEL_LOCALES.get(channel, "en_US")


def channel_language(brand_language: str | None, channel: str) -> str:
    """The language a brand's customers write in on `channel`, and its agents answer in."""
    return brand_language or content.language_of(channel_locale(None, channel))


@dataclass
class Customer:
    account_id: int
    channel: str
    user_id: str
    name: str
    channel_data: dict = field(default_factory=dict)
    social_user_id: int | None = None
    last_task_id: int | None = None
    conversation_id: int | None = None
    scoped_id: str | None = None
    profile: CustomerProfile | None = None
    language: str = "en"
    # What the current conversation is about, and how far it went (content.CUSTOMER_TURNS, AGENT_TURNS).
    intent: str | None = None
    order: str | None = None
    product: str | None = None
    topic: int | None = None  # which opening the customer wrote (content.PAIRED_INTENTS)
    messages: int = 0  # customer messages in the current conversation
    answers: int = 0  # agent answers in the current conversation


class TrafficGenerator:
    def __init__(
        self,
        base_url: str,
        session: requests.Session,
        seed: int | str = 0,
        mix: dict | None = None,
        time_travel: bool = False,
        language: str | None = None,
    ):
        """`language`: the brand's market language (content.LANGUAGES); None: each channel's market.
        `time_travel` lets returning users come back after the silence window by moving the clock."""
        if language is not None:
            content.locale_of(language)  # refuses a language without phrases
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.random = random.Random(seed)
        self.seed = seed
        self.language = language
        self.mix = {**DEFAULT_MIX, **(mix or {})}
        if not time_travel:
            self.mix["returning_after_window"] = 0
        self.customers: list[Customer] = []
        self.reserved_users: set[tuple[int, str]] = set()
        self.reserved_conversations: set[int] = set()
        # Every conversation the traffic started, by id and by scoped id: whose it is.
        self._conversations: dict[int, tuple[int, str]] = {}
        self._scoped_ids: dict[str, int] = {}
        self._fakers: dict[str, Faker] = {}
        accounts = self._get("/v1/social-accounts/", params={"limit": 100})["data"]
        self.accounts = [a for a in accounts if a["enabled"] and a["type"] in CHANNEL_LOCALES]
        self.agents = [a for a in self._ext("GET", "/agents") if a["is_active"] and not a["is_bot"]]
        self.teams = self._get("/teams")

    # HTTP.
    def _get(self, path: str, **kwargs):
        response = self.session.get(f"{self.base_url}{path}", **kwargs)
        response.raise_for_status()
        return response.json()

    def _ext(self, method: str, path: str, **kwargs):
        response = self.session.request(method, f"{self.base_url}/_sim/ext{path}", **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    # Who may be acted on: only what this generator created, minus what others reserved.
    def reserve(
        self, *, account_id: int | None = None, user_id: str | None = None, conversation_id: int | None = None
    ) -> None:
        """Keep the traffic off a customer (account_id and user_id) or a conversation, e.g. a story's."""
        if user_id is not None:
            if account_id is None:
                raise ValueError("a customer is reserved by account_id and user_id")
            self.reserved_users.add((int(account_id), str(user_id)))
        if conversation_id is not None:
            self.reserved_conversations.add(int(conversation_id))

    def release(
        self, *, account_id: int | None = None, user_id: str | None = None, conversation_id: int | None = None
    ) -> None:
        if user_id is not None and account_id is not None:
            self.reserved_users.discard((int(account_id), str(user_id)))
        if conversation_id is not None:
            self.reserved_conversations.discard(int(conversation_id))

    def is_reserved(self, customer: Customer) -> bool:
        return (customer.account_id, customer.user_id) in self.reserved_users or (
            customer.conversation_id in self.reserved_conversations
        )

    def workable(self) -> list[Customer]:
        """The customers the traffic may write as or act on: its own, none of them reserved."""
        return [c for c in self.customers if not self.is_reserved(c)]

    def owns_conversation(self, conversation_id: int) -> bool:
        """Whether the traffic started this conversation and nobody reserved it or its customer since."""
        customer = self._conversations.get(conversation_id)
        return (
            customer is not None
            and conversation_id not in self.reserved_conversations
            and customer not in self.reserved_users
        )

    def owns_scoped_id(self, scoped_id: str | None) -> bool:
        """The same question for a record in Salesforce, by its `alcmeon__scoped_id__c`."""
        return scoped_id in self._scoped_ids and self.owns_conversation(self._scoped_ids[scoped_id])

    # People and what they write.
    def language_for(self, channel: str) -> str:
        return channel_language(self.language, channel)

    def locale_for(self, channel: str) -> str:
        return channel_locale(self.language, channel)

    def faker(self, locale: str) -> Faker:
        if locale not in self._fakers:
            self._fakers[locale] = content.new_faker(locale)
        return self._fakers[locale]

    def new_customer(self) -> Customer:
        account = self.random.choice(self.accounts)
        channel = account["type"]
        locale = self.locale_for(channel)
        taken = {(c.account_id, c.user_id) for c in self.customers} | self.reserved_users
        while True:
            profile = content.customer(locale, self.random, self.faker(locale))
            user_id, data = self._channel_identity(channel, profile)
            if (account["id"], user_id) not in taken:
                break
        return Customer(
            account["id"],
            channel,
            user_id,
            profile.name,
            data,
            profile=profile,
            language=self.language_for(channel),
        )

    def _channel_identity(self, channel: str, profile: CustomerProfile) -> tuple[str, dict]:
        """The user id the channel knows the customer by, and its channel-specific data (SYNC-08)."""
        data: dict = {}
        if channel in PHONE_CHANNELS:
            user_id = profile.phone_digits
            if channel == "kakaotalk":
                data["app_user_id"] = self._digits(8)
        elif channel == "inmessage":
            user_id = str(uuid.UUID(int=self.random.getrandbits(128)))
            data["customer_id"] = f"C-{self._digits(6)}"
            data["email"] = profile.email  # what the web chat's pre-chat form asks for
        elif channel == "instagram":
            user_id = "1784" + self._digits(14, leading_zero=True)
            data["username"] = profile.handle
        else:
            user_id = self._digits(16)
        return user_id, data

    def _digits(self, count: int, leading_zero: bool = False) -> str:
        first = "" if leading_zero else str(self.random.randint(1, 9))
        return first + "".join(str(self.random.randint(0, 9)) for _ in range(count - len(first)))

    def customer_text(self, customer: Customer) -> str:
        """What the customer writes next: an opening on a new conversation, else a follow-up."""
        if customer.last_task_id is None or customer.intent is None:
            customer.intent = self.random.choice(content.INTENTS)
            customer.order = content.order_number(self.random)
            customer.product = self.random.choice(content.products(customer.language))
            customer.topic = content.topic(customer.language, customer.intent, self.random)
            customer.messages = customer.answers = 0
        # Until an agent has answered, writing again is asking again, not following up.
        turn = "follow_up" if customer.answers else "reminder" if customer.messages else "opening"
        customer.messages += 1
        return content.message(
            customer.language,
            customer.intent,
            self.random,
            turn,
            customer=customer.profile,
            order=customer.order,
            product=customer.product,
            topic=customer.topic,
        )

    def agent_answer(self, customer: Customer) -> str:
        """What an agent answers the customer next, in the customer's language: the answer, then a close."""
        turn = "answer" if customer.answers == 0 else "close"
        customer.answers += 1
        return content.answer(
            customer.language,
            customer.intent or "order_status",
            self.random,
            turn,
            name=customer.profile.address if customer.profile else None,
            order=customer.order,
            product=customer.product,
            topic=customer.topic,
        )

    # Events.
    def write(self, customer: Customer) -> dict:
        body = {
            "account_id": customer.account_id,
            "user_id": customer.user_id,
            "name": customer.name,
            "content": self.customer_text(customer),
            "channel_data": customer.channel_data,
        }
        sent = self._ext("POST", "/customers/messages", json=body)
        customer.social_user_id = sent["social_user_id"]
        customer.last_task_id = sent["task_id"]
        customer.conversation_id = sent["conversation_id"]
        customer.scoped_id = sent.get("scoped_id")
        self._conversations[customer.conversation_id] = (customer.account_id, customer.user_id)
        if customer.scoped_id:
            self._scoped_ids[customer.scoped_id] = customer.conversation_id
        return sent

    def step(self) -> str:
        kinds, weights = zip(*self.mix.items(), strict=True)
        kind = self.random.choices(kinds, weights)[0]
        pool = self.workable()
        active = [c for c in pool if c.last_task_id]
        returning = kind.startswith("returning")
        if kind != "new_user" and not (pool if returning else active):
            kind = "new_user"
        if kind == "new_user":
            customer = self.new_customer()
            self.customers.append(customer)
            self.write(customer)
            return kind
        # Anyone may come back, even after a close; agents act on conversations still waiting.
        customer = self.random.choice(pool if returning else active)
        agent = self.random.choice(self.agents)["id"]
        task = customer.last_task_id
        if kind == "returning_user":
            self.write(customer)
        elif kind == "returning_after_window":
            self.session.post(
                f"{self.base_url}/_sim/clock", json={"advance_seconds": 121 * 3600}
            ).raise_for_status()
            customer.last_task_id = None  # the window closed it: the next message opens a new conversation
            self.write(customer)
        elif kind == "reply":
            self._ext(
                "POST",
                f"/tasks/{task}/reply",
                json={"agent_id": agent, "content": self.agent_answer(customer)},
            )
        elif kind == "acquire":
            self._ext("POST", f"/tasks/{task}/acquire", json={"agent_id": agent})
        elif kind == "route":
            team = self.random.choice(self.teams)["id"]
            self._ext("POST", f"/tasks/{task}/route", json={"team_id": team, "agent_id": agent})
        elif kind == "match":
            contact = "003" + "".join(
                self.random.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(15)
            )
            self._ext(
                "POST",
                f"/users/{customer.social_user_id}/match",
                json={"crm_contact_id": contact, "agent_id": agent},
            )
        elif kind == "close":
            conversation = self._ext("GET", f"/conversations/{customer.conversation_id}")
            if conversation["status"] == "open":
                self._ext(
                    "POST", f"/conversations/{customer.conversation_id}/close", json={"agent_id": agent}
                )
            customer.last_task_id = None
        return kind

    def run(
        self,
        events: int | None = None,
        rate: float | None = None,
        duration: float | None = None,
        on_event: Callable[[str], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Counter:
        """Run `events` steps, or until `duration` seconds pass; `rate` is events per second (None: flat out)."""
        if events is None and duration is None:
            raise ValueError("give events, duration or both")
        done: Counter = Counter()
        started = time.monotonic()
        while (events is None or sum(done.values()) < events) and (
            duration is None or time.monotonic() - started < duration
        ):
            if should_stop and should_stop():
                break
            kind = self.step()
            done[kind] += 1
            if on_event:
                on_event(kind)
            if rate:
                next_at = started + sum(done.values()) / rate
                time.sleep(max(0.0, next_at - time.monotonic()))
        return done
