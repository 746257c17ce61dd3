"""A local certificate authority and a server certificate for 127.0.0.1 and localhost.

simple-salesforce hard-codes https:// (salesforce-contract.md 2.1), so every fake serves TLS signed
by this CA. The CA is made once per directory and reused, so clients can trust one bundle.
"""

from __future__ import annotations

import os
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

import trustme

DEFAULT_DIR = Path(os.environ.get("ALCSIM_TLS_DIR", Path.home() / ".cache" / "alcsim" / "tls"))


@dataclass(frozen=True)
class LocalCA:
    """Paths of the CA bundle to trust and of the server's certificate chain and key."""

    directory: Path

    @property
    def ca_bundle(self) -> str:
        return str(self.directory / "ca.pem")

    @property
    def cert_chain(self) -> str:
        return str(self.directory / "server-chain.pem")

    @property
    def private_key(self) -> str:
        return str(self.directory / "server-key.pem")

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_chain, self.private_key)
        return context


def local_ca(directory: str | Path | None = None) -> LocalCA:
    """Return the CA in `directory`, creating it atomically the first time (safe across xdist workers)."""
    target = Path(directory) if directory else DEFAULT_DIR
    if (target / "ca.pem").exists():
        return LocalCA(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tls-", dir=target.parent))
    ca = trustme.CA(organization_name="alcsim local CA")
    leaf = ca.issue_cert("127.0.0.1", "localhost")
    ca.cert_pem.write_to_path(str(staging / "ca.pem"))
    leaf.private_key_pem.write_to_path(str(staging / "server-key.pem"))
    with open(staging / "server-chain.pem", "wb") as chain:
        for pem in leaf.cert_chain_pems:
            chain.write(pem.bytes())
    try:
        os.rename(staging, target)
    except OSError:
        # Another process won the race; its CA is as good as ours.
        for child in staging.iterdir():
            child.unlink()
        staging.rmdir()
    return LocalCA(target)
