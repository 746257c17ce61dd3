"""Org-linking settings (a simulator extension): Salesforce orgs, account links, team-to-queue mapping."""

# AR 1.8 describes these screens (Settings -> "Salesforce organizations"); no public API exposes
# them, so the fake keeps them here and serves them under /_sim/ext/salesforce.

from __future__ import annotations

import json

from alcsim.simulators.alcmeon.directory import Directory
from alcsim.simulators.alcmeon.errors import BadRequest, Conflict, NotFound
from alcsim.simulators.alcmeon.store import Store

# Open question 10: the modes' real names are not published (docs/assumptions.md).
SYNC_MODES = ("team-based", "match-based", "team-and-match")
ORG_DEFAULTS = {
    "name": "",
    "instance_url": "",
    "authorized": True,
    "package_version": "5.34",
    "person_account_mode": False,
    "sync_mode": "team-and-match",
    "frequency_seconds": 60,
    "contact_search_fields": ["Email", "MobilePhone", "Phone"],
    "contact_display_fields": ["Name", "Email", "Phone"],
    "contact_profile_fields": ["Name", "Email", "Phone"],
}
_TYPES = {
    "name": str,
    "instance_url": str,
    "authorized": bool,
    "package_version": str,
    "person_account_mode": bool,
    "sync_mode": str,
    "frequency_seconds": int,
    "contact_search_fields": list,
    "contact_display_fields": list,
    "contact_profile_fields": list,
}


class OrgSettings:
    def __init__(self, store: Store, directory: Directory):
        self.store = store
        self.directory = directory

    def _load(self) -> dict:
        raw = self.store.value("SELECT value FROM settings WHERE key = 'salesforce'")
        return json.loads(raw) if raw else {"organizations": {}, "links": {}, "team_queues": {}}

    def _save(self, data: dict) -> None:
        self.store.run(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('salesforce', ?)", json.dumps(data)
        )

    def view(self) -> dict:
        data = self._load()
        return {
            "organizations": [{"org_id": k, **v} for k, v in sorted(data["organizations"].items())],
            "links": [
                {"social_account_id": int(k), **v}
                for k, v in sorted(data["links"].items(), key=lambda i: int(i[0]))
            ],
            "team_queues": [
                {"team_id": int(k), **v}
                for k, v in sorted(data["team_queues"].items(), key=lambda i: int(i[0]))
            ],
        }

    def put_organization(self, org_id: str, body: dict) -> dict:
        if not org_id or len(org_id) > 64:
            raise BadRequest("invalid-org-id", "an org id is 1 to 64 characters")
        unknown = set(body) - set(_TYPES)
        if unknown:
            raise BadRequest("invalid-request-body", f"unknown keys: {', '.join(sorted(unknown))}")
        for key, value in body.items():
            if not isinstance(value, _TYPES[key]) or (_TYPES[key] is int and isinstance(value, bool)):
                raise BadRequest("invalid-request-body", f"{key} must be of type {_TYPES[key].__name__}")
            if _TYPES[key] is list and not all(isinstance(v, str) for v in value):
                raise BadRequest("invalid-request-body", f"{key} is a list of field API names")
        if "sync_mode" in body and body["sync_mode"] not in SYNC_MODES:
            raise BadRequest("invalid-sync-mode", f"sync_mode is one of {', '.join(SYNC_MODES)}")
        with self.store.transaction():
            data = self._load()
            org = {**ORG_DEFAULTS, **data["organizations"].get(org_id, {}), **body}
            data["organizations"][org_id] = org
            self._save(data)
        return {"org_id": org_id, **org}

    def delete_organization(self, org_id: str) -> None:
        with self.store.transaction():
            data = self._load()
            if data["organizations"].pop(org_id, None) is None:
                raise NotFound("organization-not-found", f"no Salesforce organization {org_id}")
            data["links"] = {k: v for k, v in data["links"].items() if v["org_id"] != org_id}
            data["team_queues"] = {k: v for k, v in data["team_queues"].items() if v["org_id"] != org_id}
            self._save(data)

    def link(self, account_id: int, org_id, enabled) -> dict:
        self.directory.social_account(account_id)
        if not isinstance(enabled, bool):
            raise BadRequest("invalid-request-body", "enabled must be a boolean")
        with self.store.transaction():
            data = self._load()
            if org_id not in data["organizations"]:
                raise NotFound("organization-not-found", f"no Salesforce organization {org_id}")
            current = data["links"].get(str(account_id))
            # AR 1.8 / rule 13: an account must not be linked to more than one org.
            if current and current["org_id"] != org_id:
                raise Conflict(
                    "account-already-linked", f"account {account_id} is linked to {current['org_id']}"
                )
            data["links"][str(account_id)] = {"org_id": org_id, "enabled": enabled}
            self._save(data)
        return {"social_account_id": account_id, "org_id": org_id, "enabled": enabled}

    def unlink(self, account_id: int) -> None:
        with self.store.transaction():
            data = self._load()
            if data["links"].pop(str(account_id), None) is None:
                raise NotFound("link-not-found", f"account {account_id} is not linked")
            self._save(data)

    def map_team(self, team_id: int, org_id, queue_id) -> dict:
        self.directory.team(team_id)
        if not isinstance(queue_id, str) or not queue_id or len(queue_id) > 18:
            raise BadRequest("invalid-queue-id", "queue_id is a Salesforce Group id (15 or 18 characters)")
        with self.store.transaction():
            data = self._load()
            if org_id not in data["organizations"]:
                raise NotFound("organization-not-found", f"no Salesforce organization {org_id}")
            data["team_queues"][str(team_id)] = {"org_id": org_id, "queue_id": queue_id}
            self._save(data)
        return {"team_id": team_id, "org_id": org_id, "queue_id": queue_id}

    def unmap_team(self, team_id: int) -> None:
        with self.store.transaction():
            data = self._load()
            if data["team_queues"].pop(str(team_id), None) is None:
                raise NotFound("mapping-not-found", f"team {team_id} is not mapped")
            self._save(data)
