"""One fake org: metadata, store, clock and the records the org creates for itself at install time.

The org knows nothing of HTTP; DML lives in `records.py`, authentication in `auth.py`.
"""

from __future__ import annotations

import sqlite3
import threading
from functools import cache
from pathlib import Path

from alcsim.simulators.common.clock import Clock
from alcsim.simulators.common.ids import IdSource
from alcsim.simulators.salesforce import errors
from alcsim.simulators.salesforce.auth import Sessions
from alcsim.simulators.salesforce.automation import CustomerAutomation
from alcsim.simulators.salesforce.config import (
    CURRENT_API_VERSION,
    PACKAGE_PERMISSION_SETS,
    PROFILES,
    OrgConfig,
)
from alcsim.simulators.salesforce.ids import make_id, pod_for_seed, to18
from alcsim.simulators.salesforce.limits import ApiUsage
from alcsim.simulators.salesforce.package import PackageCallouts
from alcsim.simulators.salesforce.records import Records
from alcsim.simulators.salesforce.schema import Field, Schema, SObject
from alcsim.simulators.salesforce.store import Store
from alcsim.simulators.salesforce.values import format_datetime

# The master record type id is the same in every org (SC 4).
MASTER_RECORD_TYPE_ID = "012000000000000AAA"


@cache
def _empty_store(package_version: str | None, person_accounts: bool) -> Store:
    """The tables and indexes of an org built from these inputs, empty; copied, never written to."""
    store = Store()
    store.create_tables(Schema.for_org(package_version, person_accounts))
    return store


