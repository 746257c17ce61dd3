"""The demo dashboard: the topology drawn, live counters, an event stream and links into both sides."""

# Served by whatever runs the topology: `start_dashboard(running)` (a RunningTopology from launch.py)
# returns a started server whose `.url` the simulate command prints. Everything shown is read over
# HTTP like any client would: Alcméon's `GET /actions` (the event stream and the counters), its
# notification stats, SOQL counts in each org, and the connector's admin routes. The page polls
# `/api/state?since=<seq>` once a second with a few lines of JavaScript.

from __future__ import annotations

import threading
import time
from collections import Counter, deque

import requests
from flask import Blueprint, Flask, jsonify, redirect, render_template, request

from alcsim.connector.jobs import CALLOUT_JOB
from alcsim.simulators.common.runner import ServerThread
from alcsim.simulators.salesforce.running import trusting_session
from alcsim.simulators.topology.dashboard_layout import layout

EVENTS_KEPT = 300
CALLS_PER_REFRESH = 30  # GET /actions answers 10 at a time (API-02): a demo's backlog drains over a few polls
REFRESH_SECONDS = 0.5
COUNTED = {"task-create": "messages", "answer": "replies", "archive": "archived", "tag": "routed"}


def _conversation_of(action: dict) -> int | None:
    task = action.get("task") or {}
    return task.get("conversation_id") or (task.get("conversation") or {}).get("id")


class Feed:
    """What the dashboard has read so far; one per dashboard app, refreshed at most twice a second."""

    def __init__(self, handle):
        self.handle = handle
        self.lock = threading.Lock()
        self.cursors = dict.fromkeys(handle.envs, 0)
        self.counts = {env: Counter() for env in handle.envs}
        self.conversations = {env: set() for env in handle.envs}
        self.events: deque[dict] = deque(maxlen=EVENTS_KEPT)
        self.seq = 0
        self.job_cursor = 0
        self.clients: dict[str, object] = {}
        self.readers: dict[str, object] = {}
        self.snapshot: dict = {}
        self.refreshed_at = 0.0

    def add(self, source: str, kind: str, text: str) -> None:
        self.seq += 1
        self.events.append(
            {"seq": self.seq, "at": time.strftime("%H:%M:%S"), "source": source, "kind": kind, "text": text}
        )

    def reader(self, env: str):
        """A session of the dashboard's own application (Action Synchronization API only, no webhook), added
        through the admin seed route: its calls count against its own rate limit, never the connector's."""
        if env not in self.readers:
            handle = self.handle.envs[env]
            seeded = handle.session.post(
                f"{handle.url}/_sim/seed",
                json={
                    "applications": [
                        {"name": "alcsim dashboard", "permissions": ["Action Synchronization API"]}
                    ]
                },
                timeout=5,
            )
            seeded.raise_for_status()
            session = trusting_session(handle.ca_bundle)
            session.auth = (handle.instance_id, seeded.json()["applications"][0]["secret"])
            self.readers[env] = session
        return self.readers[env]

    def read_actions(self, env: str) -> None:
        handle = self.handle.envs[env]
        for _ in range(CALLS_PER_REFRESH):
            answer = self.reader(env).get(
                f"{handle.url}/actions", params={"min_action_id": self.cursors[env]}, timeout=5
            )
            answer.raise_for_status()
            actions = answer.json()
            for action in actions:
                self.cursors[env] = max(self.cursors[env], int(action["id"]))
                kind, conversation = action.get("type", "?"), _conversation_of(action)
                self.counts[env][COUNTED.get(kind, "other")] += 1
                if conversation is not None:
                    self.conversations[env].add(conversation)
                who = (action.get("user") or {}).get("name") or (action.get("user") or {}).get("email") or ""
                account = (action.get("account") or {}).get("name", "")
                self.add(env, kind, f"{kind} · {account} · conversation {conversation} · {who}".rstrip(" ·"))
            if len(actions) < 10:
                return

    def read_callouts(self) -> None:
        answer = self.handle.admin("GET", "/jobs", params={"limit": 50}, timeout=5)
        answer.raise_for_status()
        for job in sorted(answer.json(), key=lambda j: j["id"]):
            if job["id"] <= self.job_cursor:
                continue
            self.job_cursor = job["id"]
            if job.get("type") == CALLOUT_JOB:
                payload = job.get("payload") or {}
                callout = payload.get("callout") or {}
                changed = ", ".join(sorted(callout.get("changes") or {})) or "change"
                self.add(
                    payload.get("org", "org"),
                    "callout",
                    f"{payload.get('org')} → {payload.get('env')}: {changed} on {callout.get('scoped_id')}",
                )

    def org_counts(self, name: str) -> dict:
        client = self.clients.get(name) or self.handle.orgs[name].client()
        self.clients[name] = client
        try:
            count = lambda soql: client.query(soql)["totalSize"]  # noqa: E731
            return {
                "records": count("SELECT COUNT() FROM alcmeon__Conversation__c"),
                "open": count(
                    "SELECT COUNT() FROM alcmeon__Conversation__c WHERE alcmeon__Status__c = 'OPEN'"
                ),
                "cases": count("SELECT COUNT() FROM Case"),
            }
        except Exception:
            self.clients.pop(name, None)  # a new session next time (expired, org restarted)
            raise

    def refresh(self) -> dict:
        with self.lock:
            if time.monotonic() - self.refreshed_at < REFRESH_SECONDS and self.snapshot:
                return self.snapshot
            counters, problems = {}, []
            for env, handle in self.handle.envs.items():
                try:
                    self.read_actions(env)
                    stats = handle.ext("GET", "/notifications/stats", timeout=5).json()
                    delivered = (stats.get("deliveries") or {}).get("delivered", 0)
                except Exception as exc:  # a stopped or faulty fake: show it, keep the rest live
                    problems.append(f"{env}: {exc.__class__.__name__}")
                    delivered = None
                counters.update({f"env.{env}.{k}": v for k, v in self.counts[env].items()})
                counters[f"env.{env}.conversations"] = len(self.conversations[env])
                counters[f"env.{env}.notified"] = delivered
            for org in self.handle.orgs:
                try:
                    counters.update({f"org.{org}.{k}": v for k, v in self.org_counts(org).items()})
                except Exception as exc:
                    problems.append(f"{org}: {exc.__class__.__name__}")
            try:
                health = self.handle.admin("GET", "/health", timeout=5).json()
                counters.update({f"connector.{k}": v for k, v in (health.get("jobs") or {}).items()})
                for org in self.handle.admin("GET", "/orgs", timeout=5).json():
                    counters[f"org.{org['name']}.errors"] = org["errors_pending"]
                self.read_callouts()
            except Exception as exc:
                problems.append(f"connector: {exc.__class__.__name__}")
            self.snapshot = {"counters": counters, "problems": problems, "seq": self.seq}
            self.refreshed_at = time.monotonic()
            return self.snapshot

    def since(self, seq: int) -> list[dict]:
        with self.lock:
            return [e for e in self.events if e["seq"] > seq]


