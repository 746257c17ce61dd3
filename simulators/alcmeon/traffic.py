"""Seeded Faker traffic against a running environment: customers write, agents reply, route, match, close."""

# It drives the environment only through HTTP (the simulator extensions and the admin clock), so it
# works the same on an environment in this process, in another one, or behind `alcsim serve`.

from __future__ import annotations

import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from faker import Faker

# Locale per channel: who writes on it in a typical multi-country brand.
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
COUNTRY_CODES = {
    "en_US": "1",
    "fr_FR": "33",
    "it_IT": "39",
    "es_ES": "34",
    "ko_KR": "82",
    "en_GB": "44",
    "ja_JP": "81",
    "de_DE": "49",
}
NATIONAL_PATTERNS = {"ko_KR": "10########", "fr_FR": "6########", "es_ES": "6########", "en_US": "%##%######"}
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


class TrafficGenerator:
    def __init__(
        self,
        base_url: str,
        session: requests.Session,
        seed: int | str = 0,
        mix: dict | None = None,
        time_travel: bool = False,
    ):
        """`time_travel` lets returning users come back after the silence window by moving the clock."""
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.random = random.Random(seed)
        self.seed = seed
        self.mix = {**DEFAULT_MIX, **(mix or {})}
        if not time_travel:
            self.mix["returning_after_window"] = 0
        self.customers: list[Customer] = []
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

    # Faker data.
    def faker(self, channel: str) -> Faker:
        locale = CHANNEL_LOCALES[channel]
        if locale not in self._fakers:
            fake = Faker(locale)
            fake.seed_instance(f"{self.seed}-{locale}")
            self._fakers[locale] = fake
        return self._fakers[locale]

    def new_customer(self) -> Customer:
        account = self.random.choice(self.accounts)
        channel = account["type"]
        fake = self.faker(channel)
        name = fake.name()
        data: dict = {}
        if channel in ("whatsapp", "kakaotalk"):
            # AR 2.3: an international number without '+'.
            locale = CHANNEL_LOCALES[channel]
            user_id = COUNTRY_CODES[locale] + fake.numerify(NATIONAL_PATTERNS.get(locale, "%########"))
            if channel == "kakaotalk":
                data["app_user_id"] = fake.numerify("%#######")
        elif channel == "inmessage":
            user_id = str(uuid.UUID(int=self.random.getrandbits(128)))
            data["customer_id"] = fake.numerify("C-%#####")
        elif channel == "instagram":
            user_id = fake.numerify("1784##############")
            data["username"] = fake.user_name()
        else:
            user_id = fake.numerify("%" + "#" * 15)
        return Customer(account["id"], channel, user_id, name, data)

    def text(self, channel: str) -> str:
        return self.faker(channel).sentence(nb_words=self.random.randint(4, 14))

    # Events.
    def write(self, customer: Customer) -> dict:
        body = {
            "account_id": customer.account_id,
            "user_id": customer.user_id,
            "name": customer.name,
            "content": self.text(customer.channel),
            "channel_data": customer.channel_data,
        }
        sent = self._ext("POST", "/customers/messages", json=body)
        customer.social_user_id = sent["social_user_id"]
        customer.last_task_id = sent["task_id"]
        customer.conversation_id = sent["conversation_id"]
        return sent

    def step(self) -> str:
        kinds, weights = zip(*self.mix.items(), strict=True)
        kind = self.random.choices(kinds, weights)[0]
        active = [c for c in self.customers if c.last_task_id]
        returning = kind.startswith("returning")
        if kind != "new_user" and not (self.customers if returning else active):
            kind = "new_user"
        if kind == "new_user":
            customer = self.new_customer()
            self.customers.append(customer)
            self.write(customer)
            return kind
        # Anyone may come back, even after a close; agents act on conversations still waiting.
        customer = self.random.choice(self.customers if returning else active)
        agent = self.random.choice(self.agents)["id"]
        task = customer.last_task_id
        if kind == "returning_user":
            self.write(customer)
        elif kind == "returning_after_window":
            self.session.post(
                f"{self.base_url}/_sim/clock", json={"advance_seconds": 121 * 3600}
            ).raise_for_status()
            self.write(customer)
        elif kind == "reply":
            self._ext(
                "POST",
                f"/tasks/{task}/reply",
                json={"agent_id": agent, "content": self.text(customer.channel)},
            )
        elif kind == "acquire":
            self._ext("POST", f"/tasks/{task}/acquire", json={"agent_id": agent})
        elif kind == "route":
            team = self.random.choice(self.teams)["id"]
            self._ext("POST", f"/tasks/{task}/route", json={"team_id": team, "agent_id": agent})
        elif kind == "match":
            contact = "003" + self.faker(customer.channel).bothify(
                "??#?#??#?#??#?#", letters="ABCDEFGHJKLMNPQRSTUVWXYZ"
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
