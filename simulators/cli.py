"""The `alcsim` command line."""

from __future__ import annotations

import json

import click

from alcsim.simulators.acceptance.cli import rules_cli
from alcsim.simulators.alcmeon.cli import alcmeon as serve_alcmeon
from alcsim.simulators.common.waiting import wait_for_interrupt
from alcsim.simulators.topology.cli import connector as serve_connector
from alcsim.simulators.topology.cli import topology
from alcsim.simulators.topology.simulate import simulate


@click.group()
def main() -> None:
    """alcsim: fakes of Alcméon environments and Salesforce orgs, and the connector between them."""


@main.group()
def serve() -> None:
    """Serve one fake until Ctrl-C."""


serve.add_command(serve_alcmeon)
serve.add_command(serve_connector)
main.add_command(topology)
main.add_command(rules_cli)
main.add_command(simulate)


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
