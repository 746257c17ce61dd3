"""The live terminal view of `alcsim simulate` (rich), and its final summary."""

from __future__ import annotations

import time

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from alcsim.simulators.topology.observe import Observed

ENV_COLUMNS = (
    "messages",
    "conversations",
    "transfers",
    "matches",
    "replies",
    "closes",
    "notifications",
    "api_calls",
    "errors",
)
ORG_COLUMNS = ("records", "open_records", "matched", "cases", "transfers", "errors_pending", "api")


def _env_table(observed: Observed) -> Table:
    table = Table(title="Alcméon environments", expand=True, title_justify="left")
    table.add_column("environment", style="bold cyan")
    for column in ENV_COLUMNS:
        table.add_column(column.replace("_", " "), justify="right")
    for name, c in sorted(observed.envs.items()):
        values = [str(getattr(c, col)) for col in ENV_COLUMNS]
        if c.errors:
            values[-1] = f"[red]{c.errors}[/red]"
        table.add_row(name, *values)
    return table


def _org_table(observed: Observed) -> Table:
    table = Table(title="Salesforce orgs", expand=True, title_justify="left")
    table.add_column("org", style="bold green")
    labels = {
        "records": "synced records",
        "open_records": "open",
        "matched": "matched",
        "cases": "Cases",
        "transfers": "reported changes",
        "errors_pending": "errors pending",
        "api": "API usage",
    }
    for column in ORG_COLUMNS:
        table.add_column(labels[column], justify="right")
    for name, c in sorted(observed.orgs.items()):
        errors = f"[red]{c.errors_pending}[/red]" if c.errors_pending else "0"
        table.add_row(
            name,
            str(c.records),
            str(c.open_records),
            str(c.matched),
            str(c.cases),
            str(c.transfers),
            errors,
            f"{c.api_used}/{c.api_max}",
        )
    return table


def _events(observed: Observed) -> Panel:
    lines = Text()
    for when, where, text in list(observed.events):
        lines.append(f"{when} ", style="dim")
        lines.append(f"{where:<12} ", style="bold")
        lines.append(f"{text}\n", style="red" if "failed" in text or "could not" in text else "")
    return Panel(lines, title="recent events", border_style="dim")


def render(observed: Observed, title: str, urls: list[str], duration: float | None) -> Group:
    with observed.lock:
        elapsed = time.monotonic() - observed.started
        left = f" — {max(0.0, duration - elapsed):.0f}s left" if duration else " — Ctrl-C stops"
        jobs = ", ".join(f"{k} {v}" for k, v in sorted(observed.jobs.items())) or "none yet"
        header = Text(f"{title}  ·  {elapsed:.0f}s{left}  ·  connector jobs: {jobs}", style="bold")
        return Group(
            header,
            Text("\n".join(urls), style="dim"),
            _env_table(observed),
            _org_table(observed),
            _events(observed),
        )


def summary(observed: Observed, problems: list[str]) -> Group:
    verdict = (
        Text("every invariant holds", style="bold green")
        if not problems
        else Text("\n".join(f"✘ {p}" for p in problems), style="bold red")
    )
    with observed.lock:
        return Group(_env_table(observed), _org_table(observed), Panel(verdict, title="invariants"))
