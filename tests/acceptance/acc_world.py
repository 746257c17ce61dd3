"""The world of one scenario: the running topology, the customers and Contacts it names, what was seen."""

# Everything here goes through public HTTP APIs: Salesforce REST/SOQL (simple-salesforce), the Alcméon
# fake's public API and its /_sim/ext extensions, and the connector's routes. Names in the Gherkin
# (a customer, a Contact, a team, a queue, a social account) are resolved here once.

from __future__ import annotations

import hashlib
import hmac
import zlib
from dataclasses import dataclass, field

from alcsim.connector.widget.backend import widget_signature
from alcsim.simulators.common.waiting import wait_until
from alcsim.simulators.salesforce.running import trusting_session
from alcsim.simulators.topology.launch import RunningTopology

TIMEOUT = 20.0
PHONE_CHANNELS = {"whatsapp": "336", "kakaotalk": "8210"}  # AR 2.3: phone-number ids without '+'


@dataclass
class Customer:
    """A person writing to the brand on one social account."""

    name: str
    env: str
    account: str
    account_id: int
    channel: str
    user_id: str
    messages: list[dict] = field(default_factory=list)  # what the extension answered, oldest first

    @property
    def last(self) -> dict:
        return self.messages[-1]

    @property
    def scoped_ids(self) -> list[str]:
        return list(dict.fromkeys(m["scoped_id"] for m in self.messages))


def user_id_for(name: str, channel: str) -> str:
    """A stable id per customer and channel: digits for phone channels, a handle elsewhere."""
    digest = zlib.crc32(f"{name}:{channel}".encode()) % 10**8
    if channel in PHONE_CHANNELS:
        return f"{PHONE_CHANNELS[channel]}{digest:08d}"
    return f"{channel[:2]}-{name.lower()}-{digest % 10000}"


