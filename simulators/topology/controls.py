"""Demo controls of a running topology: a customer writes, traffic pauses and resumes, reset to the seed."""

# The dashboard's control routes and `alcsim say|traffic|reset` (over the dashboard's HTTP) end here.
# Everything goes through the fakes' HTTP APIs: the customer's message is the Alcméon fake's simulator
# extension POST /_sim/ext/customers/messages (there is no public route for a customer, AR 2.1), the
# routing to a team its /tasks/{id}/route, the reset each fake's admin POST /_sim/reset, then the same
# bootstrap as at start (launch.apply_settings) and the simulation's seeding again.

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

from alcsim.simulators.alcmeon import content
from alcsim.simulators.alcmeon.traffic import CHANNEL_LOCALES
from alcsim.simulators.topology.launch import RunningTopology, apply_settings
from alcsim.simulators.topology.sentences import channel_name

INTENTS = content.INTENTS


class ControlError(Exception):
    """A control refused: `status` (400 bad input, 404 unknown part, 409 not possible now) and a code."""

    def __init__(self, status: int, error: str, message: str):
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def canned_message(language: str, intent: str, rng: random.Random, customer=None) -> str:
    """A customer's first message of `intent` in `language` (simulators/alcmeon/content's phrases)."""
    if intent not in INTENTS:
        raise ControlError(400, "invalid-intent", f"intent is one of {', '.join(INTENTS)}")
    return content.message(language, intent, rng, customer=customer)


@dataclass
class Sent:
    env: str
    account: str
    channel: str
    conversation_id: int
    task_id: int
    scoped_id: str
    team: str | None
    org: str | None
    queue: str | None
    inbox_link: str
    content: str

    def sentence(self) -> str:
        where = f" and went to team {self.team}" if self.team else ""
        queue = f" (queue {self.queue} of org {self.org})" if self.queue else ""
        return (
            f"A customer wrote on {channel_name(self.channel)} to {self.account} "
            f"(conversation {self.conversation_id}){where}{queue}"
        )


