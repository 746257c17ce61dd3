"""The environment's screens (not Alcméon's API): sign-in, team inboxes, conversation view, embed page."""

# An agent signs in by choosing their account (the fake's agents have no passwords); a cookie signed
# with the application secret keeps them. Agent acts go through the same domain calls as the
# extensions, so they yield the same actions and notifications. The Salesforce cloud (grey or blue),
# search, bind, create-contact, profile fields and Tasks/Events come from the connector (crm.py).

from __future__ import annotations

import hashlib
import hmac

from flask import Blueprint, Flask, redirect, render_template, request, url_for

from alcsim.simulators.alcmeon import page_text
from alcsim.simulators.alcmeon.crm import MatchingClient
from alcsim.simulators.alcmeon.errors import AlcmeonError, Forbidden, NotFound
from alcsim.simulators.alcmeon.store import loads

COOKIE = "alcsim_inbox"
CREATE_FIELDS = ("FirstName", "LastName", "Email", "MobilePhone")
OPEN_STATES = ("archived", "archived-auto")
PAGE_SIZE = 25  # rows of a team inbox or of all conversations on one page


def pages_blueprint(env) -> Blueprint:
    bp = Blueprint("alcmeon_pages", __name__, template_folder="templates")
    crm = MatchingClient(env)

    def seal(agent_id: int) -> str:
        mac = hmac.new(env.secret.encode(), f"inbox:{agent_id}".encode(), hashlib.sha256).hexdigest()
        return f"{agent_id}.{mac}"

    def signed_in() -> dict | None:
        agent_id, _, mac = (request.cookies.get(COOKIE) or "").partition(".")
        if not agent_id.isdigit() or not hmac.compare_digest(seal(int(agent_id)), f"{agent_id}.{mac}"):
            return None
        agent = env.store.one("SELECT * FROM agents WHERE id = ? AND is_active = 1", int(agent_id))
        return agent

    def zone_of(agent: dict) -> str:
        return page_text.agent_zone(env.config.agents, agent["email"])

    def render(template: str, agent: dict, **values):
        # A team's count is of conversations waiting in it, however many of their messages are.
        teams = env.store.all(
            "SELECT t.id, t.name, (SELECT COUNT(DISTINCT k.conversation_id) FROM tasks k WHERE k.team_id = t.id"
            " AND k.state NOT IN ('archived', 'archived-auto')) AS pending FROM teams t ORDER BY t.id"
        )
        return render_template(
            template,
            agent=agent,
            agent_zone=zone_of(agent),
            teams=teams,
            instance=env.instance_id,
            mine=set(loads(agent["teams"], [])),
            channel_name=page_text.channel_name,
            **values,
        )

    def pager(total: int, endpoint: str, **route) -> dict:
        """Page `?page=` of `total` rows, PAGE_SIZE a page; a page past the end shows the last one."""
        asked = request.args.get("page", "1")
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(int(asked) if asked.isdigit() and 0 < int(asked) < 10**6 else 1, pages)

        def link(number: int) -> str:
            return url_for(endpoint, **route, **({"page": number} if number > 1 else {}))

        return {
            "page": page,
            "pages": pages,
            "total": total,
            "first": (page - 1) * PAGE_SIZE + 1 if total else 0,
            "last": min(page * PAGE_SIZE, total),
            "offset": (page - 1) * PAGE_SIZE,
            "previous_url": link(page - 1) if page > 1 else None,
            "next_url": link(page + 1) if page < pages else None,
        }

    def back(conversation_id: int, **extra):
        return redirect(url_for("alcmeon_pages.conversation", conversation_id=conversation_id, **extra), 303)

    @bp.route("/inbox/login", methods=["GET", "POST"])
    def login():
        agents = env.store.all(
            "SELECT id, email, name FROM agents WHERE is_active = 1 AND is_bot = 0 ORDER BY id"
        )
        if request.method == "POST":
            chosen = request.form.get("agent", "")
            if chosen.isdigit() and any(a["id"] == int(chosen) for a in agents):
                target = request.args.get("next") or ""
                local = target.startswith("/") and not target.startswith("//")  # never off this environment
                response = redirect(target if local else url_for("alcmeon_pages.home"), 303)
                response.set_cookie(COOKIE, seal(int(chosen)), secure=True, httponly=True, samesite="Lax")
                return response
        return render_template("inbox_login.html", agents=agents, instance=env.instance_id)

    @bp.before_request
    def _signed_in():
        if request.endpoint == "alcmeon_pages.login":
            return None
        if signed_in() is None:
            return redirect(url_for("alcmeon_pages.login", next=request.full_path.rstrip("?")))
        return None

    @bp.get("/inbox")
    def home():
        agent = signed_in()
        teams = loads(agent["teams"], []) or [t["id"] for t in env.directory.teams()][:1]
        if not teams:
            return redirect(url_for("alcmeon_pages.conversations"))
        return redirect(url_for("alcmeon_pages.team", team_id=teams[0]))

    @bp.get("/inbox/teams/<id:team_id>")
    def team(team_id: int):
        agent = signed_in()
        try:
            current = env.directory.team(team_id)
        except NotFound:
            return render("inbox_missing.html", agent, what=f"team {team_id}"), 404
        # One row per conversation: its latest open task in this team (a customer writing three times
        # before an answer opens three tasks, and the inbox lists the conversation once).
        latest = (
            "SELECT MAX(id) FROM tasks WHERE team_id = ? AND state NOT IN ('archived', 'archived-auto')"
            " GROUP BY conversation_id"
        )
        paging = pager(
            env.store.value(f"SELECT COUNT(*) FROM ({latest})", team_id),
            "alcmeon_pages.team",
            team_id=team_id,
        )
        rows = env.store.all(
            "SELECT k.id AS task_id, k.state, k.assignee_id, c.id AS conversation_id, c.status, m.content,"
            " m.authored_at, u.name AS customer, u.user_id, a.type AS channel, g.name AS assignee"
            " FROM tasks k JOIN conversations c ON c.id = k.conversation_id"
            " JOIN messages m ON m.id = k.message_id"
            " JOIN social_users u ON u.id = c.social_user_id JOIN social_accounts a ON a.id = c.account_id"
            " LEFT JOIN agents g ON g.id = k.assignee_id"
            f" WHERE k.id IN ({latest}) ORDER BY k.id DESC LIMIT ? OFFSET ?",
            team_id,
            PAGE_SIZE,
            paging["offset"],
        )
        for row in rows:
            row["when"] = page_text.inbox_time(row["authored_at"], zone_of(agent))
        return render("inbox_team.html", agent, team=current, rows=rows, paging=paging)

    @bp.get("/inbox/conversations")
    def conversations():
        agent = signed_in()
        paging = pager(env.store.value("SELECT COUNT(*) FROM conversations"), "alcmeon_pages.conversations")
        rows = env.store.all(
            "SELECT c.id, c.status, c.opened_at, c.team_id, u.name AS customer, u.user_id, a.type AS channel,"
            " a.name AS account, t.name AS team FROM conversations c"
            " JOIN social_users u ON u.id = c.social_user_id"
            " JOIN social_accounts a ON a.id = c.account_id LEFT JOIN teams t ON t.id = c.team_id"
            " ORDER BY c.id DESC LIMIT ? OFFSET ?",
            PAGE_SIZE,
            paging["offset"],
        )
        for row in rows:
            row["when"] = page_text.inbox_time(row["opened_at"], zone_of(agent))
            row["state"] = env.inbox.view(env.inbox.conversation_row(row["id"]))["status"]
        return render("inbox_conversations.html", agent, rows=rows, paging=paging)

    @bp.get("/inbox/conversations/<id:conversation_id>")
    def conversation(conversation_id: int):
        agent = signed_in()
        try:
            view = env.inbox.view(env.inbox.conversation_row(conversation_id))
        except NotFound:
            return render("inbox_missing.html", agent, what=f"conversation {conversation_id}"), 404
        account_id, user_id = view["account"]["id"], view["social_user"]["user_id"]
        state = crm.state(account_id, user_id)
        cloud = {"state": state, "candidates": None, "activities": None, "term": request.args.get("q")}
        if state.ok and state.body.get("cloud") == "blue":
            cloud["activities"] = crm.activities(account_id, user_id)
        elif state.ok and cloud["term"] is not None:
            cloud["candidates"] = crm.candidates(account_id, user_id, cloud["term"] or user_id)
        user = env.directory.social_user(view["social_user"]["id"])
        return render(
            "inbox_conversation.html",
            agent,
            view=view,
            messages=messages(env, conversation_id, lambda t: page_text.inbox_time(t, zone_of(agent))),
            cloud=cloud,
            consent=env.engagement.has_consent(account_id, user_id),
            user=user,
            profile=profile_fields(env, user["group_id"]),
            create_fields=CREATE_FIELDS,
            notice=request.args.get("notice"),
            error=request.args.get("error"),
        )

    def act(conversation_id: int, work) -> object:
        agent = signed_in()
        try:
            notice = work(agent)
        except AlcmeonError as exc:
            return back(conversation_id, error=exc.details or exc.error)
        return back(conversation_id, notice=notice)

    @bp.post("/inbox/conversations/<id:conversation_id>/reply")
    def reply(conversation_id: int):
        def work(agent):
            text = (request.form.get("text") or "").strip()
            if not text:
                raise Forbidden("empty-message", "the reply is empty")
            env.inbox.reply(env.inbox.latest_task(conversation_id)["id"], agent["id"], text)
            return "Reply sent."

        return act(conversation_id, work)

    @bp.post("/inbox/conversations/<id:conversation_id>/route")
    def route(conversation_id: int):
        def work(agent):
            team_id = int(request.form.get("team_id") or 0)
            env.inbox.route_to_team(env.inbox.latest_task(conversation_id)["id"], team_id, agent["id"])
            return f"Routed to {env.directory.team(team_id)['name']}."

        return act(conversation_id, work)

    @bp.post("/inbox/conversations/<id:conversation_id>/close")
    def close(conversation_id: int):
        def work(agent):
            env.inbox.close(conversation_id, agent["id"], (request.form.get("text") or "").strip() or None)
            return "Conversation closed."

        return act(conversation_id, work)

    def crm_act(conversation_id: int, call) -> object:
        view = env.inbox.view(env.inbox.conversation_row(conversation_id))
        answer = call(view["account"]["id"], view["social_user"]["user_id"])
        if not answer.ok:
            return back(conversation_id, error=answer.problem)
        return back(
            conversation_id,
            notice=f"Linked to Salesforce {answer.body.get('object', 'Contact')}"
            f" {answer.body.get('contact_id')}.",
        )

    @bp.post("/inbox/conversations/<id:conversation_id>/bind")
    def bind(conversation_id: int):
        """MATCH-04: bind a candidate found by the search."""
        contact_id = request.form.get("contact_id", "")
        return crm_act(conversation_id, lambda account, user: crm.bind(account, user, contact_id))

    @bp.post("/inbox/conversations/<id:conversation_id>/contacts")
    def create(conversation_id: int):
        """MATCH-05: no candidate fits, create the Contact (or person Account) and bind it."""
        fields = {k: request.form[k].strip() for k in CREATE_FIELDS if request.form.get(k, "").strip()}
        return crm_act(conversation_id, lambda account, user: crm.create(account, user, fields))

    return bp


