"""Customer automation a topology may switch on per org, never the package (PKG-05).

`case_per_conversation` follows Alcméon's published example triggers (alcmeon-reference 1.12, rules
45-47): a Case per conversation, kept in step both ways. `omni_routing` hands Cases owned by a queue to
available members of that queue by capacity, as Omni-Channel does (WF-02, WF-03).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from alcsim.simulators.salesforce.schema import SObject

if TYPE_CHECKING:
    from alcsim.simulators.salesforce.org import Org

CONVERSATION = "alcmeon__Conversation__c"
HELD = ("Assigned", "Opened")


def _closed(status: str | None) -> bool:
    return (status or "").lower() == "closed"  # Apex compares strings case-insensitively


class CustomerAutomation:
    def __init__(self, org: Org):
        self.org = org
        self.presence: dict[str, str] = {}  # user id -> "Available" | "Offline"
        self._routing = threading.RLock()
        options = org.config.automations
        if options.case_per_conversation:
            org.triggers.append(self.sync_case_with_conversation)
            org.triggers.append(self.sync_conversation_with_case)
        if options.omni_routing:
            org.triggers.append(self.route_queued_cases)

    # -- SyncCaseWithAlcmeonConversation ----------------------------------------------------------------
    def sync_case_with_conversation(
        self, sobject: SObject, before: dict | None, after: dict | None, user_id: str
    ) -> None:
        if sobject.name != CONVERSATION or after is None or not self.org.schema.get(CONVERSATION):
            return
        records, case_type = self.org.records, self.org.schema.get("Case")
        queue = after.get("alcmeon__To_SF_Queue_Id__c")
        if before is None:
            values = {
                "Subject": ("Conversation with: " + (after.get("alcmeon__User_name__c") or ""))[:255],
                "Description": self._description(after),
                "Origin": after.get("alcmeon__Social_media_type__c"),
                "AccountId": after.get("alcmeon__Account__c"),
                "ContactId": after.get("alcmeon__Contact__c"),
            }
            if queue and not _closed(after.get("alcmeon__Status__c")):
                values["OwnerId"] = queue
            case_id = records.create_as(user_id, "Case", {k: v for k, v in values.items() if v is not None})
            # Before-insert in the demo: the conversation carries its Case from the start.
            self.org.store.update(
                self.org.schema.get(CONVERSATION), after["Id"], {"alcmeon__Case__c": case_id}
            )
            after["alcmeon__Case__c"] = case_id
            return
        case_id = after.get("alcmeon__Case__c")
        if not case_id:
            return
        case = self.org.store.fetch(case_type, case_id)
        if case is None or case["IsDeleted"]:
            return
        new_message = before.get("alcmeon__url__c") != after.get("alcmeon__url__c")
        changes: dict = {}
        if new_message:
            changes["Description"] = self._description(after)
        for case_field, conversation_field in (
            ("AccountId", "alcmeon__Account__c"),
            ("ContactId", "alcmeon__Contact__c"),
        ):
            if after.get(conversation_field) and case.get(case_field) != after.get(conversation_field):
                changes[case_field] = after[conversation_field]
        queue_changed = queue != before.get("alcmeon__To_SF_Queue_Id__c")
        if queue and (queue_changed or new_message) and case["OwnerId"] != queue:
            if case["OwnerId"].startswith("00G") or not self._held(case_id):
                changes["OwnerId"] = queue
        if changes and _closed(case.get("Status")):
            changes["Status"] = "In Progress"
        if changes:
            records.update(case_type, case_id, changes, user_id)

    @staticmethod
    def _description(conversation: dict) -> str:
        return (
            f"Social media: {conversation.get('alcmeon__Social_media_type__c') or ''}\n"
            f"Account: {conversation.get('alcmeon__Social_media_account__c') or ''}\n"
            f"URL: {conversation.get('alcmeon__url__c') or ''}"
        )

    def _held(self, case_id: str) -> bool:
        row = self.org.store.execute(
            "SELECT 1 FROM \"AgentWork\" WHERE WorkItemId = ? AND Status IN ('Assigned', 'Opened') AND IsDeleted = 0",
            (case_id,),
        ).fetchone()
        return row is not None

    # -- SyncAlcmeonConversationWithCase ----------------------------------------------------------------
    def sync_conversation_with_case(
        self, sobject: SObject, before: dict | None, after: dict | None, user_id: str
    ) -> None:
        if sobject.name != "Case" or before is None or after is None:
            return
        conversation_type = self.org.schema.get(CONVERSATION)
        rows = self.org.store.execute(
            f'SELECT * FROM "{CONVERSATION}" WHERE alcmeon__Case__c = ? AND IsDeleted = 0', (after["Id"],)
        ).fetchall()
        person_mode = self.org.config.person_accounts
        for row in map(dict, rows):
            changes: dict = {}
            owner = after["OwnerId"]
            if owner not in (row.get("alcmeon__To_SF_Queue_Id__c"), row.get("alcmeon__From_SF_Queue_Id__c")):
                changes["alcmeon__From_SF_Queue_Id__c"] = owner
            # Never both lookups at once (MATCH-06): a person account links through Account only.
            if (
                after.get("AccountId")
                and row.get("alcmeon__Account__c") != after["AccountId"]
                and (person_mode or not after.get("ContactId"))
            ):
                changes["alcmeon__Account__c"] = after["AccountId"]
            if (
                not person_mode
                and after.get("ContactId")
                and row.get("alcmeon__Contact__c") != after["ContactId"]
            ):
                changes["alcmeon__Contact__c"] = after["ContactId"]
            if changes:
                self.org.records.update(conversation_type, row["Id"], changes, user_id)

    # -- Omni-Channel style routing ------------------------------------------------------------------
    def set_presence(self, user_id: str, status: str) -> None:
        self.presence[user_id] = status
        self.route_all()

    def route_queued_cases(
        self, sobject: SObject, before: dict | None, after: dict | None, user_id: str
    ) -> None:
        if (
            sobject.name == "Case"
            and after
            and after["OwnerId"].startswith("00G")
            and not after.get("IsClosed")
        ):
            self._assign(after)
        elif sobject.name == "Case" and after and after.get("IsClosed"):
            self._close_work(after["Id"], user_id)
        elif (
            sobject.name == "AgentWork"
            and after
            and after["Status"] not in HELD
            and (before or {}).get("Status") in HELD
        ):
            self.route_all()

    def route_all(self) -> None:
        rows = self.org.store.execute(
            "SELECT * FROM \"Case\" WHERE OwnerId LIKE '00G%' AND IsClosed = 0 AND IsDeleted = 0 ORDER BY CreatedDate, Id"
        ).fetchall()
        for row in rows:
            self._assign(dict(row))

    def _assign(self, case: dict) -> None:
        with self._routing:
            agent = self._available_agent(case["OwnerId"])
            if agent is None:
                return
            system = self.org.integration_user_id
            self.org.records.create_as(
                system, "AgentWork", {"WorkItemId": case["Id"], "UserId": agent, "Status": "Assigned"}
            )
            self.org.store.update(
                self.org.schema.get("Case"),
                case["Id"],
                {"OwnerId": agent, "SystemModstamp": self.org.now_text()},
            )
            case["OwnerId"] = agent

    def _available_agent(self, queue_id: str) -> str | None:
        capacity = self.org.config.automations.agent_capacity
        rows = self.org.store.execute(
            'SELECT m.UserOrGroupId AS agent, (SELECT COUNT(*) FROM "AgentWork" w WHERE w.UserId = m.UserOrGroupId '
            "AND w.Status IN ('Assigned', 'Opened') AND w.IsDeleted = 0) AS load "
            'FROM "GroupMember" m WHERE m.GroupId = ? AND m.IsDeleted = 0 ORDER BY load, agent',
            (queue_id,),
        ).fetchall()
        for row in rows:
            if self.presence.get(row["agent"]) == "Available" and row["load"] < capacity:
                return row["agent"]
        return None

    def _close_work(self, case_id: str, user_id: str) -> None:
        rows = self.org.store.execute(
            "SELECT Id FROM \"AgentWork\" WHERE WorkItemId = ? AND Status IN ('Assigned', 'Opened') AND IsDeleted = 0",
            (case_id,),
        ).fetchall()
        for row in rows:
            self.org.records.update(
                self.org.schema.get("AgentWork"),
                row[0],
                {"Status": "Closed", "CloseDateTime": self.org.now_text()},
                user_id,
            )
