"""`alcsim demo [NAME]`: list the stories, or start a story's topology and dashboard and play it."""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from urllib.parse import urlencode

import click

from alcsim.simulators.common.config_schema import exit_refused
from alcsim.simulators.common.runner import PortInUse
from alcsim.simulators.demo import stories
from alcsim.simulators.demo.blueprint import stage_for
from alcsim.simulators.demo.runner import StoryRun, play
from alcsim.simulators.topology import ports
from alcsim.simulators.topology.dashboard import start_dashboard
from alcsim.simulators.topology.files import TopologyError, load, scenario_path
from alcsim.simulators.topology.launch import RunningTopology, start_topology


class DemoRefused(Exception):
    """A demo that cannot start (an unknown story, a busy port): one line for the user."""


@dataclass
class Demo:
    story: stories.Story
    rt: RunningTopology
    dashboard: object  # dashboard.py's served dashboard (.url, .stop())
    run: StoryRun

    @property
    def story_url(self) -> str:
        """The page of the story, through the dashboard's /login (which sets the browser's cookie)."""
        query = urlencode({"token": self.rt.admin_token, "next": f"/demo/{self.story.name}"})
        return f"{self.dashboard.url}/login?{query}"

    def stop(self) -> None:
        self.dashboard.stop()
        self.rt.stop()


def listing() -> list[str]:
    width = max(len(s.name) for s in stories.CATALOG)
    lines = [
        f"{s.name:<{width}}  {s.title} (topology {s.topology}, {len(s.steps)} steps)" for s in stories.CATALOG
    ]
    return [*lines, "", "play one with: make demo STORY=<name> [PACE=seconds]  (or alcsim demo <name>)"]


def start_demo(
    name: str, free_ports: bool = False, dashboard_port: int = ports.DASHBOARD_PORT, narrate=None
) -> Demo:
    """Start the story's topology (its file's fixed ports unless `free_ports`) and the dashboard."""
    try:
        story = stories.story(name)
    except KeyError as exc:
        raise DemoRefused(exc.args[0]) from None
    topology = load(scenario_path(story.topology))
    parts = ports.assign(topology, dashboard_port, free_ports)
    try:
        rt = start_topology(topology)
    except PortInUse as exc:
        raise DemoRefused(ports.busy_message(parts, exc.port, topology.file)) from None
    try:
        dashboard = start_dashboard(rt, port=parts[-1].port)
    except PortInUse as exc:
        rt.stop()
        raise DemoRefused(ports.busy_message(parts, exc.port, topology.file)) from None
    stage = stage_for(rt)
    stage.narrate = narrate
    return Demo(story, rt, dashboard, stage.run(name))


@click.command("demo")
@click.argument("name", required=False, metavar="[NAME]")
@click.option("--pace", type=float, help="Play a step every SECONDS (after the previous one ended).")
@click.option(
    "--wait-click", is_flag=True, help="Play a step on each click of Next on the story page (default)."
)
@click.option("--free-ports", is_flag=True, help="Ignore the topology file's ports and let the OS choose.")
@click.option("--dashboard-port", type=int, default=ports.DASHBOARD_PORT, show_default=True)
@click.option("--exit-when-done", is_flag=True, help="Stop after the last step; exit 1 if a step failed.")
def demo(
    name: str | None,
    pace: float | None,
    wait_click: bool,
    free_ports: bool,
    dashboard_port: int,
    exit_when_done: bool,
) -> None:
    """A guided story: what happens, where to look, and a check that it happened. Without NAME, the list."""
    if not name:
        for line in listing():
            click.echo(line)
        return
    if pace is not None and (wait_click or pace < 0):
        raise click.BadParameter("either --pace SECONDS (0 or more) or --wait-click", param_hint="--pace")
    try:
        started = start_demo(name, free_ports, dashboard_port, narrate=lambda line: click.echo(line))
    except DemoRefused as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    except TopologyError as exc:
        exit_refused(exc)
    story = started.story
    click.echo(f"{story.title} — {story.summary}")
    click.echo(f"open the story: {started.story_url}")
    click.echo(f"the dashboard: {started.dashboard.url}/login?token={started.rt.admin_token}")
    for org, running in started.rt.orgs.items():
        agent = started.run.scene.sf_agent_user(org)
        click.echo(
            f"org {org}: {running.instance_url}/ — the story's Salesforce agent is {agent.first_name}"
            f" {agent.last_name} ({agent.username}, password {agent.password}), who may answer from the widget"
        )
    for env, handle in started.rt.envs.items():
        click.echo(
            f"environment {env}: {handle.url}/inbox — the story's Alcméon agent is agent@{env}.alcsim.example"
        )
    how = f"a step every {pace:g} s" if pace is not None else "a step on each click of Next on the story page"
    click.echo(f"playing {len(story.steps)} steps, {how}; Ctrl-C stops")
    stop = threading.Event()
    player = threading.Thread(target=play, args=(started.run, pace, stop), daemon=True)
    player.start()
    try:
        while not (exit_when_done and not player.is_alive()):  # without the flag, serve until Ctrl-C
            player.join(0.5)
    except KeyboardInterrupt:
        click.echo("stopping…")
    stop.set()
    failed = started.run.failed
    played = sum(r.status in ("passed", "failed") for r in started.run.results)
    click.echo(f"{played} of {len(story.steps)} steps played, {len(failed)} failed")
    started.stop()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    demo()
