"""`alcsim trust`: put the local CA (tls.local_ca) in the system's trust store and the browser's NSS database."""

# Debian and Ubuntu read extra authorities from /usr/local/share/ca-certificates/*.crt and fold them in
# with update-ca-certificates (update-ca-certificates(8)); Chromium and Firefox on Linux read the user's
# NSS database ~/.pki/nssdb, written with NSS's certutil (package libnss3-tools). macOS and Windows are
# printed, not run: they ask for the user's confirmation in their own dialogs. README.md, "Trusting the
# local CA", gives the manual steps.

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from alcsim.simulators.common.tls import local_ca

SYSTEM_DIR = Path("/usr/local/share/ca-certificates")
NICKNAME = "alcsim local CA"


@dataclass
class Step:
    says: str  # what it does, in words
    command: list[str] = field(default_factory=list)  # run as is (printed with --print)
    copy: tuple[Path, Path] | None = None  # (source, target)
    only_printed: bool = False  # an instruction the user follows (no tool here to run it)


def steps(ca_bundle: Path, system_dir: Path, home: Path, platform: str = sys.platform) -> list[Step]:
    """What trusting the CA takes on this machine, in order."""
    if platform == "darwin":
        command = "sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain"
        return [Step(f"macOS: {command} {ca_bundle}", only_printed=True)]
    if platform.startswith("win"):
        return [
            Step(
                f"Windows: certutil -addstore -f Root {ca_bundle}  (an administrator's prompt)",
                only_printed=True,
            )
        ]
    target = system_dir / "alcsim.crt"  # update-ca-certificates takes only files ending in .crt
    plan = [Step(f"copy the CA to {target}", copy=(ca_bundle, target))]
    if system_dir == SYSTEM_DIR:
        plan.append(Step("fold it into the system bundle", ["update-ca-certificates"]))
    else:
        plan.append(
            Step(
                f"not running update-ca-certificates: it reads {SYSTEM_DIR}, not {system_dir}",
                only_printed=True,
            )
        )
    nssdb = home / ".pki" / "nssdb"
    database = f"sql:{nssdb}"
    add = ["certutil", "-d", database, "-A", "-t", "C,,", "-n", NICKNAME, "-i", str(ca_bundle)]
    if shutil.which("certutil"):
        if not (nssdb / "cert9.db").exists():
            plan.append(
                Step(
                    f"create the browser's NSS database {nssdb}",
                    ["certutil", "-d", database, "-N", "--empty-password"],
                )
            )
        plan.append(Step("trust it in the browser's NSS database (Chromium, Firefox)", add))
    else:
        plan.append(
            Step(
                "certutil is missing: install it with `apt-get install libnss3-tools`, then run: "
                + " ".join(add),
                only_printed=True,
            )
        )
    return plan


def run(plan: list[Step], home: Path) -> None:
    for step in plan:
        if step.only_printed:
            click.echo(f"• {step.says}")
            continue
        if step.copy:
            source, target = step.copy
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        elif step.command:
            if step.command[0] == "certutil":
                (home / ".pki" / "nssdb").mkdir(parents=True, exist_ok=True)
            done = subprocess.run(step.command, capture_output=True, text=True, check=False)
            if done.returncode:
                raise click.ClickException(
                    f"{' '.join(step.command)} failed: {(done.stderr or done.stdout).strip()[:300]}"
                )
        click.echo(f"✓ {step.says}")


@click.command("trust")
@click.option("--print", "only_print", is_flag=True, help="Only show what it would do.")
@click.option(
    "--system-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=SYSTEM_DIR,
    show_default=True,
    help="Where the system's extra authorities live (another folder for a test: no update-ca-certificates).",
)
@click.option(
    "--home", type=click.Path(file_okay=False, path_type=Path), help="Whose browser database (default: ~)."
)
def trust(only_print: bool, system_dir: Path, home: Path | None) -> None:
    """Trust alcsim's local CA in the system store and the browser, so pages open without a warning."""
    home = home or Path.home()
    ca_bundle = Path(local_ca().ca_bundle)
    plan = steps(ca_bundle, system_dir, home)
    if only_print:
        click.echo(f"alcsim trust would, for {ca_bundle}:")
        for step in plan:
            shown = " ".join(step.command) if step.command else ""
            if step.copy:
                shown = f"cp {step.copy[0]} {step.copy[1]}"
            click.echo(f"  {step.says}" + (f"\n    $ {shown}" if shown else ""))
        return
    try:
        run(plan, home)
    except PermissionError as exc:
        click.echo(
            f"alcsim trust: {exc.filename} needs root: run `sudo alcsim trust` (or --print for the steps)",
            err=True,
        )
        sys.exit(1)
    except OSError as exc:
        click.echo(
            f"alcsim trust: cannot write {exc.filename}: {exc.strerror} (--print shows the steps)", err=True
        )
        sys.exit(1)
