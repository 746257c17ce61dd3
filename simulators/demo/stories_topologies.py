"""Stories of the topologies: a sandbox and a production org, brands sharing one org, an org-to-org transfer."""

from __future__ import annotations

from alcsim.simulators.demo import checks as c
from alcsim.simulators.demo import wheres as w
from alcsim.simulators.demo.model import Step, Story
from alcsim.simulators.demo.scene import Scene
from alcsim.simulators.demo.stories_workflows import bind_by_email, do, sf_update, widget_act


def no_case(org: str):
    def check(scene: Scene) -> str | None:
        count = len(scene.query(org, "SELECT Id FROM Case"))
        return None if count == 0 else f"no Case in the {org} org; found {count}"

    return check


def push_queue(org: str, queue: str, team: str):
    """The administrator configures, in the connector, the queue that hands conversations to another org."""

    def act(scene: Scene) -> None:
        env = scene.rt.topology.environments[0].name
        body = {"env": env, "org": org, "queue": queue, "team": team}
        scene.rt.admin("PUT", "/queue-routes", json=body, timeout=10).raise_for_status()

    return act


def queue_routed(org: str, queue: str, team: str):
    """The connector's queue routes (by ids: the org, the queue in it, the team in the environment)."""

    def check(scene: Scene) -> str | None:
        env = scene.rt.topology.environments[0].name
        answer = scene.rt.admin("GET", "/queue-routes", timeout=10)
        rows = answer.json() if answer.ok else []
        wanted = {
            "env": env,
            "org_id": scene.rt.connector.org(org).organization_id,
            "queue_id": scene.queue_id(org, queue),
            "team_id": scene.rt.team_id(env, team),
        }
        found = any(all(r.get(k) == v for k, v in wanted.items()) for r in rows)
        return None if found else f"the connector pushing {org}'s {queue} queue to {team}; routes: {rows}"

    return check


SANDBOX_AND_PRODUCTION = Story(
    "sandbox-and-production",
    "One environment, a sandbox org and a production org",
    "one-to-many",
    "The standard set-up: the staging WhatsApp account feeds a sandbox org for pre-production tests, the"
    " production accounts feed the production org; each team maps to one org.",
    (
        Step(
            "staging-to-sandbox",
            "Tess, a tester, writes on the staging WhatsApp account; routed to the Staging agents, her"
            " conversation is recorded in the sandbox org only, without a Case.",
            do(
                lambda s: s.writes("Tess", "Brand WhatsApp staging", "Test message, please ignore"),
                lambda s: s.route("Tess", "Staging agents"),
            ),
            c.every(c.synced("sandbox", "Tess"), no_case("sandbox")),
            w.org_record("sandbox", "Tess"),
        ),
        Step(
            "production-case",
            "Léa writes on the production WhatsApp account; routed to the Salesforce agents, her conversation"
            " reaches the production org, where a Case opens in the Social Queue.",
            do(
                lambda s: s.writes("Léa", "Brand WhatsApp", "Bonjour"),
                lambda s: s.route("Léa", "Salesforce agents"),
            ),
            c.every(c.synced("production", "Léa"), c.case_owner("production", "Léa", "Social_Queue")),
            w.org_case("production", "Léa"),
        ),
        Step(
            "support-stays-in-alcmeon",
            "Marc writes on Facebook; the Support team answers him from Alcméon: no org records him.",
            do(
                lambda s: s.writes("Marc", "Brand Facebook page", "Bonsoir"),
                lambda s: s.route("Marc", "Support"),
                lambda s: s.reply("Marc", "Bonsoir Marc"),
                lambda s: s.settle(),
            ),
            c.every(c.delivered("Marc", "Bonsoir Marc"), c.not_synced("Marc")),
            w.inbox_conversation("Marc"),
        ),
        Step(
            "production-closed",
            "The agent closes Léa's conversation in Alcméon: her record in production is CLOSED; the sandbox"
            " still holds Tess's one record.",
            lambda s: s.close("Léa"),
            c.every(c.synced("production", "Léa", "CLOSED"), c.record_count("sandbox", 1)),
            w.org_record("production", "Léa"),
        ),
    ),
)

