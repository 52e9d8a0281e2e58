"""A throwaway Keycloak 26.7.3 on PostgreSQL (the production database) for the benches:
Debian's PostgreSQL initdb'd on loopback (stack/postgres.py), Keycloak in dev
mode with `--db=postgres`, our providers, theme and realm imported.

    .venv/bin/python bench/keycloak_on_postgres.py [--info FILE]   # runs until Ctrl-C / SIGTERM

writes {"url", "admin_password", "smtp_port"} to FILE (default /tmp/kc-pg-<pid>.json), so a
bench can be pointed at it with `--keycloak-url URL --admin-password PW`. Benches may also
use `started()` directly.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stack.network import free_port  # noqa: E402


@contextlib.contextmanager
def started(smtp_port: int, workdir: Path | None = None, databases: list | None = None):
    """(url, admin password) of a Keycloak on a fresh PostgreSQL; both stopped on exit.
    `databases`, if given, gets a function that makes another database on the same cluster
    (for the sync service's own) and returns its SQLAlchemy URL."""
    from sqlalchemy import create_engine, text

    from stack import keycloak_indexes
    from stack.credentials_file import WANTED, demo_password
    from stack.keycloak import KeycloakInstance, build_providers
    from stack.postgres import Postgres
    from stack.realm import realm_env

    workdir = workdir or Path(tempfile.mkdtemp(prefix="bench-kc-pg-"))
    cluster = Postgres.throwaway().start()
    kc = None
    try:
        engine = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as c:
            c.execute(text("CREATE DATABASE keycloak"))
        engine.dispose()
        if databases is not None:
            databases.append(cluster.new_database)
        values = {k: demo_password() if s == 0 else secrets.token_urlsafe(s) for k, s in WANTED.items()}
        ports = {
            "keycloak": free_port(),
            "management": free_port(),
            "smtp": smtp_port,
            "sync-service": free_port(),
            "screening-client": free_port(),
        }
        kc = KeycloakInstance(
            home=workdir / "keycloak",
            http_port=ports["keycloak"],
            management_port=ports["management"],
            admin_password=values["KC_BOOTSTRAP_ADMIN_PASSWORD"],
            # A bench's set-up may import tens of thousands of groups in one request: more than
            # the 300 s Keycloak gives a transaction on a busy machine.
            env={
                **realm_env(values, ports),
                "JAVA_OPTS_APPEND": "-Dquarkus.transaction-manager.default-transaction-timeout=3600",
            },
            vault_dir=workdir / "vault",
            extra_args=[
                "--db=postgres",
                f"--db-url=jdbc:postgresql://127.0.0.1:{cluster.port}/keycloak",
                "--db-username=postgres",
                "--db-password=unused",
            ],
        )
        kc.prepare(build_providers())
        kc.start()
        print(f"starting Keycloak on PostgreSQL (port {cluster.port}) ...", file=sys.stderr, flush=True)
        kc.wait_ready(timeout=1200, progress=lambda m: print(m, file=sys.stderr, flush=True))
        keycloak_indexes.ensure(lambda sql: cluster.psql(sql, database="keycloak"))
        try:
            yield kc.url, values["KC_BOOTSTRAP_ADMIN_PASSWORD"]
        except BaseException:
            print(f"Keycloak's log, last lines:\n{kc.log_tail(30)}", file=sys.stderr, flush=True)
            raise
    finally:
        if kc:
            kc.stop()
        cluster.discard()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--info", type=Path, default=Path(tempfile.gettempdir()) / f"kc-pg-{os.getpid()}.json")
    parser.add_argument("--smtp-port", type=int, default=0, help="the mail sink Keycloak sends to (0: none)")
    args = parser.parse_args()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with started(args.smtp_port or free_port()) as (url, password):
        args.info.write_text(json.dumps({"url": url, "admin_password": password}))
        args.info.chmod(0o600)
        print(f"ready: {url} (details in {args.info})", file=sys.stderr, flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
