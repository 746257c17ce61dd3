"""Stories of matching (from Salesforce, from Alcméon), the 360° view both ways, and engaging on WhatsApp."""

from __future__ import annotations

from alcsim.simulators.demo import checks as c
from alcsim.simulators.demo import wheres as w
from alcsim.simulators.demo.model import Step, Story
from alcsim.simulators.demo.scene import Scene
from alcsim.simulators.demo.stories_workflows import bind_by_email, do, sf_update


def remember_candidates(name: str, term: str):
    def act(scene: Scene) -> None:
        found = scene.matching(name, "GET", "/candidates", params={"q": term})
        found.raise_for_status()
        scene.memo[f"candidates:{name}"] = sorted(x["fields"].get("Name") for x in found.json()["candidates"])

    return act


def candidates_are(name: str, expected: list[str]):
    def check(scene: Scene) -> str | None:
        found = scene.memo.get(f"candidates:{name}")
        return None if found == sorted(expected) else f"the candidates {expected}; the search found {found}"

    return check


def link_record(org: str, name: str, contact: str):
    return sf_update(
        org,
        "alcmeon__Conversation__c",
        lambda s: s.record(org, name)["Id"],
        lambda s: {"alcmeon__Contact__c": s.contact_id(contact)},
    )


def activities_of(org: str, contact: str, task: str, event: str):
    def act(scene: Scene) -> None:
        who = scene.contact_id(contact)
        sf = scene.admin(org)
        sf.Task.create({"Subject": task, "WhoId": who, "Status": "Not Started", "ActivityDate": "2026-12-04"})
        sf.Event.create(
            {
                "Subject": event,
                "WhoId": who,
                "StartDateTime": "2026-12-05T09:00:00.000+0000",
                "EndDateTime": "2026-12-05T10:00:00.000+0000",
            }
        )

    return act


def case_with_engagement(org: str, name: str, account: str, template: str):
    """The answering agent opens a Case for the customer and adds a WhatsApp engagement to it (ENG-04)."""

    def act(scene: Scene) -> None:
        scene.consent(name, account)
        template_id = scene.template(account, template, "whatsapp")
        known, agent = scene.customer(name), scene.sf_agent(org)
        case_id = agent.Case.create({"Subject": f"Commande prête pour {name}", "Origin": "WhatsApp"})["id"]
        values = {
            "alcmeon__Case__c": case_id,
            "alcmeon__Sender_Id__c": str(known.account_id),
            "alcmeon__Recipient_Id__c": f"+{known.user_id}",
            "alcmeon__Channel__c": "WhatsApp",
            "alcmeon__Template_Id__c": str(template_id),
        }
        scene.memo["case"] = case_id
        scene.memo["engagement"] = agent.alcmeon__Engagement__c.create(values)["id"]

    return act


def send_engagement(org: str):
    def act(scene: Scene) -> None:
        body = {"variables": {"1": "A-1042"}, "interrupt_ongoing_conversation": False}
        path = f"/engagements/{scene.memo['engagement']}/send"
        answer = scene.widget(org, scene.memo["case"], "POST", path, json=body)
        scene.memo["engagement:answer"] = f"{answer.status_code} {answer.text[:120]}"

    return act


