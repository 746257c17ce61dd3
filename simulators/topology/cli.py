"""Click commands: `topology validate|show`, `connector` (`alcsim serve`), and a running simulate's controls."""

from __future__ import annotations

import json
import logging
import sys

import click

from alcsim.simulators.alcmeon import content
from alcsim.simulators.common.config_schema import exit_refused
from alcsim.simulators.common.waiting import wait_for_interrupt
from alcsim.simulators.topology.files import Topology, TopologyError, load, scenario_path


def summary(topology: Topology) -> dict:
    """A plain view for `alcsim topology show`: who talks to whom, through which queue."""
    return {
        "name": topology.name,
        "description": topology.description,
        "connector": {"port": topology.connector.port, "tls": topology.connector.tls},
        "orgs": [
            {
                "name": o.name,
                "port": o.port,
                "package_version": o.package_version,
                "person_accounts": o.person_accounts,
                "sandbox": o.sandbox,
                "automations": {
                    "case_per_conversation": o.case_per_conversation,
                    "omni_routing": o.omni_routing,
                },
                "queues": [q.developer_name for q in o.queues],
            }
            for o in topology.orgs
        ],
        "environments": [
            {
                "name": e.name,
                "instance_id": e.instance_id,
                "scope": e.scope,
                "port": e.port,
                "accounts": [
                    {"name": a.name, "type": a.type, "org": a.org, "switch": a.switch}
                    for a in e.social_accounts
                ],
                "teams": [
                    {"name": t.name, "works_in": f"{t.org}/{t.queue}" if t.org else "Alcméon"}
                    for t in e.teams
                ],
                "orgs": {name: e.link(name).sync_mode for name in e.org_names()},
            }
            for e in topology.environments
        ],
    }


@click.group("topology")
def topology() -> None:
    """Check and describe topology files (scenarios/*.yaml)."""


@topology.command("validate")
@click.argument("names", nargs=-1, required=True, metavar="NAME_OR_FILE...")
def validate(names: tuple[str, ...]) -> None:
    """Validate topologies, by file or by name as `simulate` takes them (many-to-one); exit 2 on a problem.

    Every problem names the file, the line, the path in it and what to write instead."""
    failed = False
    for name in names:
        try:
            loaded = load(scenario_path(name))
        except TopologyError as exc:
            failed = True
            for problem in exc.problems:
                click.echo(problem, err=True)
            continue
        click.echo(f"{name}: ok ({len(loaded.environments)} environment(s), {len(loaded.orgs)} org(s))")
    if failed:
        sys.exit(2)


@topology.command("show")
@click.argument("name", metavar="NAME_OR_FILE")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def show(name: str, as_json: bool) -> None:
    """Show who talks to whom: environments, accounts and their org, teams and their queue."""
    try:
        view = summary(load(scenario_path(name)))
    except TopologyError as exc:
        exit_refused(exc)
    if as_json:
        click.echo(json.dumps(view, indent=2, ensure_ascii=False))
        return
    click.echo(f"{view['name']}: {view['description']}")
    click.echo(f"  connector on port {view['connector']['port']}")
    for org in view["orgs"]:
        extras = [k for k, v in org["automations"].items() if v] + (["sandbox"] if org["sandbox"] else [])
        mode = "person accounts" if org["person_accounts"] else "contacts"
        click.echo(
            f"  org {org['name']} (port {org['port']}, package {org['package_version']}, {mode})"
            f"{' [' + ', '.join(extras) + ']' if extras else ''}; queues: {', '.join(org['queues'])}"
        )
    for env in view["environments"]:
        click.echo(
            f"  environment {env['name']} (instance {env['instance_id']}, scope {env['scope']}, port {env['port']})"
        )
        for account in env["accounts"]:
            linked = (
                f"-> {account['org']}" + ("" if account["switch"] else " (switch off)")
                if account["org"]
                else "not linked"
            )
            click.echo(f"    account {account['name']} [{account['type']}] {linked}")
        for team in env["teams"]:
            click.echo(f"    team {team['name']}: works in {team['works_in']}")
        for org, mode in env["orgs"].items():
            click.echo(f"    sync to {org}: {mode}")


@click.command("connector")
@click.option(
    "--topology", "topology_file", required=True, help="A file, or the name of a file in scenarios/."
)
@click.option("--data-dir", type=click.Path(file_okay=False), help="Keep the queue (and the fakes) here.")
@click.option("--with-fakes", is_flag=True, help="Also start the topology's orgs and environments.")
@click.option("--verbose", is_flag=True)
def connector(topology_file: str, data_dir: str | None, with_fakes: bool, verbose: bool) -> None:
    """The connector of a topology. Without --with-fakes it connects to fakes already listening on the
    topology's ports (started with the same file); prints one JSON line of its URLs and of the admin token
    its /admin routes take (Authorization: Bearer <admin_token>); a taken port is one line, exit 2."""
    from pathlib import Path

    from alcsim.simulators.common.runner import PortInUse
    from alcsim.simulators.topology import ports

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING)
    try:
        loaded = load(scenario_path(topology_file))
    except TopologyError as exc:
        exit_refused(exc)
    if data_dir:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
    try:
        started = _start_connector(loaded, data_dir, with_fakes)
    except PortInUse as exc:
        click.echo(
            f"alcsim serve connector: {ports.busy_message(ports.assign(loaded), exc.port, loaded.file, '')}",
            err=True,
        )
        sys.exit(2)
    url, described, stop = started
    line = {"connector_url": url, "admin_token": loaded.admin_token(), "topology": loaded.name, **described}
    click.echo(json.dumps(line), nl=True)
    sys.stdout.flush()
    wait_for_interrupt()
    stop()


