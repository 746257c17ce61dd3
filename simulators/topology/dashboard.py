"""The demo dashboard: the topology drawn, live counters, an event stream and links into both sides."""

# Served by whatever runs the topology: `start_dashboard(running)` (a RunningTopology from launch.py)
# returns a started Dashboard whose `.login_url` the simulate command prints; every route takes the
# topology's admin token (dashboard_auth.py). Everything shown is read over HTTP like any client would:
# Alcméon's `GET /actions` (the counters, and the event stream told in sentences by sentences.py), its
# notification stats, SOQL in each org (counts, new records and Cases), and the connector's admin routes.
# The page polls `/api/state?since=<seq>` once a second; its controls call dashboard_controls.py.

from __future__ import annotations

import threading
import time
from collections import Counter, deque

import requests
from flask import Blueprint, Flask, jsonify, redirect, render_template, request
from simple_salesforce import format_soql

from alcsim.connector.jobs import CALLOUT_JOB
from alcsim.simulators.common.runner import ServerThread
from alcsim.simulators.demo.blueprint import demo_blueprint, stage_for
from alcsim.simulators.salesforce.running import trusting_session
from alcsim.simulators.topology import sentences
from alcsim.simulators.topology.controls import Controls
from alcsim.simulators.topology.dashboard_auth import protect
from alcsim.simulators.topology.dashboard_controls import controls_blueprint
from alcsim.simulators.topology.dashboard_layout import layout
from alcsim.simulators.topology.printout import permission_sets

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
        self.events: deque[dict] = deque(maxlen=EVENTS_KEPT)
        self.seq = 0
        self.clients: dict[str, object] = {}
        self.salesforce_emails = {
            u.username.lower() for o in handle.orgs.values() for u in o.org.config.users
        }
        self.forget()

    def forget(self) -> None:
        """Read everything again from the start (after a reset the fakes number their actions anew)."""
        with self.lock:  # not in the middle of a refresh
            self.cursors = dict.fromkeys(self.handle.envs, 0)
            self.counts = {env: Counter() for env in self.handle.envs}
            self.conversations = {env: set() for env in self.handle.envs}
            self.job_cursor = 0
            self.last_record = dict.fromkeys(self.handle.orgs, "")
            self.last_case = dict.fromkeys(self.handle.orgs, "")
            self.readers: dict[str, object] = {}
            self.clients = {}
            self.snapshot: dict = {}
            self.refreshed_at = 0.0

    def add(self, source: str, kind: str, text: str, link: str = "", link_text: str = "") -> None:
        self.seq += 1
        self.events.append(
            {
                "seq": self.seq,
                "at": time.strftime("%H:%M:%S"),
                "source": source,
                "kind": kind,
                "text": text,
                "link": link,
                "link_text": link_text,
            }
        )

    def tell(self, event: sentences.Event) -> None:
        self.add(event.source, event.kind, event.text, event.link, event.link_text)

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
                self.tell(sentences.action_event(env, handle.url, action, self.salesforce_emails))
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
                record_id = (payload.get("callout") or {}).get("record_id")
                self.tell(sentences.callout_event(payload, self._record_name(payload.get("org"), record_id)))

    def _record_name(self, org: str | None, record_id: str | None) -> str | None:
        if org not in self.handle.orgs or not record_id:
            return None
        rows = self.client(org).query(
            format_soql("SELECT Name FROM alcmeon__Conversation__c WHERE Id = {}", record_id)
        )["records"]
        return rows[0]["Name"] if rows else None

    def client(self, org: str):
        if org not in self.clients:
            self.clients[org] = self.handle.orgs[org].client()
        return self.clients[org]

    def read_records(self, org: str) -> None:
        """Records and Cases new in the org since the last read (autonumbers grow: Name, CaseNumber)."""
        rows = self.client(org).query(
            format_soql(
                "SELECT Id, Name, alcmeon__scoped_id__c, alcmeon__Social_media_type__c"
                " FROM alcmeon__Conversation__c WHERE Name > {} ORDER BY Name LIMIT 50",
                self.last_record[org],
            )
        )["records"]
        for row in rows:
            self.last_record[org] = row["Name"]
            self.tell(sentences.record_event(org, row))
        cases = self.client(org).query(
            format_soql(
                "SELECT Id, CaseNumber FROM Case WHERE CaseNumber > {} ORDER BY CaseNumber LIMIT 50",
                self.last_case[org],
            )
        )["records"]
        for row in cases:
            self.last_case[org] = row["CaseNumber"]
            self.tell(sentences.case_event(org, row))

    def org_counts(self, name: str) -> dict:
        client = self.client(name)
        try:
            self.read_records(name)
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


