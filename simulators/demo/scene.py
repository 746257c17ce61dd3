"""What a story acts on: a running topology, the people it names, and what they did, all over HTTP."""

# The acts are the ones a customer, an agent or an administrator would do, through the same routes the
# acceptance suite uses: the environment's /_sim/ext extensions for a customer writing and an agent in
# the inbox, the connector's matching and widget routes as the inbox and the org's pages call them, and
# Salesforce's REST API as the org's Salesforce agent. SOQL values go through format_soql (quoted).

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from simple_salesforce import Salesforce, format_soql

from alcsim.connector.widget.backend import widget_signature
from alcsim.simulators.salesforce.running import trusting_session
from alcsim.simulators.topology.launch import RunningTopology

PHONE_CHANNELS = {"whatsapp": "336", "kakaotalk": "8210"}  # AR 2.3: phone-number ids without '+'
ANSWERING = "Alcmeon_Agent"  # the permission set that lets a Salesforce user answer from the widget


def user_id_for(name: str, channel: str) -> str:
    """A stable id per customer and channel: digits for phone channels, a handle elsewhere."""
    digest = zlib.crc32(f"{name}:{channel}".encode()) % 10**8
    if channel in PHONE_CHANNELS:
        return f"{PHONE_CHANNELS[channel]}{digest:08d}"
    return f"{channel[:2]}-{name.lower()}-{digest % 10000}"


@dataclass
class Customer:
    name: str
    env: str
    account: str
    account_id: int
    channel: str
    user_id: str
    messages: list[dict] = field(default_factory=list)  # what the environment answered, oldest first

    @property
    def last(self) -> dict:
        return self.messages[-1]

    @property
    def scoped_ids(self) -> list[str]:
        return list(dict.fromkeys(m["scoped_id"] for m in self.messages))