MATCH_FROM_SALESFORCE = Story(
    "match-from-salesforce",
    "Matching a customer from Salesforce",
    "one-to-one",
    "A Salesforce agent links a conversation to the right Contact once; Alcméon learns it and every later"
    " conversation of the customer is linked to the same Contact.",
    (
        Step(
            "contact-known",
            "The main org knows the Contact Léa Martin.",
            lambda s: s.create_contact("main", "Léa Martin", "lea.martin@example.com"),
            c.contact_exists("Léa Martin"),
            w.org_contact("Léa Martin"),
        ),
        Step(
            "record-unmatched",
            "Léa writes on WhatsApp: «Bonjour». The Alcméon agent routes her to the Salesforce agents team:"
            " a conversation record appears in the Social Queue, not linked to anyone; her cloud is grey.",
            do(
                lambda s: s.writes("Léa", "Brand WhatsApp", "Bonjour"),
                lambda s: s.route("Léa", "Salesforce agents"),
            ),
            c.every(c.record_owner_queue("main", "Léa", "Social_Queue"), c.cloud("Léa", "grey")),
            w.org_record("main", "Léa"),
        ),
        Step(
            "agent-links",
            "Camille, in Salesforce, sets the Contact Léa Martin on the record: in the Alcméon inbox Léa is"
            " now matched and her cloud turns blue.",
            link_record("main", "Léa", "Léa Martin"),
            c.every(c.matched("Léa", "Léa Martin"), c.cloud("Léa", "blue")),
            w.inbox_conversation("Léa"),
        ),
        Step(
            "next-conversation-linked",
            "The agent closes Léa's conversation; a week later she writes again and is routed to Salesforce:"
            " the new record is linked to Léa Martin at once, and her Contact lists both conversations.",
            do(
                lambda s: s.close("Léa"),
                lambda s: s.writes("Léa", "Brand WhatsApp", "Re-bonjour, une autre question"),
                lambda s: s.route("Léa", "Salesforce agents"),
            ),
            c.every(c.record_links("main", "Léa", "Léa Martin"), c.related_conversations("Léa Martin", 2)),
            w.org_contact("Léa Martin"),
        ),
    ),
)

MATCH_FROM_ALCMEON = Story(
    "match-from-alcmeon",
    "Matching a customer from Alcméon",
    "wf-all-in-alcmeon",
    "The cloud beside a customer's name says whether Salesforce knows them: grey, then blue once the agent"
    " binds a Contact; the first push brings the customer's earlier conversations along.",
    (
        Step(
            "contact-known",
            "The crm org knows the Contact Paul Durand, with his e-mail.",
            lambda s: s.create_contact("crm", "Paul Durand", "paul.durand@example.com"),
            c.contact_exists("Paul Durand"),
            w.org_contact("Paul Durand"),
        ),
        Step(
            "first-conversation",
            "Paul asks on Instagram «Où en est ma commande ?»; the agent answers and closes. He is not matched,"
            " so nothing reaches Salesforce.",
            do(
                lambda s: s.writes("Paul", "Brand Instagram", "Où en est ma commande ?"),
                lambda s: s.reply("Paul", "Elle part demain"),
                lambda s: s.close("Paul"),
                lambda s: s.settle(),
            ),
            c.every(c.conversation_status("Paul", "closed"), c.not_synced("Paul")),
            w.inbox_conversation("Paul"),
        ),
        Step(
            "grey-cloud",
            "Paul writes again: «Toujours rien reçu». A new conversation opens; the cloud beside his name is"
            " grey (Salesforce does not know him yet).",
            lambda s: s.writes("Paul", "Brand Instagram", "Toujours rien reçu"),
            c.every(c.cloud("Paul", "grey"), c.conversation_status("Paul", "open")),
            w.inbox_conversation("Paul"),
        ),
        Step(
            "search",
            "The agent searches Salesforce for paul.durand@example.com from Paul's profile: one candidate,"
            " Paul Durand.",
            remember_candidates("Paul", "paul.durand@example.com"),
            candidates_are("Paul", ["Paul Durand"]),
            w.inbox_conversation("Paul"),
        ),
        Step(
            "blue-cloud",
            "The agent binds Paul Durand: the cloud turns blue and Paul is matched.",
            bind_by_email("Paul", "paul.durand@example.com", "Paul Durand"),
            c.every(c.cloud("Paul", "blue"), c.matched("Paul", "Paul Durand")),
            w.inbox_conversation("Paul"),
        ),
        Step(
            "history-pushed",
            "The agent answers: Paul's conversation is pushed to Salesforce, and with it his earlier one,"
            " closed. His Contact lists both.",
            lambda s: s.reply("Paul", "Je relance le transporteur"),
            c.every(c.history("crm", "Paul", 2), c.related_conversations("Paul Durand", 2)),
            w.org_contact("Paul Durand"),
        ),
    ),
)

