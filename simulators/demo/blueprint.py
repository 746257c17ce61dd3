"""The dashboard's story pages: the picker, a story's steps with their links, Next, and each step's status."""

# Registered on the dashboard of a running topology (dashboard.py). A story plays on the topology it
# was written for: the picker links those, and names the `make demo STORY=...` line for the others.
# Every route takes the dashboard's admin token as dashboard_auth.py checks it (Bearer header, or the
# cookie its /login?token= sets); Next is a JSON POST, which a cross-site form cannot send. The links
# log in as the step's user: into an org by the password grant and frontdoor.jsp (as dashboard.py's
# /enter does), into an inbox through its own sign-in form.

from __future__ import annotations

import hmac
import threading
import weakref
from urllib.parse import urlencode

from flask import Blueprint, jsonify, redirect, render_template, request

from alcsim.simulators.demo import stories
from alcsim.simulators.demo.runner import TIMEOUT, StoryRun
from alcsim.simulators.demo.scene import Scene
from alcsim.simulators.topology.dashboard_auth import COOKIE, refused

# By the handle's id; weakly, so a stopped topology's stage goes with its dashboard (which holds it).
_STAGES: weakref.WeakValueDictionary[int, Stage] = weakref.WeakValueDictionary()
_STAGES_LOCK = threading.Lock()


class Stage:
    """The story runs of one running topology, shared by its dashboard and `alcsim demo`."""

    def __init__(self, handle, catalog=stories.CATALOG):
        self.handle, self.catalog = handle, catalog
        self.runs: dict[str, StoryRun] = {}
        self.lock = threading.Lock()
        self.narrate = None  # `alcsim demo` prints each step as it plays
        self.timeout = TIMEOUT  # how long a step's check may take to hold

    def story(self, name: str):
        return next((s for s in self.catalog if s.name == name), None)

    def playable(self, story) -> bool:
        return story.topology == self.handle.topology.name

    def run(self, name: str) -> StoryRun | None:
        story = self.story(name)
        if story is None or not self.playable(story):
            return None
        with self.lock:
            if name not in self.runs:
                self.runs[name] = StoryRun(
                    story, Scene(self.handle), narrate=self.narrate, timeout=self.timeout
                )
            return self.runs[name]


def stage_for(handle, catalog=None) -> Stage:
    """The one stage of `handle` (a RunningTopology); `catalog`, when given, replaces its stories."""
    with _STAGES_LOCK:
        stage = _STAGES.get(id(handle))
        if stage is None or stage.handle is not handle:  # a new topology where a stopped one was
            stage = _STAGES[id(handle)] = Stage(handle)
        if catalog is not None:
            stage.catalog = catalog
        return stage


def _same(given: str, token: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def demo_blueprint(handle, catalog=None) -> Blueprint:
    bp = Blueprint("demo", __name__, template_folder="templates", url_prefix="/demo")
    stage = stage_for(handle, catalog)
    token = handle.admin_token

    @bp.before_request
    def _guard():
        """The dashboard's own check (dashboard_auth.py), also when this blueprint is served elsewhere."""
        header = request.headers.get("Authorization", "")
        bearer = header[7:].strip() if header.startswith("Bearer ") else ""
        if not (_same(bearer, token) or _same(request.cookies.get(COOKIE, ""), token)):
            return refused(
                "Open the story through the link `alcsim demo` printed (…/login?token=…&next=/demo/…), "
                "or send Authorization: Bearer <admin token>."
            )
        if request.method not in ("GET", "HEAD") and not request.is_json:
            return refused("The story's Next is a JSON POST (Content-Type: application/json).", 403)
        return None

    @bp.get("/")
    def picker():
        listed = [
            {"story": s, "playable": stage.playable(s), "state": (stage.runs.get(s.name) or None)}
            for s in stage.catalog
        ]
        return render_template("demo_list.html", topology=handle.topology, stories=listed)

    @bp.get("/<name>")
    def story_page(name: str):
        story = stage.story(name)
        if story is None:
            return render_template("demo_list.html", topology=handle.topology, stories=[], missing=name), 404
        return render_template(
            "demo_story.html",
            topology=handle.topology,
            story=story,
            playable=stage.playable(story),
            run=stage.run(name),
        )

    @bp.get("/<name>/state")
    def state(name: str):
        run = stage.run(name)
        if run is None:
            return jsonify({"error": "not-playable", "message": f"no story {name!r} on this topology"}), 404
        return jsonify(shown(run))

    @bp.post("/<name>/next")
    def next_step(name: str):
        run = stage.run(name)
        if run is None:
            return jsonify({"error": "not-playable", "message": f"no story {name!r} on this topology"}), 404
        if not run.start_next():
            why = "the story is over" if run.position >= len(run.results) else "a step is still playing"
            return jsonify({"error": "busy", "message": why, **shown(run)}), 409
        return jsonify(shown(run)), 202

    @bp.get("/enter/org/<org>")
    def enter_org(org: str):
        running = handle.orgs.get(org)
        users = running.org.config.users if running else []
        user = next((u for u in users if u.username == request.args.get("user")), None)
        if user is None:
            return jsonify({"error": "not-found", "message": "no such org or user in this topology"}), 404
        answer = running.password_login(user)
        if not answer.ok:
            return jsonify({"error": "login-failed", "message": answer.text[:200]}), 502
        target = _local(request.args.get("to", ""), "/lightning/page/home")
        sid = answer.json()["access_token"]
        return redirect(
            f"{running.instance_url}/secur/frontdoor.jsp?{urlencode({'sid': sid, 'retURL': target})}"
        )

    @bp.get("/enter/inbox/<env>")
    def enter_inbox(env: str):
        running = handle.envs.get(env)
        if running is None:
            return jsonify({"error": "not-found", "message": f"no environment {env!r}"}), 404
        agents = running.ext("GET", "/agents", timeout=10).json()
        agent = next((a for a in agents if a.get("email") == request.args.get("agent")), None)
        if agent is None:
            return jsonify({"error": "not-found", "message": "no such agent in this environment"}), 404
        return render_template(
            "demo_enter_inbox.html",
            action=f"{running.url}/inbox/login",
            next=_local(request.args.get("to", ""), "/inbox"),
            agent=agent,
        )

    return bp


def shown(run: StoryRun) -> dict:
    """The run's state with, for each step that has one, the link that opens its page as its user."""
    state = run.state()
    for step, result in zip(state["steps"], run.results, strict=True):
        step["link"] = link_of(result.where)
    return state


def _local(path: str, default: str) -> str:
    """Only a path of the part itself, never another host."""
    return path if path.startswith("/") and not path.startswith("//") else default


def link_of(where) -> str | None:
    """The dashboard URL that opens `where` as its user."""
    if where is None:
        return None
    if where.kind == "org":
        return f"/demo/enter/org/{where.part}?{urlencode({'user': where.user, 'to': where.path})}"
    return f"/demo/enter/inbox/{where.part}?{urlencode({'agent': where.user, 'to': where.path})}"
