"""`alcsim rules`: the coverage of RULES.md by the acceptance scenarios, and the living documentation."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import click

from alcsim.simulators.acceptance import living_doc
from alcsim.simulators.acceptance.coverage import (
    FEATURES,
    MARK,
    REPORT,
    RULES,
    coverage,
    covered,
    load,
    unknown_tags,
)

NEEDS_TEST_EXTRA = "alcsim rules needs the test extra: pip install 'alcsim[test]'"


def require_gherkin() -> None:
    """Stop with one line and exit code 2 when the Gherkin parser (pytest-bdd, the test extra) is missing."""
    if importlib.util.find_spec("gherkin") is None:
        click.echo(NEEDS_TEST_EXTRA, err=True)
        raise click.exceptions.Exit(2)


@click.group("rules", invoke_without_command=True)
@click.pass_context
def rules_cli(ctx: click.Context) -> None:
    """The behaviour rules (RULES.md) and the acceptance scenarios that prove them."""
    require_gherkin()
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@rules_cli.command("coverage")
@click.option(
    "--rules", "rules_path", type=click.Path(exists=True, path_type=Path), default=RULES, show_default=True
)
@click.option(
    "--features",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=FEATURES,
    show_default=True,
)
@click.option(
    "--report",
    type=click.Path(path_type=Path),
    default=REPORT,
    show_default=True,
    help="Cucumber JSON of the last acceptance run.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the coverage as JSON.")
def coverage_command(rules_path: Path, features: Path, report: Path, as_json: bool) -> None:
    """Print each rule with the scenarios that prove it; exit 1 when a rule is uncovered or covered only
    by failing (or not run) scenarios."""
    if not report.exists():
        click.echo(f"no acceptance report at {report}: run the acceptance suite first (make rules)", err=True)
    rules, scenarios = load(rules_path, features, report)
    table = coverage(rules, scenarios)
    missing = [rule.id for rule, proofs in table if not covered(proofs)]
    strays = unknown_tags(rules, scenarios)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "rules": [
                        {
                            "id": r.id,
                            "section": r.section,
                            "text": r.text,
                            "covered": covered(p),
                            "scenarios": [
                                {"feature": s.uri, "name": s.name, "line": s.line, "status": s.status}
                                for s in p
                            ],
                        }
                        for r, p in table
                    ],
                    "uncovered": missing,
                    "unknown_tags": strays,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        section = None
        for rule, proofs in table:
            if rule.section != section:
                section = rule.section
                click.echo(f"\n{section}")
            state = "covered" if covered(proofs) else "UNCOVERED"
            click.echo(f"  {rule.id:<10} {state:<9} {rule.text[:90]}")
            for proof in proofs:
                click.echo(
                    f"      {MARK[proof.status]} {proof.status:<7} {proof.uri}:{proof.line}  {proof.name}"
                )
        total = len(rules)
        click.echo(
            f"\n{total - len(missing)}/{total} rules covered by passing scenarios"
            f" ({len(scenarios)} scenarios in {features.name}/)."
        )
        if missing:
            click.echo("Uncovered: " + ", ".join(missing))
        if strays:
            click.echo("Tags naming no rule: " + ", ".join(strays))
    sys.exit(1 if missing or strays else 0)


@rules_cli.command("report")
@click.option("--report", type=click.Path(exists=True, path_type=Path), default=REPORT, show_default=True)
@click.option(
    "--out", type=click.Path(path_type=Path), default=REPORT.parent / "acceptance.html", show_default=True
)
def report_command(report: Path, out: Path) -> None:
    """Write the HTML living documentation from the Cucumber JSON of the last run."""
    out.write_text(
        living_doc.render(json.loads(report.read_text(encoding="utf-8")), FEATURES), encoding="utf-8"
    )
    click.echo(str(out))


if __name__ == "__main__":
    rules_cli()
