"""The world of one scenario: the running topology, the customers and Contacts it names, what was seen."""

# Everything here goes through public HTTP APIs: Salesforce REST/SOQL (simple-salesforce), the Alcméon
# fake's public API and its /_sim/ext extensions, and the connector's routes. Names in the Gherkin
# (a customer, a Contact, a team, a queue, a social account) are resolved here once.

from __future__ import annotations

import hashlib
import hmac
import zlib
from dataclasses import dataclass, field

from acc_pool import Kept, log_in, wait_idle
from simple_salesforce import format_soql

from alcsim.connector.widget.backend import widget_signature
from alcsim.simulators.common.waiting import wait_until
from alcsim.simulators.salesforce.running import trusting_session
from alcsim.simulators.topology.launch import RunningTopology

TIMEOUT = 20.0
POLL = 0.02  # seconds between two looks at a condition: each look is one cheap read on a kept session
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
    # Kept for the scenario, as a real client keeps its session and connection, instead of a login and a
    # TLS handshake per read: each org's clients and admin sessions, the connector's sessions, and ids.
    # The HTTP sessions to the fakes and their seeded ids outlive the scenario (acc_pool.Kept); logins not.
    clients: dict[str, object] = field(default_factory=dict)
    sessions: dict[str, object] = field(default_factory=dict)
    known_ids: dict[tuple, object] = field(default_factory=dict)
    kept: Kept = field(default_factory=Kept)

    # -- topology -----------------------------------------------------------------------------------
    def start(self, name: str) -> RunningTopology:
        """The topology running in its seeded state, on its own clock (acc_pool.py: started or reset)."""
        self.rt = self.pool.take(name)
        self.kept = self.pool.kept(self.rt)
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
                name, env, account, self.account_id(env, account), channel, user_id_for(name, channel)
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

    def _seeded(self, key: tuple, look_up):
        """Ids an environment's seeds gave: its snapshot restore (acc_pool.reset) gives the same back."""
        if key not in self.kept.ids:
            self.kept.ids[key] = look_up()
        return self.kept.ids[key]

    def account_id(self, env: str, account: str) -> int:
        return self._seeded(("account", env, account), lambda: self.rt.account_id(env, account))

    def team_id(self, env: str, team: str) -> int:
        return self._seeded(("team", env, team), lambda: self.rt.team_id(env, team))

    def alcmeon_agent(self, env: str) -> int:
        return self._seeded(("alcmeon agent", env), lambda: self.rt.agent_id(env))

    def ext(self, env: str, method: str, path: str, **kwargs):
        answer = self.rt.env(env).ext(method, path, **kwargs)
        assert answer.status_code < 300, f"{method} /_sim/ext{path}: {answer.status_code} {answer.text}"
        return answer.json()

    # -- orgs ---------------------------------------------------------------------------------------
    def advance(self, **delta: float) -> None:
        """Move the topology's shared clock; sessions older than their timeout end with it."""
        self.clock.advance(**delta)
        self.clients.clear()
        self.sessions.clear()

    def _kept_session(self, key: tuple, running):
        """A requests session to one fake, kept with its connection across scenarios (acc_pool.Kept)."""
        return self.kept.session(key, running)

    def admin_client(self, org: str):
        """simple-salesforce as the integration user: one login per org and scenario, its session kept
        (and its connection) as a real client keeps them, instead of a login per read."""
        if org not in self.clients:
            running = self.rt.org(org)
            self.clients[org] = running.client(session=self._kept_session(("client", org), running))
        return self.clients[org]

    def agent_client(self, org: str):
        """simple-salesforce as the org's agent user, whose changes the package reports (one login)."""
        if ("agent", org) not in self.clients:
            session = self._kept_session(("agent", org), self.rt.org(org))
            self.clients[("agent", org)] = self.rt.agent_client(org, session=session)
        return self.clients[("agent", org)]

    def org_admin(self, org: str):
        """A session on the org's simulator routes (/_sim), as its integration user."""
        if ("org", org) not in self.sessions:
            running = self.rt.org(org)
            session = self._kept_session(("org", org), running)
            log_in(session, running)
            self.sessions[("org", org)] = session
        return self.sessions[("org", org)]

    def conversations(self, org: str, where: str = "") -> list[dict]:
        """The org's conversation records, oldest first (the fields RunningTopology.conversations reads)."""
        version = tuple(int(p) for p in self.topology.org(org).package_version.split("."))
        soql = (
            "SELECT Id, OwnerId, alcmeon__scoped_id__c, alcmeon__Status__c, alcmeon__To_SF_Queue_Id__c,"
            " alcmeon__Contact__c, alcmeon__Account__c, alcmeon__Social_media_type__c, alcmeon__User_name__c"
            + (", alcmeon__Channel_specific_user_data__c" if version >= (5, 31) else "")
            + f" FROM alcmeon__Conversation__c {where} ORDER BY CreatedDate, Id"
        )
        return self.admin_client(org).query_all(soql)["records"]

    def org_record(self, org: str, scoped_id: str) -> dict | None:
        rows = self.conversations(org, format_soql("WHERE alcmeon__scoped_id__c = {}", scoped_id))
        return rows[0] if rows else None

    def queue_id(self, org: str, developer_name: str) -> str:
        if (org, developer_name) in self.known_ids:
            return self.known_ids[(org, developer_name)]
        rows = self.admin_client(org).query(
            f"SELECT Id FROM Group WHERE Type = 'Queue' AND DeveloperName = '{developer_name}'"
        )["records"]
        assert rows, f"org {org} has no queue {developer_name}"
        self.known_ids[(org, developer_name)] = rows[0]["Id"]
        return rows[0]["Id"]

    def agent_user(self, org: str) -> dict:
        if ("agent", org) not in self.known_ids:
            username = self.rt.org(org).org.config.users[1].username
            self.known_ids[("agent", org)] = self.admin_client(org).query(
                format_soql("SELECT Id, Email, Name FROM User WHERE Username = {}", username)
            )["records"][0]
        return self.known_ids[("agent", org)]

    def record_org(self, name: str) -> str:
        """The org that holds the customer's latest conversation record (waiting for it)."""
        scoped = self.customer(name).last["scoped_id"]

        def where():
            return next((o.name for o in self.topology.orgs if self.org_record(o.name, scoped)), None)

        return wait_until(where, TIMEOUT, POLL, f"{name}'s conversation record in an org")

    def record(self, name: str, org: str | None = None, check=lambda r: True) -> dict:
        org = org or self.record_org(name)
        scoped = self.customer(name).last["scoped_id"]

        def found():
            row = self.org_record(org, scoped)
            return row if row and check(row) else None

        return wait_until(found, TIMEOUT, POLL, f"record {scoped} in org {org}")

    def full_record(self, org: str, record_id: str) -> dict:
        return self.admin_client(org).alcmeon__Conversation__c.get(record_id)

    def case_of(self, name: str, org: str) -> str:
        """The Case the customer automation made for the customer's conversation record (AR 1.12)."""
        record = self.record(name, org)
        return wait_until(
            lambda: self.full_record(org, record["Id"]).get("alcmeon__Case__c"),
            TIMEOUT,
            POLL,
            f"a Case for {name}",
        )

    def settle(self) -> None:
        """Nothing in flight anywhere: notifications delivered, the orgs' package callouts delivered, and
        no connector job pending or running (RunningTopology.wait_idle alone does not see the last two)."""

        def quiet() -> bool:
            wait_idle(self.rt, self.kept, TIMEOUT)  # RunningTopology.wait_idle's looks, on kept sessions
            jobs = self.admin("GET", "/health").json().get("jobs", {})
            if jobs.get("pending") or jobs.get("running"):
                return False
            for name, running in self.rt.orgs.items():
                answer = self.org_admin(name).get(f"{running.instance_url}/_sim/package/callouts")
                callouts = answer.json()["callouts"]
                if any(c.get("state") not in ("delivered", "failed") for c in callouts):
                    return False
            return True

        wait_until(quiet, TIMEOUT, POLL, "the topology to settle")

    # -- connector ----------------------------------------------------------------------------------
    def connector_session(self, env: str | None = None):
        """A session on the connector's routes: as the environment's application when `env` is given."""
        if ("connector", env) not in self.sessions:
            session = trusting_session(self.rt.ca_bundle)
            if env:
                handle = self.rt.env(env)
                session.auth = (handle.instance_id, handle.secret)
            self.sessions[("connector", env)] = session
        return self.sessions[("connector", env)]

    def admin(self, method: str, path: str, **kwargs):
        """The connector's admin routes with its admin token (RunningTopology.admin, on one session)."""
        if "admin" not in self.sessions:
            session = trusting_session(self.rt.ca_bundle)
            session.headers["Authorization"] = f"Bearer {self.rt.admin_token}"
            self.sessions["admin"] = session
        return self.sessions["admin"].request(method, f"{self.rt.connector_url}/admin{path}", **kwargs)

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
