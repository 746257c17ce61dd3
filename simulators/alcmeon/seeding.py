"""What a fresh environment holds, and the admin seed payload that adds more of it."""

from __future__ import annotations

from alcsim.simulators.alcmeon.config import PERMISSIONS, ApplicationConfig
from alcsim.simulators.alcmeon.errors import BadRequest
from alcsim.simulators.alcmeon.store import dumps

# Custom fields a CRM integration stores its match results in (AR 3.6, SMR); ids are 1 and 2.
DEFAULT_CUSTOM_FIELDS = (
    {
        "label": "Salesforce Contact Id",
        "type": "string",
        "scope": "user",
        "description": "Id of the Salesforce Contact (or person Account) matched to this user",
    },
    {
        "label": "Salesforce Case Id",
        "type": "string",
        "scope": "conversation",
        "description": "Id of the Salesforce Case linked to this conversation",
    },
)
DEFAULT_AGENTS = (
    {"email": "camille.martin@example.com", "name": "Camille Martin", "teams": ["Support"]},
    {
        "email": "jules.bernard@example.com",
        "name": "Jules Bernard",
        "teams": ["Support", "Salesforce agents"],
    },
    {"email": "minji.kim@example.com", "name": "Minji Kim", "teams": ["Sales"]},
)
DEFAULT_TEMPLATES = (
    {
        "channel": "whatsapp",
        "name": "order_update",
        "language": "en",
        "category": "utility",
        "body": "Hello {{1}}, your order {{2}} is on its way.",
    },
    {
        "channel": "whatsapp",
        "name": "spring_offer",
        "language": "en",
        "category": "marketing",
        "body": "Hi {{1}}, enjoy 20% off this spring.",
    },
    {
        "channel": "kakaotalk",
        "name": "delivery_notice",
        "language": "kr",
        "category": "alimtalk",
        "body": "{{name}}님, 주문하신 상품이 발송되었습니다.",
    },
    {
        "channel": "kakaotalk",
        "name": "friend_promo",
        "language": "en",
        "category": "friendtalk",
        "body": "Hello {{name}}, a new offer is waiting for you.",
    },
)


def seed_defaults(env, secrets: list[str] = ()) -> None:
    """Fill a fresh store; `secrets` keeps the applications' credentials across a reset."""
    config = env.config
    for index, app in enumerate(config.applications or [ApplicationConfig()]):
        if index < len(secrets) and not app.secret:
            app = ApplicationConfig(**{**app.__dict__, "secret": secrets[index]})
        add_application(env, app)
    env.directory.bot()
    for name in config.teams:
        env.directory.add_team(name)
    for name in config.roles:
        env.directory.add_role(name)
    for account in config.social_accounts:
        add_social_account(env, account)
    for agent in config.agents or DEFAULT_AGENTS:
        add_agent(env, agent)
    for field in DEFAULT_CUSTOM_FIELDS:
        env.directory.add_custom_field(**field)
    for template in DEFAULT_TEMPLATES:
        env.engagement.add_template(**template)
    for account in env.store.all("SELECT id FROM social_accounts WHERE type = 'rcs' ORDER BY id"):
        env.rcs.seed(account["id"])
    env.engagement.create_optin({"name": "Marketing messages", "type": "default"}, "admin@alcmeon.invalid")


def add_application(env, app: ApplicationConfig) -> int:
    if not isinstance(app.permissions, list) or not all(isinstance(p, str) for p in app.permissions):
        raise BadRequest("invalid-permission", "permissions is a list of permission names")
    if app.webhook_url is not None and not (
        isinstance(app.webhook_url, str) and app.webhook_url.startswith(("http://", "https://"))
    ):
        raise BadRequest("invalid-url", "webhook_url is an http(s) URL")
    if app.secret is not None and (not isinstance(app.secret, str) or not app.secret):
        raise BadRequest("invalid-secret", "secret is a non-empty string")
    unknown = set(app.permissions) - set(PERMISSIONS)
    if unknown:
        raise BadRequest("invalid-permission", f"unknown permissions: {', '.join(sorted(unknown))}")
    return env.store.run(
        "INSERT INTO applications (name, secret, permissions, webhook_url, webhook_enabled, notification_types,"
        " embed_domain) VALUES (?, ?, ?, ?, ?, ?, ?)",
        app.name,
        app.secret or env.new_secret(),
        dumps(list(app.permissions)),
        app.webhook_url,
        int(app.webhook_enabled),
        None if app.notification_types is None else dumps(app.notification_types),
        app.embed_domain,
    )


