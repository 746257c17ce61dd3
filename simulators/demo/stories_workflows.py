"""Stories of the three agent workflows (supported-workflows): all in Alcméon, all in Salesforce, mixed teams."""

from __future__ import annotations

from alcsim.simulators.demo import checks as c
from alcsim.simulators.demo import wheres as w
from alcsim.simulators.demo.model import Step, Story
from alcsim.simulators.demo.scene import Scene


def do(*acts):
    """Several acts, in order, as one step."""

    def act(scene: Scene) -> None:
        for one in acts:
            one(scene)

    return act


def bind_by_email(name: str, email: str, contact: str):
    """The inbox's cloud: search Salesforce by e-mail, then bind the candidate called `contact`."""

    def act(scene: Scene) -> None:
        found = scene.matching(name, "GET", "/candidates", params={"q": email})
        found.raise_for_status()
        chosen = next(x for x in found.json()["candidates"] if x["fields"].get("Name") == contact)
        org = scene.org_of_account(scene.customer(name).account)
        scene.contacts.setdefault(contact, (org, chosen["id"]))
        scene.matching(name, "POST", "/bind", json={"contact_id": chosen["id"]}).raise_for_status()

    return act


def widget_act(org: str, name: str, text: str, close: bool = False, on_case: bool = True):
    """The answering agent answers (or closes) from the widget on the customer's Case or record."""

    def act(scene: Scene) -> None:
        target = scene.case(org, name)["Id"] if on_case else scene.record(org, name)["Id"]
        answer = scene.widget(org, target, "POST", "/close" if close else "/reply", json={"text": text})
        scene.memo[f"widget:{name}"] = (answer.status_code, answer.text)

    return act


def sf_update(org: str, sobject: str, target, values):
    """The answering Salesforce agent edits a record: target(scene) -> id, values(scene) -> fields."""

    def act(scene: Scene) -> None:
        getattr(scene.sf_agent(org), sobject).update(target(scene), values(scene))

    return act


ALL_IN_ALCMEON = Story(
    "all-in-alcmeon",
    "Every agent replies from Alcméon",
    "wf-all-in-alcmeon",
    "Social care works in the Alcméon inbox all day; Salesforce keeps a record of the customers agents recognised.",
    (
        Step(
            "contact-known",
            "Salesforce already knows Paul Durand: the crm org has his Contact, with his e-mail.",
            lambda s: s.create_contact("crm", "Paul Durand", "paul.durand@example.com", MailingCity="Lyon"),
            c.contact_exists("Paul Durand"),
            w.org_contact("Paul Durand"),
        ),
        Step(
            "lea-writes",
            "Léa writes on the brand's WhatsApp: «Bonjour, vous livrez à Lyon ?». Her message lands in the"
            " Social care team's inbox in Alcméon.",
            lambda s: s.writes("Léa", "Brand WhatsApp", "Bonjour, vous livrez à Lyon ?"),
            c.in_team("Léa", "Social care"),
            w.inbox_team("brand", "Social care"),
        ),
        Step(
            "lea-answered",
            "An Alcméon agent answers from the inbox: «Oui, en 48 h». The answer goes out on WhatsApp.",
            lambda s: s.reply("Léa", "Oui, en 48 h"),
            c.delivered("Léa", "Oui, en 48 h"),
            w.inbox_conversation("Léa"),
        ),
        Step(
            "lea-stays-in-alcmeon",
            "Nobody matched Léa to a Contact, so Salesforce gets nothing: in match-based sync only the"
            " customers an agent recognised are recorded.",
            lambda s: s.settle(),
            c.not_synced("Léa"),
            w.org_list("crm", label="the conversation records of the crm org"),
        ),
        Step(
            "paul-recognised",
            "Paul writes on Instagram: «My order never arrived». The agent searches Salesforce for his e-mail"
            " from his profile, binds the Contact Paul Durand and answers: his conversation is recorded in"
            " Salesforce, linked to his Contact.",
            do(
                lambda s: s.writes("Paul", "Brand Instagram", "My order never arrived"),
                bind_by_email("Paul", "paul.durand@example.com", "Paul Durand"),
                lambda s: s.reply("Paul", "Sorry Paul, we resend it today"),
            ),
            c.every(
                c.synced("crm", "Paul", "OPEN"),
                c.record_links("crm", "Paul", "Paul Durand"),
                c.delivered("Paul", "Sorry Paul, we resend it today"),
            ),
            w.org_record("crm", "Paul"),
        ),
        Step(
            "paul-closed",
            "Paul thanks the brand and the agent closes the conversation in Alcméon: the record in"
            " Salesforce turns CLOSED. The crm org holds that one record, and no Case.",
            do(lambda s: s.writes("Paul", "Brand Instagram", "Thanks, received!"), lambda s: s.close("Paul")),
            c.every(c.synced("crm", "Paul", "CLOSED"), c.record_count("crm", 1)),
            w.org_record("crm", "Paul"),
        ),
    ),
)