VIEW_360 = Story(
    "view-360",
    "The 360° view, both ways",
    "one-to-one",
    "From Alcméon, a matched customer's Salesforce tasks and events; from Salesforce, a Contact's social"
    " conversations.",
    (
        Step(
            "contact-with-activities",
            "The main org knows Léa Martin, with a task «Rappeler pour le remboursement» and an event «Visite"
            " en magasin».",
            do(
                lambda s: s.create_contact("main", "Léa Martin", "lea.martin@example.com"),
                activities_of("main", "Léa Martin", "Rappeler pour le remboursement", "Visite en magasin"),
            ),
            c.contact_exists("Léa Martin"),
            w.org_contact("Léa Martin"),
        ),
        Step(
            "matched",
            "Léa writes on WhatsApp: «Bonjour». The Alcméon agent finds her by e-mail and binds her Contact.",
            do(
                lambda s: s.writes("Léa", "Brand WhatsApp", "Bonjour"),
                bind_by_email("Léa", "lea.martin@example.com", "Léa Martin"),
            ),
            c.matched("Léa", "Léa Martin"),
            w.inbox_conversation("Léa"),
        ),
        Step(
            "activities-in-alcmeon",
            "In the inbox, Léa's profile shows what Salesforce knows: the task and the event of her Contact.",
            lambda s: None,
            c.activities("Léa", "Rappeler pour le remboursement", "Visite en magasin"),
            w.inbox_conversation("Léa"),
        ),
        Step(
            "conversations-in-salesforce",
            "The agent answers «Bonjour Léa»: the conversation is recorded in Salesforce, and her Contact's"
            " related list shows it.",
            lambda s: s.reply("Léa", "Bonjour Léa"),
            c.every(c.record_links("main", "Léa", "Léa Martin"), c.related_conversations("Léa Martin", 1)),
            w.org_contact("Léa Martin"),
        ),
    ),
)

ENGAGEMENT = Story(
    "whatsapp-engagement",
    "Engaging a customer on WhatsApp from a Case",
    "one-to-one",
    "A Salesforce agent sends an approved WhatsApp template to a customer who gave consent; when the customer"
    " answers, the widget on the Case switches to the conversation.",
    (
        Step(
            "case-with-engagement",
            "Emma agreed to be contacted on WhatsApp. Camille opens a Case for her and adds a WhatsApp"
            " engagement with the approved template «order_ready»: the widget on the Case shows the engagement.",
            case_with_engagement("main", "Emma", "Brand WhatsApp", "order_ready"),
            c.widget_mode("main", "case", "engagement"),
            w.org_case_memo("main", "case", "Emma's Case in main"),
        ),
        Step(
            "engagement-sent",
            "Camille sends it from the widget: the engagement is Sent, with its sending details, and Emma"
            " receives the template message.",
            send_engagement("main"),
            c.every(c.engagement_sent("main", "engagement"), c.template_delivered("Emma")),
            w.org_case_memo("main", "case", "Emma's Case in main"),
        ),
        Step(
            "emma-answers",
            "Emma answers on WhatsApp: «Oui, je passe demain». The widget on the Case switches to conversation"
            " mode, for good.",
            lambda s: s.writes("Emma", "Brand WhatsApp", "Oui, je passe demain"),
            c.widget_mode("main", "case", "conversation"),
            w.org_case_memo("main", "case", "Emma's Case in main"),
        ),
    ),
)

STORIES = (MATCH_FROM_SALESFORCE, MATCH_FROM_ALCMEON, VIEW_360, ENGAGEMENT)