class Org:
    def __init__(
        self, config: OrgConfig | None = None, clock: Clock | None = None, data_dir: str | Path | None = None
    ):
        self.config = config or OrgConfig()
        self.clock = clock or Clock()
        self.ids = IdSource(self.config.seed)
        self.pod = pod_for_seed(self.config.seed)
        self.schema = Schema.for_org(self.config.package_version, self.config.person_accounts)
        self.data_dir = Path(data_dir) if data_dir else None
        if self.data_dir:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.data_dir / "org.sqlite3" if self.data_dir else None)
        self.records = Records(self)
        self.snapshots: dict[str, sqlite3.Connection] = {}
        # Triggers run inside the saving transaction; listeners once it commits. Both get
        # (sobject, before, after, user_id), with before None on insert and after None on delete.
        self.triggers: list = []
        self.listeners: list = []
        self._lock = threading.RLock()
        self.sessions = Sessions(self)
        self.api_usage = ApiUsage(self)
        self.package = PackageCallouts(self) if self.config.package_version else None
        self.automation = CustomerAutomation(self)
        if self.data_dir is None:
            # A new in-memory store: a copy of the process's empty store for this schema is several times
            # cheaper than running its CREATE TABLE and CREATE INDEX statements again.
            _empty_store(self.config.package_version, self.config.person_accounts).copy_to(
                self.store.connection
            )
        self.install(tables=self.data_dir is not None)

    # -- identity -------------------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.store.meta("organization_id")

    @property
    def api_version(self) -> str:
        return CURRENT_API_VERSION

    def user_id(self, username: str) -> str | None:
        ids = self.store.ids_where(self.schema.get("User"), "Username", username, nocase=True)
        return ids[0] if ids else None

    @property
    def integration_user_id(self) -> str:
        return self.user_id(self.config.integration_user.username)

    def now_text(self) -> str:
        return format_datetime(self.clock.now())

    def new_id(self, sobject: SObject) -> str:
        return make_id(sobject.key_prefix, self.pod, self.store.next_counter(f"id:{sobject.key_prefix}"))

    def sobject(self, name: str) -> SObject:
        found = self.schema.get(name)
        if found is None:
            raise errors.NotFound("The requested resource does not exist")
        return found

    def sobject_of(self, record_id: str) -> SObject | None:
        full = to18(record_id)
        return self.schema.by_prefix(full[:3]) if full else None

    @staticmethod
    def label_for(f: Field) -> str:
        if f.label:
            return f.label
        return f.name[:-2] + " ID" if f.type == "reference" and f.name.endswith("Id") else f.name

    # -- install ----------------------------------------------------------------------------------------
    def install(self, tables: bool = True) -> None:
        """Create tables (unless already copied in), and on a new store the org's own records:
        Organization, profiles, users, queues."""
        with self._lock:
            if tables:
                self.store.create_tables(self.schema)
            if self.package:
                self.package.create_table()
            if self.store.meta("installed"):
                self._add_config_users()  # a restart keeps records, but new users in the config still appear
                return
            with self.store.transaction():
                self._bootstrap()
                self.store.set_meta("installed", "1")

    def _bootstrap(self) -> None:
        c = self.config
        organization = self.schema.get("Organization")
        org_id = self.new_id(organization)
        self.store.set_meta("organization_id", org_id)
        now = self.now_text()
        # The first user does not exist yet when the org is made: the org's rows are created by themselves.
        first_user = make_id("005", self.pod, 1)
        self.store.set_meta("counter:id:005", "0")
        system = {"CreatedDate": now, "LastModifiedDate": now, "SystemModstamp": now, "IsDeleted": 0}
        self.store.insert(
            organization,
            {
                "Id": org_id,
                "Name": c.name,
                "IsSandbox": int(c.is_sandbox),
                "OrganizationType": "Developer Edition" if c.is_sandbox else "Enterprise Edition",
                "InstanceName": "ALC" + self.pod[:1],
                "TimeZoneSidKey": c.timezone
                if c.timezone in organization.field("TimeZoneSidKey").values
                else "GMT",
                "LanguageLocaleKey": "en_US",
                "DefaultLocaleSidKey": "en_US",
                "CreatedById": first_user,
                "LastModifiedById": first_user,
                **system,
            },
        )
        self._running_as = first_user
        for profile in PROFILES:
            self.records.create_as(first_user, "Profile", {"Name": profile})
        package_sets = [{"name": name, "label": label} for name, label in PACKAGE_PERMISSION_SETS.items()]
        for spec in package_sets + list(c.permission_sets):
            self.records.create_as(
                first_user, "PermissionSet", {"Name": spec["name"], "Label": spec.get("label", spec["name"])}
            )
        self._add_config_users()
        if c.person_accounts:
            self._add_person_record_types(first_user)
        for queue in c.queues:
            self._add_queue(queue)

    def _add_config_users(self) -> None:
        profiles = {row["Name"]: row["Id"] for row in self.store.execute('SELECT Id, Name FROM "Profile"')}
        for user in self.config.users:
            if self.user_id(user.username):
                continue
            creator = self.integration_user_id or make_id("005", self.pod, 1)
            user_id = self.records.create_as(
                creator,
                "User",
                {
                    "Username": user.username,
                    "Email": user.email,
                    "FirstName": user.first_name or None,
                    "LastName": user.last_name,
                    "Alias": user.alias,
                    "IsActive": user.active,
                    "ProfileId": profiles.get(user.profile) or profiles["Standard User"],
                    "LanguageLocaleKey": user.language,
                    "LocaleSidKey": user.locale,
                    "TimeZoneSidKey": user.timezone,
                    "EmailEncodingKey": "UTF-8",
                },
            )
            for name in user.permission_sets:
                found = self.store.ids_where(self.schema.get("PermissionSet"), "Name", name, nocase=True)
                if not found:
                    raise ValueError(f"user {user.username}: unknown permission set {name!r}")
                self.records.create_as(
                    user_id, "PermissionSetAssignment", {"AssigneeId": user_id, "PermissionSetId": found[0]}
                )

    def _add_person_record_types(self, creator: str) -> None:
        for name, developer, person in (
            ("Business Account", "Business_Account", 0),
            ("Person Account", "PersonAccount", 1),
        ):
            record_id = self.records.create_as(
                creator, "RecordType", {"Name": name, "DeveloperName": developer, "SobjectType": "Account"}
            )
            self.store.update(self.schema.get("RecordType"), record_id, {"IsPersonType": person})

    def _add_queue(self, queue) -> None:
        creator = self.integration_user_id
        developer = queue.developer_name or "".join(c if c.isalnum() else "_" for c in queue.name)
        group_id = self.records.create_as(
            creator, "Group", {"Name": queue.name, "DeveloperName": developer, "Type": "Queue"}
        )
        for sobject in queue.sobjects:
            self.records.create_as(creator, "QueueSobject", {"QueueId": group_id, "SobjectType": sobject})
        for username in queue.members:
            member = self.user_id(username)
            if member is None:
                raise ValueError(f"queue {queue.name}: unknown member {username!r}")
            self.records.create_as(creator, "GroupMember", {"GroupId": group_id, "UserOrGroupId": member})

    def person_record_type_id(self) -> str | None:
        row = self.store.execute(
            'SELECT Id FROM "RecordType" WHERE SobjectType = ? AND IsPersonType = 1', ("Account",)
        ).fetchone()
        return row[0] if row else None

    # -- admin -------------------------------------------------------------------------------------------
    def reset(self) -> None:
        with self._lock:
            self.store.drop_everything()
            self.install()

    def snapshot(self, name: str) -> None:
        target = sqlite3.connect(
            str(self._snapshot_path(name)) if self.data_dir else ":memory:", check_same_thread=False
        )
        self.store.copy_to(target)
        old = self.snapshots.pop(name, None)
        if old is not None:
            old.close()
        self.snapshots[name] = target

    def restore(self, name: str) -> bool:
        source = self.snapshots.get(name)
        if source is None and self.data_dir and self._snapshot_path(name).exists():
            source = self.snapshots[name] = sqlite3.connect(
                str(self._snapshot_path(name)), check_same_thread=False
            )
        if source is None:
            return False
        self.store.copy_from(source)
        return True

    def _snapshot_path(self, name: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
        folder = self.data_dir / "snapshots"
        folder.mkdir(exist_ok=True)
        return folder / f"{safe}.sqlite3"

    def changed(self, sobject: SObject, before: dict | None, after: dict | None, user_id: str) -> None:
        for trigger in list(self.triggers):
            trigger(sobject, before, after, user_id)
        for listener in list(self.listeners):
            self.store.on_commit(lambda listener=listener: listener(sobject, before, after, user_id))

    def inserted(self, sobject: SObject, rows: list[dict], user_id: str) -> None:
        """`changed` for records inserted together (Bulk's chunks): the same calls in the same order,
        with one commit callback for the chunk rather than one a record and listener."""
        for after in rows:
            for trigger in list(self.triggers):
                trigger(sobject, None, after, user_id)
        listeners = list(self.listeners)
        if rows and listeners:

            def tell() -> None:
                for after in rows:
                    for listener in listeners:
                        listener(sobject, None, after, user_id)

            self.store.on_commit(tell)

    def close(self) -> None:
        if self.package:
            self.package.stop()
        for connection in self.snapshots.values():
            connection.close()
        self.store.close()