ALL_IN_SALESFORCE = Story(
    "all-in-salesforce",
    "Every agent replies from Salesforce",
    "wf-all-in-salesforce",
    "Every social message becomes a Case in a queue; Omni-Channel hands it to an available agent, who links"
    " the Contact on a first contact and answers from the widget on the Case.",
    (
        Step(
            "agent-joins-queue",
            "Camille Martin, a Salesforce agent allowed to answer (Alcméon Agent permission set), joins the"
            " Social Cases queue; she is not yet Available in Omni-Channel. The org knows the Contact Léa Martin.",
            do(
                lambda s: s.join_queue("service", "Social_Cases"),
                lambda s: s.create_contact("service", "Léa Martin", "lea.martin@example.com"),
            ),
            c.contact_exists("Léa Martin"),
            w.org_contact("Léa Martin"),
        ),
        Step(
            "case-in-queue",
            "Léa writes on WhatsApp: «Bonjour, ma carte ne marche plus». The conversation reaches the service"
            " org and the customer's automation opens a Case, waiting in the Social Cases queue.",
            lambda s: s.writes("Léa", "Brand WhatsApp", "Bonjour, ma carte ne marche plus"),
            c.case_owner("service", "Léa", "Social_Cases"),
            w.org_case("service", "Léa"),
        ),
        Step(
            "omni-hands-out",
            "Camille goes Available in Omni-Channel: the Case leaves the queue and is handed to her.",
            lambda s: s.omni_presence("service", "Available"),
            c.case_owner("service", "Léa"),
            w.org_case("service", "Léa"),
        ),
        Step(
            "link-contact",
            "A first contact: Camille links the conversation record to the Contact Léa Martin. The Case"
            " follows, and Alcméon learns the match.",
            sf_update(
                "service",
                "alcmeon__Conversation__c",
                lambda s: s.record("service", "Léa")["Id"],
                lambda s: {"alcmeon__Contact__c": s.contact_id("Léa Martin")},
            ),
            c.every(c.case_contact("service", "Léa", "Léa Martin"), c.matched("Léa", "Léa Martin")),
            w.org_record("service", "Léa"),
        ),
        Step(
            "answer-from-case",
            "Camille answers from the widget on the Case: «Nous la remplaçons». It goes out on WhatsApp.",
            widget_act("service", "Léa", "Nous la remplaçons"),
            c.every(c.answered_ok("widget:Léa"), c.delivered("Léa", "Nous la remplaçons")),
            w.org_case("service", "Léa"),
        ),
    ),
)

MIXED = Story(
    "mixed-teams",
    "Some teams reply from Alcméon, others from Salesforce",
    "wf-mixed",
    "X and WhatsApp are handled in Alcméon, Facebook and Instagram in Salesforce; conversations move between"
    " the two when a case needs the other team.",
    (
        Step(
            "sam-in-alcmeon",
            "Sam writes on X: «Your app crashes on login». X belongs to the Alcméon agents, who answer from"
            " the inbox: «We are on it».",
            do(
                lambda s: s.writes("Sam", "Brand on X", "Your app crashes on login"),
                lambda s: s.reply("Sam", "We are on it"),
            ),
            c.every(c.in_team("Sam", "Alcméon agents"), c.delivered("Sam", "We are on it")),
            w.inbox_conversation("Sam"),
        ),
        Step(
            "marc-case",
            "Marc writes on Facebook: «Mon colis est abîmé». Facebook belongs to the Salesforce agents: a"
            " Case opens in the Social Queue.",
            lambda s: s.writes("Marc", "Brand Facebook page", "Mon colis est abîmé"),
            c.case_owner("service", "Marc", "Social_Queue"),
            w.org_case("service", "Marc"),
        ),
        Step(
            "lea-to-salesforce",
            "Léa writes on WhatsApp: «Je veux un remboursement». Refunds are done in Salesforce, so the"
            " Alcméon agent transfers her to the Salesforce agents team: a Case opens in the Social Queue.",
            do(
                lambda s: s.writes("Léa", "Brand WhatsApp", "Je veux un remboursement"),
                lambda s: s.route("Léa", "Salesforce agents"),
            ),
            c.case_owner("service", "Léa", "Social_Queue"),
            w.org_case("service", "Léa"),
        ),
        Step(
            "marc-escalated",
            "Camille moves Marc's Case to the Escalations queue in Salesforce: in Alcméon his conversation"
            " moves to the Escalations team.",
            sf_update(
                "service",
                "Case",
                lambda s: s.case("service", "Marc")["Id"],
                lambda s: {"OwnerId": s.queue_id("service", "Escalations")},
            ),
            c.in_team("Marc", "Escalations"),
            w.inbox_conversation("Marc"),
        ),
        Step(
            "lea-closed-from-widget",
            "Camille refunds Léa and closes from the widget on her Case with «Remboursement effectué»: the"
            " conversation is closed in Alcméon and the record in Salesforce.",
            widget_act("service", "Léa", "Remboursement effectué", close=True),
            c.every(
                c.answered_ok("widget:Léa"),
                c.conversation_status("Léa", "closed"),
                c.synced("service", "Léa", "CLOSED"),
            ),
            w.org_case("service", "Léa"),
        ),
    ),
)

STORIES = (ALL_IN_ALCMEON, ALL_IN_SALESFORCE, MIXED)
