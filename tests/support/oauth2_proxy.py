"""oauth2-proxy, an OIDC client not written here (issue 18 item 6): built once from its Go module
into the ignored .cache/ and reused; run on a free port in front of a static upstream."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path

from stack.paths import ROOT
from stack.processes import Supervisor
from stack.waiting import wait_http

VERSION = "v7.15.6"
MODULE = "github.com/oauth2-proxy/oauth2-proxy/v7"
BINARY = ROOT / ".cache" / "oauth2-proxy" / VERSION / "oauth2-proxy"


def binary() -> Path:
    """The built oauth2-proxy: `go install` of the module at VERSION, once (a few minutes on a
    machine whose Go module cache is empty; the Go toolchain is the machine's)."""
    if BINARY.exists():
        return BINARY
    go = shutil.which("go") or "/usr/local/go/bin/go"
    BINARY.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [go, "install", f"{MODULE}@{VERSION}"],
        env={**os.environ, "GOBIN": str(BINARY.parent), "GOFLAGS": "-mod=mod"},
        check=True,
        capture_output=True,
        timeout=1800,
    )
    return BINARY


class OAuth2Proxy:
    """One oauth2-proxy for one client of the realm, its log in `home`/log."""

    def __init__(self, home: Path, port: int, issuer: str, client_id: str, client_secret: str, **flags: str):
        self.url = f"http://127.0.0.1:{port}"
        self.supervisor = Supervisor(home)
        self.cmd = [
            str(binary()),
            "--provider=oidc",
            f"--oidc-issuer-url={issuer}",
            f"--client-id={client_id}",
            f"--client-secret={client_secret}",
            f"--redirect-url={self.url}/oauth2/callback",
            f"--http-address=127.0.0.1:{port}",
            "--upstream=static://200",
            "--email-domain=*",
            f"--cookie-secret={secrets.token_hex(16)}",
            "--cookie-secure=false",
            "--skip-provider-button=true",
            "--code-challenge-method=S256",
            *(f"--{k.replace('_', '-')}={v}" for k, v in flags.items()),
        ]

    def __enter__(self) -> OAuth2Proxy:
        self.supervisor.start("oauth2-proxy", self.cmd, {})
        wait_http(f"{self.url}/ping", timeout=60, what="oauth2-proxy")
        return self

    def __exit__(self, *exc) -> None:
        self.supervisor.stop("oauth2-proxy")

    def log(self) -> str:
        return self.supervisor.log_tail("oauth2-proxy", 60)