class Controls:
    """What the dashboard and the CLI may do to a running topology; `simulation` runs the traffic (or None)."""

    def __init__(self, rt: RunningTopology, simulation=None, on_reset=None):
        self.rt, self.simulation = rt, simulation
        self.on_reset = on_reset or []  # callables run after a reset (the dashboard forgets what it read)
        self.random = random.Random(f"controls:{rt.topology.name}")
        self.lock = threading.Lock()
        self.customers = 0

    # -- what can be chosen ------------------------------------------------------------------------------
    def choices(self) -> dict:
        envs = {}
        for env in self.rt.topology.environments:
            envs[env.name] = {
                "accounts": [{"name": a.name, "channel": a.type, "org": a.org} for a in env.social_accounts],
                "teams": [{"name": t.name, "org": t.org, "queue": t.queue} for t in env.teams],
            }
        traffic = self.traffic_state()
        intents = [{"name": i, "label": content.INTENT_LABELS.get(i, i)} for i in INTENTS]
        return {"environments": envs, "intents": intents, "traffic": traffic}

    def traffic_state(self) -> dict:
        sim = self.simulation
        if sim is None:
            return {"runs": False, "paused": True, "rate": 0}
        return {"runs": True, "paused": sim.paused.is_set(), "rate": sim.rate}

    # -- a customer writes -------------------------------------------------------------------------------
    def say(
        self,
        env: str | None,
        channel: str | None = None,
        account: str | None = None,
        intent: str | None = None,
        text: str | None = None,
        team: str | None = None,
        user_id: str | None = None,
        name: str | None = None,
        language: str | None = None,
    ) -> Sent:
        """A customer writes to `env` on `channel` (or `account`); `team` "" or None: the team the account's
        messages go to, else the first team mapped to a queue of the account's org; "none": not routed."""
        if env is None and len(self.rt.envs) == 1:
            env = next(iter(self.rt.envs))
        if env not in self.rt.envs:
            raise ControlError(
                404, "unknown-environment", f"no environment {env!r}: {', '.join(self.rt.envs)}"
            )
        spec = self.rt.topology.environment(env)
        picked = [
            a
            for a in spec.social_accounts
            if (not channel or a.type == channel) and (not account or a.name == account)
        ]
        if not picked:
            offered = ", ".join(f"{a.name} ({a.type})" for a in spec.social_accounts)
            raise ControlError(400, "unknown-account", f"environment {env} has no such account: {offered}")
        chosen = picked[0]
        target = self._team(spec, chosen, team)  # refused before anything is written
        # The brand's market language, else the channel's market (as the traffic writes: traffic.py).
        language = language or spec.language or content.language_of(CHANNEL_LOCALES.get(chosen.type, "en_US"))
        if language not in content.LANGUAGES:
            raise ControlError(400, "invalid-language", f"language is one of {', '.join(content.LANGUAGES)}")
        with self.lock:
            self.customers += 1
            person = content.customer(content.locale_of(language), self.random)
            words = text if text and text.strip() else None
            words = words or canned_message(language, intent or "order_status", self.random, person)
            user_id = user_id or self._user_id(chosen.type, person)
        handle = self.rt.env(env)
        body = {
            "account_id": self.rt.account_id(env, chosen.name),
            "user_id": user_id,
            "content": words,
            "name": name or person.name,
        }
        answer = handle.ext("POST", "/customers/messages", json=body, timeout=10)
        if answer.status_code != 201:
            raise ControlError(answer.status_code, "customer-message-refused", answer.text[:300])
        message = answer.json()
        if self.simulation is not None:
            self.simulation.wrote(env)
        # An account with a team of its own is routed by the environment (its routing rules); else here.
        if target is not None and (team or not chosen.team):
            routed = handle.ext(
                "POST",
                f"/tasks/{message['task_id']}/route",
                json={"team_id": self.rt.team_id(env, target.name)},
                timeout=10,
            )
            if routed.status_code != 200:
                raise ControlError(routed.status_code, "route-refused", routed.text[:300])
        return Sent(
            env,
            chosen.name,
            chosen.type,
            message["conversation_id"],
            message["task_id"],
            message["scoped_id"],
            target.name if target else None,
            target.org if target else None,
            target.queue if target else None,
            f"{handle.url}/inbox/conversations/{message['conversation_id']}",
            words,
        )

    def _user_id(self, channel: str, person) -> str:
        """A new customer each time: the international number without '+' on phone channels (AR 2.3)."""
        if channel in ("whatsapp", "kakaotalk", "rcs"):
            return person.phone_digits
        digits = "".join(str(self.random.randrange(10)) for _ in range(12))
        return f"9{digits}{self.customers}"

    @staticmethod
    def _team(spec, account, team: str | None):
        if team == "none":
            return None
        teams = {t.name: t for t in spec.teams}
        if team:
            if team not in teams:
                raise ControlError(400, "unknown-team", f"environment {spec.name} has no team {team!r}")
            return teams[team]
        if account.team:
            return teams.get(account.team)
        mapped = [t for t in spec.teams if t.org and t.org == account.org]
        return mapped[0] if mapped else None

    # -- traffic -----------------------------------------------------------------------------------------
    def traffic(self, action: str, rate: float | None = None) -> dict:
        sim = self.simulation
        if sim is None:
            raise ControlError(409, "no-traffic", "no traffic runs here (start it with make simulate)")
        if action == "pause":
            sim.pause()
        elif action == "resume":
            if rate is not None and rate <= 0:
                raise ControlError(400, "invalid-rate", "the rate is a positive number of events per second")
            sim.resume(rate)
        else:
            raise ControlError(400, "invalid-action", "the action is pause or resume")
        return self.traffic_state()

    # -- reset -------------------------------------------------------------------------------------------
    def reset(self) -> dict:
        """Every fake back to its seeded state (admin reset), settings written again, seeds planted again."""
        sim = self.simulation
        with self.lock:
            was_paused = sim.paused.is_set() if sim else True
            if sim:
                sim.pause()
                sim.wait_step()  # the traffic's call in flight ends before the fakes are wiped
            self.rt.stop_connector()
            if self.rt.data_dir:  # a durable connector's queue speaks of records the reset removed
                for leftover in self.rt.data_dir.glob("connector.sqlite3*"):
                    leftover.unlink()
            for running in self.rt.orgs.values():
                session = running.session()
                session.headers["Authorization"] = f"Bearer {running.access_token()}"
                session.post(f"{running.instance_url}/_sim/reset", timeout=30).raise_for_status()
            for handle in self.rt.envs.values():
                handle.session.post(f"{handle.url}/_sim/reset", timeout=30).raise_for_status()
            apply_settings(self.rt)
            self.rt.start_connector()
            if sim:
                sim.forget()
                sim.seed_all()
            for hook in self.on_reset:
                hook()
            if sim and not was_paused:
                sim.resume()
        return {"reset": True, "traffic": self.traffic_state()}