@dataclass
class World:
    pool: object  # acc_pool.TopologyPool of this test process
    clock: object
    rt: RunningTopology | None = None
    topology_name: str = ""
    customers: dict[str, Customer] = field(default_factory=dict)
    contacts: dict[str, str] = field(default_factory=dict)  # display name -> Salesforce id
    contact_org: dict[str, str] = field(default_factory=dict)
    seen: dict[str, object] = field(default_factory=dict)  # last answers, by what they answer

    # -- topology -----------------------------------------------------------------------------------
    def start(self, name: str) -> RunningTopology:
        """The topology running in its seeded state, on its own clock (acc_pool.py: started or reset)."""
        self.rt = self.pool.take(name)
        self.topology_name = name
        self.clock = self.rt.clock
        return self.rt

    @property
    def topology(self):
        return self.rt.topology

    def only_env(self) -> str:
        return self.topology.environments[0].name

    def env_of_account(self, account: str) -> tuple[str, str]:
        for env in self.topology.environments:
            for social in env.social_accounts:
                if social.name == account:
                    return env.name, social.type
        raise AssertionError(f"no social account {account!r} in topology {self.topology.name}")

    def only_org(self) -> str:
        return self.topology.orgs[0].name

    def record_org_of_account(self, name: str) -> str:
        """The org the customer's social account is linked to (AR 1.8)."""
        known = self.customers[name]
        env = self.topology.environment(known.env)
        return next(a.org for a in env.social_accounts if a.name == known.account)

    def org_of_queue(self, queue: str) -> str:
        return next(o.name for o in self.topology.orgs if o.queue(queue))

    # -- customers ----------------------------------------------------------------------------------
    def customer(self, name: str) -> Customer:
        assert name in self.customers and self.customers[name].messages, f"{name} has not written yet"
        return self.customers[name]

    def person(self, name: str, account: str) -> Customer:
        """The customer as known on `account` (created on first mention, before writing anything)."""
        known = self.customers.get(name)
        if known is None or known.account != account:
            env, channel = self.env_of_account(account)
            known = Customer(
                name, env, account, self.rt.account_id(env, account), channel, user_id_for(name, channel)
            )
            self.customers[name] = known
        return known

    def writes(self, name: str, account: str, text: str, **extra) -> dict:
        known = self.person(name, account)
        answer = self.rt.env(known.env).customer_writes(
            known.account_id, known.user_id, text, name=name, **extra
        )
        known.messages.append(answer)
        return answer

    def conversation(self, name: str) -> dict:
        customer = self.customer(name)
        answer = self.rt.env(customer.env).ext("GET", f"/conversations/{customer.last['conversation_id']}")
        answer.raise_for_status()
        return answer.json()

    def social_user(self, name: str) -> dict:
        customer = self.customer(name)
        answer = self.rt.env(customer.env).ext("GET", f"/users/{customer.last['social_user_id']}")
        answer.raise_for_status()
        return answer.json()

    def alcmeon_agent(self, env: str) -> int:
        return self.rt.agent_id(env)

    def ext(self, env: str, method: str, path: str, **kwargs):
        answer = self.rt.env(env).ext(method, path, **kwargs)
        assert answer.status_code < 300, f"{method} /_sim/ext{path}: {answer.status_code} {answer.text}"
        return answer.json()

    # -- orgs ---------------------------------------------------------------------------------------
    def admin_client(self, org: str):
        return self.rt.org(org).client()

    def queue_id(self, org: str, developer_name: str) -> str:
        rows = self.admin_client(org).query(
            f"SELECT Id FROM Group WHERE Type = 'Queue' AND DeveloperName = '{developer_name}'"
        )["records"]
        assert rows, f"org {org} has no queue {developer_name}"
        return rows[0]["Id"]

    def agent_user(self, org: str) -> dict:
        username = self.rt.org(org).org.config.users[1].username
        return self.admin_client(org).query(
            f"SELECT Id, Email, Name FROM User WHERE Username = '{username}'"
        )["records"][0]

    def record_org(self, name: str) -> str:
        """The org that holds the customer's latest conversation record (waiting for it)."""
        scoped = self.customer(name).last["scoped_id"]

        def where():
            return next((o.name for o in self.topology.orgs if self.rt.record(o.name, scoped)), None)

        return wait_until(where, TIMEOUT, 0.05, f"{name}'s conversation record in an org")

    def record(self, name: str, org: str | None = None, check=lambda r: True) -> dict:
        org = org or self.record_org(name)
        return self.rt.wait_for_record(org, self.customer(name).last["scoped_id"], check, TIMEOUT)

    def full_record(self, org: str, record_id: str) -> dict:
        return self.admin_client(org).alcmeon__Conversation__c.get(record_id)

    def case_of(self, name: str, org: str) -> str:
        """The Case the customer automation made for the customer's conversation record (AR 1.12)."""
        record = self.record(name, org)
        return wait_until(
            lambda: self.full_record(org, record["Id"]).get("alcmeon__Case__c"),
            TIMEOUT,
            0.05,
            f"a Case for {name}",
        )

    def settle(self) -> None:
        """Nothing in flight anywhere: notifications delivered, the orgs' package callouts delivered, and
        no connector job pending or running (RunningTopology.wait_idle alone does not see the last two)."""

        def quiet() -> bool:
            self.rt.wait_idle(TIMEOUT)
            jobs = self.rt.admin("GET", "/health").json().get("jobs", {})
            if jobs.get("pending") or jobs.get("running"):
                return False
            for running in self.rt.orgs.values():
                session = running.session()
                session.headers["Authorization"] = f"Bearer {running.access_token()}"
                callouts = session.get(f"{running.instance_url}/_sim/package/callouts").json()["callouts"]
                if any(c.get("state") not in ("delivered", "failed") for c in callouts):
                    return False
            return True

        wait_until(quiet, TIMEOUT, 0.05, "the topology to settle")

    # -- connector ----------------------------------------------------------------------------------
    def connector_session(self, env: str | None = None):
        session = trusting_session(self.rt.ca_bundle)
        if env:
            handle = self.rt.env(env)
            session.auth = (handle.instance_id, handle.secret)
        return session

    def widget_params(self, org: str, record_id: str, user_id: str) -> dict:
        """What the package's page passes to the widget: ids and time, signed with the Named Credential
        secret the org shares with the connector (connector/widget/backend.py)."""
        env = next(e.name for e in self.topology.environments if org in e.org_names())
        secret = self.topology.callout_secret(org, env)
        org_id = self.rt.connector.org(org).organization_id
        issued = str(int(self.clock.timestamp()))  # the shared clock, as the org's page and the connector
        signature = widget_signature(secret, org_id, user_id, record_id, issued)
        return {"user_id": user_id, "issued_at": issued, "signature": signature}


def webhook_signature_ok(secret: str, path: str, body: bytes, signature: str) -> bool:
    """API-01 (AR 3.2): hex HMAC-SHA256 of the path, a space and the body, keyed by the application secret."""
    expected = hmac.new(secret.encode(), path.encode() + b" " + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature or "")