def _team_id(env, name_or_id) -> int | None:
    if name_or_id is None:
        return None
    for team in env.directory.teams():
        if name_or_id in (team["id"], team["name"]):
            return team["id"]
    raise BadRequest("team-not-found", f"no team {name_or_id!r}")


def add_social_account(env, account: dict) -> dict:
    if not isinstance(account, dict) or not isinstance(account.get("type"), str):
        raise BadRequest("invalid-social-account", "a social account has at least a type")
    return env.directory.add_social_account(
        str(account.get("name") or f"Brand {account['type']}"),
        account["type"],
        bool(account.get("enabled", True)),
        _team_id(env, account.get("team")),
    )


def add_agent(env, agent: dict) -> dict:
    if not isinstance(agent, dict) or not isinstance(agent.get("email"), str):
        raise BadRequest("invalid-agent", "an agent has at least an email")
    created = env.directory.create_account(agent["email"], agent.get("name"))
    teams = [_team_id(env, t) for t in agent.get("teams", [])]
    env.directory.update_account(created["id"], teams=teams)
    return created


def apply_seed(env, payload: dict) -> dict:
    """POST /_sim/seed: add teams, roles, social accounts, agents, custom fields, applications, templates."""
    known = {"teams", "roles", "social_accounts", "agents", "custom_fields", "applications", "templates"}
    unknown = set(payload) - known
    if unknown:
        raise BadRequest("invalid-seed", f"unknown keys: {', '.join(sorted(unknown))}")
    created: dict[str, list] = {}
    for key in known & set(payload):
        if not isinstance(payload[key], list):
            raise BadRequest("invalid-seed", f"{key} is a list")
    with env.store.transaction():
        created["teams"] = [env.directory.add_team(str(n)) for n in payload.get("teams", [])]
        created["roles"] = [env.directory.add_role(str(n)) for n in payload.get("roles", [])]
        created["social_accounts"] = [add_social_account(env, a) for a in payload.get("social_accounts", [])]
        created["agents"] = [add_agent(env, a) for a in payload.get("agents", [])]
        fields = []
        for spec in payload.get("custom_fields", []):
            if not isinstance(spec, dict) or not isinstance(spec.get("label"), str):
                raise BadRequest("invalid-seed", "a custom field has a label")
            extra = {
                k: spec[k] for k in ("description", "teams", "optional", "allowed", "editable") if k in spec
            }
            fields.append(
                env.directory.add_custom_field(
                    spec["label"], spec.get("type", "string"), spec.get("scope", "user"), **extra
                )
            )
        created["custom_fields"] = fields
        apps = []
        for spec in payload.get("applications", []):
            try:
                app = ApplicationConfig(**spec)
            except TypeError as exc:
                raise BadRequest("invalid-seed", str(exc)) from None
            app_id = add_application(env, app)
            row = env.store.one("SELECT id, name, secret FROM applications WHERE id = ?", app_id)
            apps.append(row)
        created["applications"] = apps
        created["templates"] = [
            env.engagement.add_template(**_template(t)) for t in payload.get("templates", [])
        ]
    return {k: v for k, v in created.items() if v}


def _template(spec) -> dict:
    if not isinstance(spec, dict) or spec.get("channel") not in ("whatsapp", "kakaotalk"):
        raise BadRequest(
            "invalid-seed", "a template has a channel (whatsapp or kakaotalk), a name and a body"
        )
    return {
        k: spec[k]
        for k in ("channel", "name", "language", "category", "body", "status", "account_id")
        if k in spec
    }
