"""Issue 14: simulate's background traffic never binds, moves or closes a conversation a story is working on."""

from __future__ import annotations

from alcsim.simulators.topology.fixtures import topology_clock, topology_factory  # noqa: F401
from alcsim.simulators.topology.observe import Observed
from alcsim.simulators.topology.simulate import Simulation


class Recorded(Observed):
    """Every event the simulation tells, not only the last few the live view keeps."""

    def __init__(self):
        super().__init__()
        self.told: list[str] = []

    def event(self, where: str, text: str) -> None:
        self.told.append(text)
        super().event(where, text)


def test_background_traffic_leaves_a_storys_conversation_alone(topology):
    observed = Recorded()
    simulation = Simulation(topology, seed=4, observed=observed)
    simulation.seed_all()
    env = topology.env("brand")
    story = env.customer_writes(
        topology.account_id("brand", "Brand WhatsApp"), "33612000042", "Bonjour, où en est ma commande ?"
    )
    env.ext(
        "POST",
        f"/tasks/{story['task_id']}/route",
        json={"team_id": topology.team_id("brand", "Salesforce agents")},
    ).raise_for_status()
    before = topology.wait_for_record("main", story["scoped_id"])
    for _ in range(60):  # the traffic's own customers write, get routed and synced
        simulation.step("brand")
    topology.wait_idle()
    for _ in range(40):  # the Salesforce agent and the inbox agent at work, many times over
        simulation.salesforce_agent()
        simulation.step("brand")
    topology.wait_idle()

    after = topology.record("main", story["scoped_id"])
    for field in ("OwnerId", "alcmeon__Contact__c", "alcmeon__Account__c", "alcmeon__Status__c"):
        assert after[field] == before[field], (field, before, after)
    thread = env.session.get(f"{env.url}/actions/conversations/{story['conversation_id']}").json()
    assert [a["type"] for a in thread[0]["actions"]] == ["task-create", "tag"]  # the story's own routing only
    assert env.ext("GET", f"/users/{story['social_user_id']}").json()["crm_contact_id"] is None
    # Not vacuous: meanwhile the Salesforce agent did work the traffic's own records.
    assert any("A Salesforce agent" in text for text in observed.told), observed.told
