"""`alcsim trust`: the local CA into a system folder and a browser NSS database, in throwaway places only."""

from __future__ import annotations

import subprocess
from pathlib import Path

from click.testing import CliRunner

from alcsim.simulators.common.tls import local_ca
from alcsim.simulators.topology import trust as trusting


def test_print_only_shows_the_steps_and_writes_nothing(tmp_path):
    system, home = tmp_path / "ca-certificates", tmp_path / "home"
    answer = CliRunner().invoke(trusting.trust, ["--print", "--system-dir", str(system), "--home", str(home)])
    assert answer.exit_code == 0, answer.output
    assert f"cp {local_ca().ca_bundle} {system / 'alcsim.crt'}" in answer.output
    assert "not running update-ca-certificates" in answer.output
    assert "certutil -d sql:" in answer.output and str(home / ".pki" / "nssdb") in answer.output
    assert not system.exists() and not home.exists()


def test_the_default_system_folder_is_debians_and_is_folded_in_with_update_ca_certificates(tmp_path):
    plan = trusting.steps(Path(local_ca().ca_bundle), trusting.SYSTEM_DIR, tmp_path, platform="linux")
    assert plan[0].copy[1] == Path("/usr/local/share/ca-certificates/alcsim.crt")
    assert plan[1].command == ["update-ca-certificates"]


def test_without_certutil_the_ca_is_copied_and_the_exact_command_and_package_are_printed(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))  # no certutil on this PATH
    system, home = tmp_path / "ca-certificates", tmp_path / "home"
    answer = CliRunner().invoke(trusting.trust, ["--system-dir", str(system), "--home", str(home)])
    assert answer.exit_code == 0, answer.output
    assert (system / "alcsim.crt").read_bytes() == Path(local_ca().ca_bundle).read_bytes()
    assert "apt-get install libnss3-tools" in answer.output
    assert f"certutil -d sql:{home / '.pki' / 'nssdb'} -A -t C,, -n alcsim local CA -i" in answer.output


# certutil comes with `make browser` (libnss3-tools), which `make test` runs first.
def test_with_certutil_the_ca_lands_in_a_fresh_nss_database(tmp_path):
    system, home = tmp_path / "ca-certificates", tmp_path / "home"
    answer = CliRunner().invoke(trusting.trust, ["--system-dir", str(system), "--home", str(home)])
    assert answer.exit_code == 0, answer.output
    listed = subprocess.run(
        ["certutil", "-d", f"sql:{home / '.pki' / 'nssdb'}", "-L"], capture_output=True, text=True, check=True
    )
    assert trusting.NICKNAME in listed.stdout


def test_macos_and_windows_get_their_own_commands_printed():
    ca = Path("/tmp/ca.pem")
    (mac,) = trusting.steps(ca, trusting.SYSTEM_DIR, Path("/home/x"), platform="darwin")
    assert mac.only_printed and "security add-trusted-cert -d -r trustRoot" in mac.says
    (windows,) = trusting.steps(ca, trusting.SYSTEM_DIR, Path("/home/x"), platform="win32")
    assert "certutil -addstore -f Root /tmp/ca.pem" in windows.says


def test_a_system_folder_it_cannot_write_is_said_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "alcsim.crt").mkdir()  # a folder where the file goes: the copy fails as a refusal would
    answer = CliRunner().invoke(trusting.trust, ["--system-dir", str(locked), "--home", str(tmp_path / "h")])
    assert answer.exit_code == 1 and answer.exception.__class__ is SystemExit
    assert answer.output.strip() == (
        f"alcsim trust: cannot write {locked / 'alcsim.crt'}: Is a directory (--print shows the steps)"
    )
