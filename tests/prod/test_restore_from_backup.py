"""Backup and restore of both databases (pg_dump / pg_restore): after the databases are
dropped and restored, the audit chain verifies, Keycloak matches the decisions and people
sign in with their passwords."""

from __future__ import annotations

import os
import subprocess
import sys

from stack.demo import admin_client
from stack.paths import ROOT
from tests.support.waiting import wait_until

from .test_node_loss import approve_many, assert_applied_once, provisioned


def sync_command(stack, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sync_service", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **stack.sync_env(), "SYNC_AUTO_MIGRATE": "0"},
        timeout=600,
    )


def chain_hashes(stack) -> list[str]:
    return stack.pg.psql("SELECT hash FROM audit_log ORDER BY seq", database="sync").split()


def test_drop_both_databases_and_restore_them_from_the_backup(
    prod_stack, prod_wiring, sign_in, make_people, institution
):
    """Covers: R-AUD-1, R-MGR-1"""
    people = make_people(3)
    batch = approve_many(prod_wiring, 5, institution[:7])
    wait_until(lambda: provisioned(prod_wiring, batch), 300, "the approvals to be provisioned")
    # The journeys before this test place some people by hand (a manager made straight into a
    # group, without an application); the reconciler puts those right first, so that what is
    # checked after the restore ("0 repairs") is the restore, not what other tests left.
    settled = sync_command(prod_stack, "reconcile")
    assert settled.returncode == 0, settled.stderr
    audit_before = sync_command(prod_stack, "audit", "verify")
    assert audit_before.returncode == 0, audit_before.stderr
    # The chain is append-only, so every row read now is in the dump taken after.
    chain_before = chain_hashes(prod_stack)

    backups = prod_stack.pg.folder / "backup"
    for database in ("keycloak", "sync"):
        prod_stack.pg.dump(database, backups / f"{database}.dump")

    nodes = [n for n in ("kc1", "kc2") if prod_stack.sup.pid(n)]
    for name in ("sync-worker-1", "sync-worker-2", "sync-web", *nodes):
        prod_stack.sup.stop(name)
    prod_wiring.engine.dispose()
    prod_stack.pg.psql("DROP DATABASE keycloak WITH (FORCE); DROP DATABASE sync WITH (FORCE);")
    assert prod_stack.pg.psql("SELECT datname FROM pg_database WHERE datname IN ('keycloak', 'sync')").strip() == ""

    for database in ("keycloak", "sync"):
        prod_stack.pg.restore(database, backups / f"{database}.dump")
    # Both nodes started, ready and in one cluster view again, before anyone signs in: the tests
    # after this one find the stack as they expect it.
    prod_stack.ensure_cluster()
    prod_stack.start_web()
    for name in ("sync-worker-1", "sync-worker-2"):
        prod_stack.start_worker(name)

    audit_after = sync_command(prod_stack, "audit", "verify")
    assert audit_after.returncode == 0, audit_after.stderr
    # The same rows, intact, first; the worker's keycloak-events job may have appended
    # Keycloak's events since (operations.md §5), so the chain can be longer.
    assert chain_hashes(prod_stack)[: len(chain_before)] == chain_before
    reconciled = sync_command(prod_stack, "reconcile")
    assert reconciled.returncode == 0, reconciled.stderr
    assert reconciled.stdout.strip().endswith("0 repairs / 修復 0 項"), reconciled.stdout
    for username, password in people:
        r = sign_in.token(username, password)
        assert r.status_code == 200, r.text
    assert_applied_once(admin_client(prod_stack), batch)