def answering_user(running):
    """The first configured user (the integration user aside) who holds a permission set that may answer
    (WIDGET-04); the org's first agent when none does."""
    users = running.org.config.users
    granted = permission_sets(running)
    agents = [u for u in users if u.username != running.org.config.integration_user.username]
    return next((u for u in agents if granted.get(u.username)), agents[0] if agents else users[0])


def dashboard_blueprint(handle, feed: Feed | None = None) -> Blueprint:
    bp = Blueprint("dashboard", __name__, template_folder="templates")
    feed = feed or Feed(handle)
    drawing = layout(handle.topology)

    @bp.get("/")
    def home():
        stage = stage_for(handle)  # the catalog the /demo pages play (simulators/demo/blueprint.py)
        return render_template(
            "dashboard.html",
            topology=handle.topology,
            drawing=drawing,
            links=links(handle),
            envs=list(handle.envs),
            orgs=list(handle.orgs),
            playable=[s for s in stage.catalog if stage.playable(s)],
            elsewhere=[s for s in stage.catalog if not stage.playable(s)],
            channel_names=sentences.CHANNEL_NAMES,
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
        """One click into the org as a user (`?as=<username>`; by default the first who may answer):
        a session from the password grant, then frontdoor."""
        running = handle.orgs.get(org)
        if running is None:
            return jsonify({"error": f"no org {org!r}"}), 404
        wanted = request.args.get("as")
        if wanted:
            user = next((u for u in running.org.config.users if u.username == wanted), None)
            if user is None:
                return jsonify({"error": f"no user {wanted!r} in org {org!r}"}), 404
        else:
            user = answering_user(running)
        answer = running.password_login(user)
        if not answer.ok:
            return jsonify({"error": answer.text[:200]}), 502
        target = request.args.get("to", "/lightning/o/alcmeon__Conversation__c/list")
        if not target.startswith("/") or target.startswith("//"):
            target = "/lightning/o/alcmeon__Conversation__c/list"  # only the org's own pages
        return redirect(
            f"{running.instance_url}/secur/frontdoor.jsp?sid={answer.json()['access_token']}&retURL={target}"
        )

    return bp


def create_dashboard_app(handle, controls: Controls | None = None) -> Flask:
    """The dashboard of a running topology (launch.py RunningTopology); every route takes its admin token."""
    app = Flask("alcsim-dashboard")
    protect(app, handle.admin_token)
    feed = Feed(handle)
    controls = controls or Controls(handle)
    controls.on_reset.append(feed.forget)
    app.register_blueprint(dashboard_blueprint(handle, feed))
    app.register_blueprint(controls_blueprint(controls, feed))
    app.register_blueprint(demo_blueprint(handle))  # the story pages under /demo (simulators/demo)
    return app


class Dashboard:
    """A served dashboard: `.url`, `.login_url` (sets the browser's cookie), `.token`, `.stop()`."""

    def __init__(self, server: ServerThread, token: str):
        self.server, self.token = server, token

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def login_url(self) -> str:
        return f"{self.server.url}/login?token={self.token}"

    def stop(self) -> None:
        self.server.stop()


def start_dashboard(
    handle, port: int = 0, host: str = "127.0.0.1", controls: Controls | None = None
) -> Dashboard:
    """Serve the dashboard over plain HTTP (a browser opens it without the local CA)."""
    server = ServerThread(create_dashboard_app(handle, controls), host=host, port=port, tls=False).start()
    return Dashboard(server, handle.admin_token)