class Scene:
    """One story's world on a running topology; `memo` keeps what a step made for the next ones."""

    def __init__(self, rt: RunningTopology):
        self.rt = rt
        self.customers: dict[str, Customer] = {}
        self.contacts: dict[str, tuple[str, str]] = {}  # display name -> (org, Salesforce id)
        self.memo: dict = {}
        self._clients: dict[str, Salesforce] = {}

    def settle(self) -> None:
        """Nothing in flight: every notification delivered, every package callout and connector job done."""
        self.rt.wait_idle(20)

    # -- the Alcméon side ---------------------------------------------------------------------------
    def env_of_account(self, account: str) -> tuple[str, str]:
        for env in self.rt.topology.environments:
            for social in env.social_accounts:
                if social.name == account:
                    return env.name, social.type
        raise KeyError(f"no social account {account!r} in topology {self.rt.topology.name}")

    def org_of_account(self, account: str) -> str | None:
        """The org the social account is linked to (AR 1.8)."""
        env, _ = self.env_of_account(account)
        return next(a.org for a in self.rt.topology.environment(env).social_accounts if a.name == account)

    def customer(self, name: str) -> Customer:
        return self.customers[name]

    def writes(self, name: str, account: str, text: str, **extra) -> dict:
        known = self.customers.get(name)
        if known is None or known.account != account:
            env, channel = self.env_of_account(account)
            known = Customer(
                name, env, account, self.rt.account_id(env, account), channel, user_id_for(name, channel)
            )
            self.customers[name] = known
        answer = self.rt.env(known.env).customer_writes(
            known.account_id, known.user_id, text, name=name, **extra
        )
        known.messages.append(answer)
        return answer

    def ext(self, env: str, method: str, path: str, **kwargs) -> dict:
        answer = self.rt.env(env).ext(method, path, **kwargs)
        if answer.status_code >= 300:
            raise RuntimeError(f"{method} /_sim/ext{path}: {answer.status_code} {answer.text[:200]}")
        return answer.json()

    def alcmeon_agent(self, env: str) -> dict:
        """The environment's first human agent (the one the dashboard prints), as {id, email, name}."""
        agents = self.ext(env, "GET", "/agents")
        return next(a for a in agents if not a.get("is_bot") and a.get("email", "").startswith("agent@"))

    def route(self, name: str, team: str) -> None:
        known = self.customer(name)
        team_id = self.rt.team_id(known.env, team)
        self.ext(known.env, "POST", f"/tasks/{known.last['task_id']}/route", json={"team_id": team_id})

    def reply(self, name: str, text: str) -> None:
        known = self.customer(name)
        agent = self.alcmeon_agent(known.env)["id"]
        body = {"agent_id": agent, "content": text}
        self.ext(known.env, "POST", f"/tasks/{known.last['task_id']}/reply", json=body)

    def close(self, name: str) -> None:
        known = self.customer(name)
        agent = self.alcmeon_agent(known.env)["id"]
        path = f"/conversations/{known.last['conversation_id']}/close"
        self.ext(known.env, "POST", path, json={"agent_id": agent})

    def consent(self, name: str, account: str) -> None:
        env, channel = self.env_of_account(account)
        known = self.customers.setdefault(
            name,
            Customer(
                name, env, account, self.rt.account_id(env, account), channel, user_id_for(name, channel)
            ),
        )
        body = {"account_id": known.account_id, "user_id": known.user_id, "given": True}
        self.ext(env, "POST", "/customers/consent", json=body)

    def conversation(self, name: str) -> dict:
        known = self.customer(name)
        return self.ext(known.env, "GET", f"/conversations/{known.last['conversation_id']}")

    def team_name(self, env: str, team_id: int | None) -> str | None:
        handle = self.rt.env(env)
        teams = handle.session.get(f"{handle.url}/teams", timeout=10).json()
        return next((t["name"] for t in teams if t["id"] == team_id), None)

    def crm_contact(self, name: str) -> str | None:
        known = self.customer(name)
        return self.ext(known.env, "GET", f"/users/{known.last['social_user_id']}")["crm_contact_id"]

    def delivered(self, name: str, text: str) -> bool:
        """The answer went out on the channel: a succeeded `execute-answer` (public GET /actions)."""
        known = self.customer(name)
        handle = self.rt.env(known.env)
        url = f"{handle.url}/actions/conversations/{known.last['conversation_id']}"
        actions = [a for task in handle.session.get(url, timeout=10).json() for a in task["actions"]]
        answers = {
            a["id"]
            for a in actions
            if a["type"] == "answer"
            and any(x.get("content") == text for x in (a.get("data") or {}).get("answers", []))
        }
        return any(
            a["type"] == "execute-answer"
            and (a.get("data") or {}).get("answer_action_id") in answers
            and (a.get("data") or {}).get("answer_status") == "ok"
            for a in actions
        )

    def template(self, account: str, name: str, channel: str) -> int:
        env, _ = self.env_of_account(account)
        handle = self.rt.env(env)
        body = {
            "templates": [
                {
                    "channel": channel,
                    "name": name,
                    "body": "Votre commande {{1}} est prête",
                    "language": "fr",
                    "category": "utility",
                    "account_id": self.rt.account_id(env, account),
                }
            ]
        }
        answer = handle.session.post(f"{handle.url}/_sim/seed", json=body, timeout=10)
        answer.raise_for_status()
        return answer.json()["templates"][0]["id"]

    # -- the connector, as the inbox's cloud and the org's widget call it ------------------------------
    def matching(self, name: str, method: str, suffix: str = "", **kwargs):
        known = self.customer(name)
        handle = self.rt.env(known.env)
        session = trusting_session(self.rt.ca_bundle)
        session.auth = (handle.instance_id, handle.secret)
        url = (
            f"{self.rt.connector_url}/matching/{known.env}/accounts/{known.account_id}"
            f"/users/{known.user_id}{suffix}"
        )
        return session.request(method, url, timeout=15, **kwargs)

    def widget(self, org: str, record_id: str, method: str = "GET", suffix: str = "", **kwargs):
        """The widget's routes, signed as the package's page signs them for the org's answering agent."""
        env = next(e.name for e in self.rt.topology.environments if org in e.org_names())
        org_id = self.rt.connector.org(org).organization_id
        issued = str(int(self.rt.clock.timestamp()))
        user_id = self.sf_agent_id(org)
        secret = self.rt.topology.callout_secret(org, env)
        params = {
            "user_id": user_id,
            "issued_at": issued,
            "signature": widget_signature(secret, org_id, user_id, record_id, issued),
        }
        url = f"{self.rt.connector_url}/widget/{org}/records/{record_id}{suffix}"
        return trusting_session(self.rt.ca_bundle).request(method, url, params=params, timeout=15, **kwargs)

    # -- the Salesforce side ----------------------------------------------------------------------------
    def admin(self, org: str) -> Salesforce:
        """The org's integration user (an administrator's session)."""
        if org not in self._clients:
            self._clients[org] = self.rt.org(org).client()
        return self._clients[org]

    def sf_agent_user(self, org: str):
        """The org's user who may answer (holds the Alcméon Agent permission set), else the first agent."""
        users = self.rt.org(org).org.config.users
        return next((u for u in users if ANSWERING in u.permission_sets), users[1])

    def sf_agent_id(self, org: str) -> str:
        key = f"agent-id:{org}"
        if key not in self.memo:
            soql = format_soql("SELECT Id FROM User WHERE Username = {}", self.sf_agent_user(org).username)
            self.memo[key] = self.admin(org).query(soql)["records"][0]["Id"]
        return self.memo[key]

    def sf_agent(self, org: str) -> Salesforce:
        """simple-salesforce as the answering agent (password grant): their changes the package reports."""
        key = f"agent:{org}"
        if key not in self._clients:
            running, user = self.rt.org(org), self.sf_agent_user(org)
            answer = running.password_login(user, timeout=15)
            answer.raise_for_status()
            self._clients[key] = Salesforce(
                instance_url=running.instance_url,
                session_id=answer.json()["access_token"],
                session=running.session(),
                version="62.0",
            )
        return self._clients[key]

    def query(self, org: str, soql: str, *values) -> list[dict]:
        return self.admin(org).query_all(format_soql(soql, *values))["records"]

    def create_contact(self, org: str, name: str, email: str, **more) -> str:
        first, _, last = name.rpartition(" ")
        if self.rt.topology.org(org).person_accounts:
            types = self.query(
                org, "SELECT Id FROM RecordType WHERE SobjectType = 'Account' AND IsPersonType = true"
            )
            values = {
                "RecordTypeId": types[0]["Id"],
                "FirstName": first,
                "LastName": last,
                "PersonEmail": email,
            }
            created = self.admin(org).Account.create(values)["id"]
        else:
            values = {"FirstName": first, "LastName": last, "Email": email, **more}
            created = self.admin(org).Contact.create(values)["id"]
        self.contacts[name] = (org, created)
        return created

    def contact_id(self, name: str) -> str:
        return self.contacts[name][1]

    def queue_id(self, org: str, developer_name: str) -> str:
        rows = self.query(
            org, "SELECT Id FROM Group WHERE Type = 'Queue' AND DeveloperName = {}", developer_name
        )
        return rows[0]["Id"]

    def records(self, org: str, name: str) -> list[dict]:
        """The conversation records of the customer's conversations in `org`, oldest first."""
        ids = self.customer(name).scoped_ids
        return self.query(
            org,
            "SELECT Id, OwnerId, alcmeon__scoped_id__c, alcmeon__Status__c, alcmeon__Contact__c,"
            " alcmeon__Account__c, alcmeon__Case__c FROM alcmeon__Conversation__c"
            " WHERE alcmeon__scoped_id__c IN {} ORDER BY CreatedDate, Id",
            ids,
        )

    def record(self, org: str, name: str) -> dict | None:
        """The record of the customer's latest conversation in `org`."""
        latest = self.customer(name).last["scoped_id"]
        return next((r for r in self.records(org, name) if r["alcmeon__scoped_id__c"] == latest), None)

    def orgs_holding(self, name: str) -> list[str]:
        return [o.name for o in self.rt.topology.orgs if self.records(o.name, name)]

    def case(self, org: str, name: str) -> dict | None:
        record = self.record(org, name)
        if not record or not record["alcmeon__Case__c"]:
            return None
        return self.admin(org).Case.get(record["alcmeon__Case__c"])

    def omni_presence(self, org: str, status: str) -> None:
        running = self.rt.org(org)
        session = running.session()
        session.headers["Authorization"] = f"Bearer {running.access_token()}"
        body = {"username": self.sf_agent_user(org).username, "status": status}
        session.post(f"{running.instance_url}/_sim/omni/presence", json=body, timeout=15).raise_for_status()

    def join_queue(self, org: str, developer_name: str) -> None:
        values = {"GroupId": self.queue_id(org, developer_name), "UserOrGroupId": self.sf_agent_id(org)}
        self.admin(org).GroupMember.create(values)
