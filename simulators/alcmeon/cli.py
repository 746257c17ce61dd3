"""`alcmeon`: start one environment, print one JSON line describing it, serve until Ctrl-C."""

from __future__ import annotations

import json
import threading

import click
import requests

from alcsim.simulators.alcmeon.config import EnvironmentConfig
from alcsim.simulators.alcmeon.environment import create_environment
from alcsim.simulators.alcmeon.traffic import TrafficGenerator
from alcsim.simulators.common.config_schema import ConfigError, exit_refused
from alcsim.simulators.common.waiting import wait_for_interrupt


@click.command("alcmeon")
@click.option("--port", type=int, default=0, show_default=True, help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--data-dir", type=click.Path(file_okay=False), help="Keep state in SQLite under this directory."
)
@click.option(
    "--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="YAML or JSON config."
)
@click.option("--seed", type=int, help="Seed for ids, secrets and traffic (overrides the config).")
@click.option("--traffic", type=float, default=0, help="Generate this many Faker events per second.")
def alcmeon(port, host, data_dir, config_path, seed, traffic):
    """Serve a fake Alcméon environment over HTTPS."""
    try:
        config = EnvironmentConfig.load(config_path) if config_path else EnvironmentConfig()
    except ConfigError as exc:
        exit_refused(exc)
    if data_dir:
        config.data_dir = data_dir
    if seed is not None:
        config.seed = seed
    env = create_environment(config).start(host=host, port=port)
    click.echo(json.dumps(env.describe()))
    stop = threading.Event()
    if traffic > 0:
        session = requests.Session()
        session.trust_env = False
        session.verify = env.ca.ca_bundle
        session.auth = (env.instance_id, env.secret)
        generator = TrafficGenerator(env.url, session, seed=config.seed or 0, language=config.language)
        threading.Thread(
            target=generator.run,
            kwargs={"duration": float("inf"), "rate": traffic, "should_stop": stop.is_set},
            daemon=True,
        ).start()
    try:
        wait_for_interrupt(stop)
    finally:
        stop.set()
        env.stop()


def main() -> None:
    alcmeon()


if __name__ == "__main__":
    main()
