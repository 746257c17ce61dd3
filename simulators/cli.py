"""The `alcsim` command line."""

from __future__ import annotations

import json
import sys

import click

from alcsim.simulators.acceptance.cli import rules_cli
from alcsim.simulators.alcmeon.cli import alcmeon as serve_alcmeon
from alcsim.simulators.common.runner import PortInUse
from alcsim.simulators.common.waiting import wait_for_interrupt
from alcsim.simulators.demo.cli import demo
from alcsim.simulators.topology.cli import connector as serve_connector
from alcsim.simulators.topology.cli import reset, say, topology, traffic
from alcsim.simulators.topology.simulate import simulate
from alcsim.simulators.topology.trust import trust


@click.group()
def main() -> None:
    """alcsim: fakes of Alcméon environments and Salesforce orgs, and the connector between them."""


# The part a lone `alcsim serve <fake>` starts, named as `alcsim simulate` names it (topology/ports.py).
SERVED = {"salesforce": "the org", "alcmeon": "the environment"}


class ServeGroup(click.Group):
    """`alcsim serve`: a port another program holds is one line on stderr and exit 2, as in simulate."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PortInUse as exc:
            name = ctx.invoked_subcommand or "?"
            click.echo(
                f"alcsim serve {name}: port {exc.port} is already in use ({SERVED.get(name, 'the fake')}"
                " listens there): stop what holds it, or pick another with --port N (0 picks a free one)",
                err=True,
            )
            sys.exit(2)


@main.group(cls=ServeGroup)
def serve() -> None:
    """Serve one fake until Ctrl-C."""


serve.add_command(serve_alcmeon)
serve.add_command(serve_connector)
main.add_command(topology)
main.add_command(rules_cli)
main.add_command(simulate)
for control in (say, traffic, reset, trust):  # a running simulate's controls; trusting the local CA
    main.add_command(control)
main.add_command(demo)


@serve.command("salesforce")
@click.option("--port", default=8443, show_default=True, help="HTTPS port (0 picks a free one).")
@click.option(
    "--data-dir", type=click.Path(file_okay=False), help="Keep the org's records here across restarts."
)
@click.option(
    "--config", "config_file", type=click.Path(exists=True, dir_okay=False), help="Org configuration (YAML)."
)
@click.option(
    "--seed-file",
    type=click.Path(exists=True, dir_okay=False),
    help="Records to create at start (JSON or YAML).",
)
def serve_salesforce(port: int, data_dir: str | None, config_file: str | None, seed_file: str | None) -> None:
    """One Salesforce org with the Alcméon package; prints one JSON line of connection details."""
    from alcsim.simulators.common.config_schema import ConfigError, exit_refused
    from alcsim.simulators.salesforce import seeding
    from alcsim.simulators.salesforce.config import OrgConfig
    from alcsim.simulators.salesforce.running import start_org

    try:
        config = OrgConfig.from_file(config_file) if config_file else OrgConfig()
    except ConfigError as exc:
        exit_refused(exc)
    running = start_org(config, port=port, data_dir=data_dir)
    if seed_file:
        seeding.seed(running.org, seeding.load(seed_file))
    click.echo(json.dumps(running.describe()), nl=True)
    try:
        wait_for_interrupt()
    finally:
        running.stop()