SHARED_ORG = Story(
    "brands-share-an-org",
    "Two brands' environments sharing one org",
    "many-to-one",
    "The French and the Korean environments share one org in person-account mode; each uses its own queue,"
    " and changes in the org go back to the environment the conversation came from.",
    (
        Step(
            "person-account",
            "The shared org knows Kim Minji, a person account.",
            lambda s: s.create_contact("shared", "Kim Minji", "minji@example.com"),
            c.contact_exists("Kim Minji"),
            w.org_contact("Kim Minji"),
        ),
        Step(
            "french-queue",
            "Léa writes to the French brand on WhatsApp; routed to its Salesforce agents, her record is owned"
            " by the FR Social queue.",
            do(
                lambda s: s.writes("Léa", "Marque WhatsApp", "Bonjour"),
                lambda s: s.route("Léa", "Salesforce agents"),
            ),
            c.record_owner_queue("shared", "Léa", "FR_Social"),
            w.org_record("shared", "Léa"),
        ),
        Step(
            "korean-queue",
            "Kim writes to the Korean brand on KakaoTalk: «안녕하세요». The agent binds her person account and"
            " routes her: her record is owned by the KR Social queue and links Kim Minji.",
            do(
                lambda s: s.writes(
                    "Kim", "Brand KakaoTalk", "안녕하세요", channel_data={"app_user_id": "kakao-7"}
                ),
                bind_by_email("Kim", "minji@example.com", "Kim Minji"),
                lambda s: s.route("Kim", "Salesforce agents"),
            ),
            c.every(
                c.record_owner_queue("shared", "Kim", "KR_Social"),
                c.record_links("shared", "Kim", "Kim Minji"),
            ),
            w.org_record("shared", "Kim"),
        ),
        Step(
            "back-to-its-environment",
            "Camille closes Kim's record in Salesforce: the Korean environment closes Kim's conversation, and"
            " Léa's, in the French one, stays open.",
            sf_update(
                "shared",
                "alcmeon__Conversation__c",
                lambda s: s.record("shared", "Kim")["Id"],
                lambda s: {"alcmeon__Status__c": "CLOSED"},
            ),
            c.every(c.conversation_status("Kim", "closed"), c.conversation_status("Léa", "open")),
            w.inbox_conversation("Kim"),
        ),
    ),
)

ORG_TO_ORG = Story(
    "org-to-org-transfer",
    "A conversation handed from one org to another",
    "two-orgs-transfer",
    "The retail and the wholesale orgs share one environment; a retail agent moves a bulk order to a queue"
    " the connector pushes to the wholesale org, and it arrives there.",
    (
        Step(
            "queue-route",
            "The administrator tells the connector: the retail org's To Wholesale queue hands conversations to"
            " the Wholesale agents team.",
            push_queue("retail", "To_Wholesale", "Wholesale agents"),
            queue_routed("retail", "To_Wholesale", "Wholesale agents"),
            w.org_list("retail", label="the retail org's conversation records"),
        ),
        Step(
            "retail-record",
            "Léa writes on WhatsApp: «Je voudrais commander 500 pièces». She lands with the Retail agents and"
            " her conversation is recorded in the retail org.",
            lambda s: s.writes("Léa", "Brand WhatsApp", "Je voudrais commander 500 pièces"),
            c.every(c.in_team("Léa", "Retail agents"), c.synced("retail", "Léa")),
            w.org_record("retail", "Léa"),
        ),
        Step(
            "retail-answers",
            "Camille answers from the widget on the record: «Je transmets à notre service grossiste».",
            widget_act("retail", "Léa", "Je transmets à notre service grossiste", on_case=False),
            c.every(
                c.answered_ok("widget:Léa"), c.delivered("Léa", "Je transmets à notre service grossiste")
            ),
            w.org_record("retail", "Léa"),
        ),
        Step(
            "handed-to-wholesale",
            "Camille assigns the record to the To Wholesale queue: Léa moves to the Wholesale agents team and"
            " her conversation arrives in the wholesale org, in the Wholesale Queue.",
            sf_update(
                "retail",
                "alcmeon__Conversation__c",
                lambda s: s.record("retail", "Léa")["Id"],
                lambda s: {"OwnerId": s.queue_id("retail", "To_Wholesale")},
            ),
            c.every(
                c.in_team("Léa", "Wholesale agents"),
                c.record_owner_queue("wholesale", "Léa", "Wholesale_Queue"),
            ),
            w.org_record("wholesale", "Léa"),
        ),
    ),
)

STORIES = (SANDBOX_AND_PRODUCTION, SHARED_ORG, ORG_TO_ORG)