def links(handle) -> dict:
    return {
        "environments": {
            n: {"inbox": f"{h.url}/inbox", "conversations": f"{h.url}/inbox/conversations"}
            for n, h in handle.envs.items()
        },
        "orgs": {n: {"login": f"{o.instance_url}/", "enter": f"/enter/{n}"} for n, o in handle.orgs.items()},
        # The connector's admin routes take its admin token; the dashboard (a local operator's tool,
        # like /enter/<org>) reads them for the browser, which holds no token.
        "connector": {"health": "/connector/health", "orgs": "/connector/orgs"},
    }


def dashboard_blueprint(handle) -> Blueprint:
    bp = Blueprint("dashboard", __name__, template_folder="templates")
    feed = Feed(handle)
    drawing = layout(handle.topology)

    @bp.get("/")
    def home():
        return render_template(
            "dashboard.html",
            topology=handle.topology,
            drawing=drawing,
            links=links(handle),
            envs=list(handle.envs),
            orgs=list(handle.orgs),
        )

    @bp.get("/api/state")
    def state():
        since = request.args.get("since", "0")
        snapshot = feed.refresh()
        return jsonify({**snapshot, "events": feed.since(int(since) if since.isdigit() else 0)})

    @bp.get("/connector/<any(health, orgs):what>")
    def connector_admin(what: str):
        """The connector's /admin/health and /admin/orgs, read with the topology's admin token."""
        try:
            answer = handle.admin("GET", f"/{what}", timeout=5)
            return jsonify(answer.json()), answer.status_code
        except (requests.RequestException, ValueError) as exc:  # a stopped connector: say so, do not fail
            return jsonify({"error": "connector-unreachable", "details": exc.__class__.__name__}), 502

    @bp.get("/enter/<org>")
    def enter(org: str):
        """One click into the org as its agent user (a session from the password grant, then frontdoor)."""
        running = handle.orgs.get(org)
        if running is None:
            return jsonify({"error": f"no org {org!r}"}), 404
        users = running.org.config.users
        user = users[1] if len(users) > 1 else users[0]
        answer = running.session().post(
            running.token_url,
            data={
                "grant_type": "password",
                "client_id": running.app.client_id,
                "client_secret": running.app.client_secret,
                "username": user.username,
                "password": user.password + user.security_token,
            },
            timeout=10,
        )
        if not answer.ok:
            return jsonify({"error": answer.text[:200]}), 502
        target = request.args.get("to", "/lightning/o/alcmeon__Conversation__c/list")
        return redirect(
            f"{running.instance_url}/secur/frontdoor.jsp?sid={answer.json()['access_token']}&retURL={target}"
        )

    return bp


def create_dashboard_app(handle) -> Flask:
    """The dashboard of a running topology (connector/launch.py RunningTopology)."""
    app = Flask("alcsim-dashboard")
    app.register_blueprint(dashboard_blueprint(handle))
    return app


def start_dashboard(handle, port: int = 0, host: str = "127.0.0.1") -> ServerThread:
    """Serve the dashboard over plain HTTP (a browser opens it without the local CA); `.url`, `.stop()`."""
    return ServerThread(create_dashboard_app(handle), host=host, port=port, tls=False).start()
