"""Turn a topology into connector parts and into each environment's org-linking settings, over HTTP."""

# The Alcméon side owns the settings (AR 1.8: accounts linked to an org with a switch, the team/queue
# mapping, sync mode, search and display fields); a topology only writes them once at start, through
# the same settings routes an admin's screen would use. Queue ids are read from each org by SOQL.

from __future__ import annotations

from simple_salesforce import format_soql

from alcsim.connector.alcmeon import EnvironmentEndpoint
from alcsim.connector.clock import Clock, SystemClock
from alcsim.connector.engine import EngineSettings
from alcsim.connector.salesforce import OrgEndpoint
from alcsim.connector.service import Connector, ConnectorConfig
from alcsim.simulators.topology.files import Topology
from alcsim.simulators.topology.printout import permission_sets


def connector_config(topology: Topology, db_path=None, clock: Clock | None = None) -> ConnectorConfig:
    """The connector's config for `topology`, on the topology's shared clock when one is given."""
    secrets = {
        (org, env.name): topology.callout_secret(org, env.name)
        for env in topology.environments
        for org in env.org_names()
    }
    return ConnectorConfig(
        name=topology.name,
        db_path=db_path,
        callout_secrets=secrets,
        engine=EngineSettings(workers=topology.connector.workers),
        catch_up_seconds=topology.connector.catch_up_seconds,
        clock=clock or SystemClock(),
        admin_token=topology.admin_token(),
    )


def add_endpoints(connector: Connector, topology: Topology, urls: dict[str, str], ca_bundle: str) -> None:
    """`urls` maps each org and environment name to its base URL (https://127.0.0.1:port)."""
    for org in topology.orgs:
        connector.add_org(
            OrgEndpoint(
                org.name,
                f"{urls[org.name]}/services/oauth2/token",
                org.client_id,
                org.client_secret,
                ca_bundle,
                timeout=topology.connector.timeout_seconds,
            )
        )
    for env in topology.environments:
        connector.add_environment(
            EnvironmentEndpoint(
                env.name,
                urls[env.name],
                env.instance_id,
                env.secret,
                ca_bundle,
                timeout=topology.connector.timeout_seconds,
            )
        )


def default_urls(topology: Topology, host: str = "127.0.0.1") -> dict[str, str]:
    return {part.name: f"https://{host}:{part.port}" for part in (*topology.orgs, *topology.environments)}


def apply_settings(connector: Connector, topology: Topology, webhook_base: str | None = None) -> dict:
    """Write each environment's org-linking settings from the topology; returns each environment's teams
    and social accounts by name, as read (empty where no mapping or link needed them)."""
    # Each read is made only where a write needs what it answers: the Alcméon settings have no batch
    # route (AR 1.8 describes one screen action per organization, link and mapping), so the writes stay
    # one request each, and only the reads can be left out.
    applied: dict = {}
    queue_ids = {}
    mapped = {team.org for env in topology.environments for team in env.teams if team.org}
    for org in topology.orgs:
        gateway = connector.org(org.name)
        if not gateway.organization_id:
            gateway.login()
        if org.name in mapped:
            queue_ids[org.name] = gateway.queues()
    for env in topology.environments:
        gateway = connector.environment(env.name)
        teams = gateway.teams() if any(team.org for team in env.teams) else {}
        linked = any(account.org for account in env.social_accounts)
        accounts = {a["name"]: a["id"] for a in gateway.social_accounts()} if linked else {}
        for org_name in env.org_names():
            org, link = topology.org(org_name), env.link(org_name)
            org_id = connector.org(org_name).organization_id
            gateway.put_organization(
                org_id,
                {
                    "name": org.name,
                    "instance_url": connector.org(org_name).endpoint.token_url.split("/services")[0],
                    "package_version": org.package_version,
                    "person_account_mode": org.person_accounts,
                    "sync_mode": link.sync_mode,
                    "frequency_seconds": link.frequency_seconds,
                    "contact_search_fields": link.matching.search_fields,
                    "contact_display_fields": link.matching.display_fields,
                    "contact_profile_fields": link.matching.profile_fields,
                },
            )
        for account in env.social_accounts:
            if account.org:
                org_id = connector.org(account.org).organization_id
                gateway.link_account(accounts[account.name], org_id, account.switch)
        for team in env.teams:
            if team.org:
                queue_id = queue_ids[team.org][team.queue]
                gateway.map_team(teams[team.name], connector.org(team.org).organization_id, queue_id)
        if webhook_base:
            gateway.set_webhook(f"{webhook_base}/alcmeon/{env.name}/notify")
        applied[env.name] = {"teams": teams, "accounts": accounts}
    connector.settings.invalidate()
    return applied


# -- a demo's people (simulate's seeding): what an org's admin would set up for its agents --------------
def grant_answering(running) -> None:
    """The org's first agent (printed first, the dashboard's "as agent") gets the Alcméon Agent permission
    set, as an admin would grant it: without one the widget only reads (WIDGET-04)."""
    agent = running.org.config.users[1].username
    if permission_sets(running).get(agent):
        return
    sf = running.client()
    user = sf.query(format_soql("SELECT Id FROM User WHERE Username = {}", agent))["records"][0]["Id"]
    found = sf.query("SELECT Id FROM PermissionSet WHERE Name = 'Alcmeon_Agent'")["records"][0]["Id"]
    sf.PermissionSetAssignment.create({"AssigneeId": user, "PermissionSetId": found})


def agent_on_duty(running) -> None:
    """WF-03: the org's agent joins every queue and goes Available, so Omni-Channel hands out Cases."""
    sf = running.client()
    agent = running.org.config.users[1].username
    agent_id = sf.query(format_soql("SELECT Id FROM User WHERE Username = {}", agent))["records"][0]["Id"]
    for queue in sf.query("SELECT Id FROM Group WHERE Type = 'Queue'")["records"]:
        sf.GroupMember.create({"GroupId": queue["Id"], "UserOrGroupId": agent_id})
    session = running.session()
    session.headers["Authorization"] = f"Bearer {running.access_token()}"
    session.post(
        f"{running.instance_url}/_sim/omni/presence", json={"username": agent, "status": "Available"}
    ).raise_for_status()
