"""The inbox's client of the connector's matching endpoints (MATCH-03..05, V360-01): cloud, search, bind."""

# Alcméon does the matching inside its platform; in the simulation the connector serves it under
# /matching/<env>/accounts/<account>/users/<user> with the environment's application credentials.
# Where it lives is read from the application's webhook URL, which the connector registered as
# <connector>/alcmeon/<env>/notify (docs/assumptions.md, "Pages").

from __future__ import annotations

import re
from dataclasses import dataclass

import requests

NOTIFY_URL = re.compile(r"^(?P<base>https?://[^/]+(?:/[^?#]*)?)/alcmeon/(?P<env>[^/?#]+)/notify$")
TIMEOUT = 10


@dataclass
class Answer:
    status: int
    body: dict

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def problem(self) -> str:
        """The connector's reason: its envelope is {error: code, details: message} (connector/app.py)."""
        return str(self.body.get("details") or self.body.get("error") or f"HTTP {self.status}")


class MatchingClient:
    def __init__(self, env):
        self.env = env

    def location(self) -> tuple[str, str] | None:
        """(connector base URL, environment name) from the first application whose webhook is the connector's.

        None when no application notifies a connector (a bare environment)."""
        for app in self.env.store.all("SELECT webhook_url FROM applications ORDER BY id"):
            found = NOTIFY_URL.match(app["webhook_url"] or "")
            if found:
                return found["base"], found["env"]
        return None

    def _session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # REQUESTS_CA_BUNDLE would override verify (DESIGN.md)
        session.verify = self.env.ca.ca_bundle if self.env.ca else True
        session.auth = (self.env.instance_id, self.env.secret)
        return session

    def call(self, method: str, account_id: int, user_id: str, suffix: str = "", **kwargs) -> Answer:
        where = self.location()
        if where is None:
            return Answer(503, {"error": "no Salesforce connector is registered on this environment"})
        base, env_name = where
        url = (
            f"{base}/matching/{env_name}/accounts/{account_id}/users/{requests.utils.quote(user_id)}{suffix}"
        )
        try:
            with self._session() as session:
                response = session.request(method, url, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            return Answer(503, {"error": f"the connector did not answer ({exc.__class__.__name__})"})
        try:
            body = response.json()
        except ValueError:
            body = {"error": response.text[:200]}
        return Answer(response.status_code, body if isinstance(body, dict) else {"data": body})

    def state(self, account_id: int, user_id: str) -> Answer:
        return self.call("GET", account_id, user_id)

    def candidates(self, account_id: int, user_id: str, term: str) -> Answer:
        return self.call("GET", account_id, user_id, "/candidates", params={"q": term})

    def bind(self, account_id: int, user_id: str, contact_id: str) -> Answer:
        return self.call("POST", account_id, user_id, "/bind", json={"contact_id": contact_id})

    def create(self, account_id: int, user_id: str, fields: dict) -> Answer:
        return self.call("POST", account_id, user_id, "/contacts", json={"fields": fields})

    def activities(self, account_id: int, user_id: str) -> Answer:
        return self.call("GET", account_id, user_id, "/activities")