def profile_fields(env, group_id: int) -> list[dict]:
    """The user's custom field values (AR 3.6) with their labels."""
    labels = {
        r["id"]: r["label"] for r in env.store.all("SELECT id, label FROM custom_fields WHERE scope = 'user'")
    }
    return [{**v, "label": labels.get(v.get("field_id"))} for v in env.custom_values.profile(group_id)]


def messages(env, conversation_id: int, when) -> list[dict]:
    """The conversation's messages, each with `when`: its time as the reader's page writes it."""
    rows = env.store.all(
        "SELECT m.direction, m.content, m.authored_at, m.is_private, g.name AS agent, u.name AS customer"
        " FROM messages m LEFT JOIN agents g ON g.id = m.agent_id"
        " LEFT JOIN social_users u ON u.id = m.social_user_id"
        " WHERE m.conversation_id = ? ORDER BY m.id",
        conversation_id,
    )
    for row in rows:
        row["when"] = when(row["authored_at"])
    return rows


def embed_page(env, token: str):
    """AR 3.9: the page an embed URL opens, for up to 8 hours, in the viewer's `lang` and `tz`."""
    row = env.store.one("SELECT * FROM embeds WHERE token = ?", token[:100])
    if row is None or row["expires_at"] <= env.clock.timestamp():
        raise Forbidden("embed-expired", "this embed url is unknown or has expired")
    language, zone = page_text.language(request.args.get("lang")), page_text.zone(request.args.get("tz")).key
    words = page_text.EMBED_TEXT[language]
    conversation_id = row["conversation_id"]
    try:
        if conversation_id is None:
            conversation_id = env.inbox.task(row["task_id"])["conversation_id"]
        view = env.inbox.view(env.inbox.conversation_row(conversation_id))
    except NotFound:
        return render_template("embed.html", t=words, lang=language, view=None, embed=row), 404
    return render_template(
        "embed.html",
        t=words,
        lang=language,
        view=view,
        embed=row,
        zone=zone,
        channel_name=page_text.channel_name,
        messages=messages(env, conversation_id, lambda t: page_text.when(t, zone, language)),
    )


def register_pages(app: Flask, env) -> None:
    """Add the screens; routes_messaging.py's `/embed/<token>` route renders `embed_page` below."""
    app.register_blueprint(pages_blueprint(env))