def _start_connector(loaded: Topology, data_dir: str | None, with_fakes: bool):
    """The connector (and with_fakes its fakes) started: its URL, what the fakes describe, and a stop."""
    from pathlib import Path

    from alcsim.connector.service import Connector
    from alcsim.simulators.common.runner import ServerThread
    from alcsim.simulators.common.tls import local_ca
    from alcsim.simulators.topology import bootstrap
    from alcsim.simulators.topology.launch import start_topology

    if with_fakes:
        running = start_topology(loaded, data_dir=data_dir)
        stop = running.stop
        url = running.connector_url
        described = {
            "orgs": {n: o.describe() for n, o in running.orgs.items()},
            "environments": {n: e.env.describe() for n, e in running.envs.items()},
        }
    else:
        db = Path(data_dir) / "connector.sqlite3" if data_dir else None
        service = Connector(bootstrap.connector_config(loaded, db))
        ca = local_ca()
        bootstrap.add_endpoints(service, loaded, bootstrap.default_urls(loaded), ca.ca_bundle)
        server = ServerThread(
            service.app, port=loaded.connector.port, ca=ca, tls=loaded.connector.tls
        )  # binds
        service.start()
        server.start()
        url, described = server.url, {}

        def stop() -> None:
            server.stop()
            service.stop()

    return url, described, stop


# -- the controls of a running `alcsim simulate`, through its dashboard's routes (remote.py) -------------
_DASHBOARD = click.option(
    "--dashboard", "dashboard_url", help="The dashboard's URL (default: this machine's running simulate)."
)
_TOKEN = click.option("--token", envvar="ALCSIM_ADMIN_TOKEN", help="The admin token simulate printed.")


def _call(
    method: str, path: str, dashboard_url: str | None, token: str | None, body: dict | None = None
) -> dict:
    from alcsim.simulators.topology.remote import RemoteError, call

    try:
        return call(method, path, dashboard_url, token, body)
    except RemoteError as exc:
        click.echo(f"alcsim: {exc}", err=True)
        sys.exit(2)


@click.command("say")
@click.option(
    "--env", "env", help="The environment the customer writes to (may be left out when there is one)."
)
@click.option("--channel", help="whatsapp, facebook, kakaotalk… (the environment's account of that type).")
@click.option("--brand", "account", help="The social account by name (e.g. 'Brand WhatsApp').")
@click.option(
    "--intent",
    type=click.Choice(content.INTENTS),
    help="A canned message of this intent, in the brand's language.",
)
@click.option("--text", help="The customer's own words (instead of an intent).")
@click.option(
    "--team", help="The team it goes to; default: the account's own, or the one mapped to its org; 'none'."
)
@click.option(
    "--user", "user_id", help="Write again as this customer (phone number or id); default: a new one."
)
@_DASHBOARD
@_TOKEN
def say(env, channel, account, intent, text, team, user_id, dashboard_url, token) -> None:
    """A customer writes to a running simulate (canned intent or own words)."""
    body = {"env": env, "channel": channel, "account": account, "intent": intent, "text": text, "team": team}
    body["user_id"] = user_id
    sent = _call("POST", "/api/say", dashboard_url, token, {k: v for k, v in body.items() if v})
    click.echo(f"{sent['sentence']}: {sent['inbox_link']}")


@click.command("traffic")
@click.argument("action", type=click.Choice(["pause", "resume"]))
@click.option("--rate", type=float, help="Events per second when resuming.")
@_DASHBOARD
@_TOKEN
def traffic(action, rate, dashboard_url, token) -> None:
    """Pause or resume the background traffic of a running simulate."""
    body = {"action": action, **({"rate": rate} if rate is not None else {})}
    state = _call("POST", "/api/traffic", dashboard_url, token, body)
    click.echo("traffic paused" if state["paused"] else f"traffic running at {state['rate']:g} events/s")


@click.command("reset")
@_DASHBOARD
@_TOKEN
def reset(dashboard_url, token) -> None:
    """Put a running simulate back in its seeded state (every fake reset, settings and seeds again)."""
    _call("POST", "/api/reset", dashboard_url, token, {})
    click.echo("back to the seeded state")


if __name__ == "__main__":  # `python -m connector.cli connector --topology F`, as the kill -9 test runs it
    click.Group(commands={"topology": topology, "connector": connector})()
