"""The `alcmeon` command prints one JSON line that is enough to reach the environment."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[3]


def test_serve_prints_one_json_line_then_serves_until_stopped(tmp_path):
    command = [
        sys.executable,
        "-m",
        "alcsim.simulators.alcmeon.cli",
        "--port",
        "0",
        "--data-dir",
        str(tmp_path),
        "--seed",
        "5",
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ})
    try:
        line = json.loads(process.stdout.readline())
        assert set(line) >= {"base_url", "instance_id", "application_secret", "token_url", "ca_bundle"}
        session = requests.Session()
        session.trust_env = False
        session.verify = line["ca_bundle"]
        body = {
            "grant_type": "client_credentials",
            "client_id": line["instance_id"],
            "client_secret": line["application_secret"],
        }
        assert session.post(line["token_url"], json=body).status_code == 200
        assert list(tmp_path.glob("*.sqlite3"))
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
