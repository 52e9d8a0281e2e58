"""The audit chain: every state change on record, hash-linked and signed; tampering is found."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from sync_service.adapters.audit_chain import AuditChain
from sync_service.adapters.tables import audit_log
from sync_service.services import applications as use_cases
from tests.support.sync import REVIEWER, VENDOR, new_account_name, ready_application

CODE = "0401180014"


def rows(wiring):
    with wiring.engine.connect() as conn:
        return conn.execute(select(audit_log).order_by(audit_log.c.seq)).all()


def a_provisioned_application(wiring, worker):
    app_id = ready_application(wiring, "A", CODE, new_account_name())
    use_cases.record_vendor_processing(
        wiring.uow(), app_id, caller=VENDOR, vendor_name="林工程師", processed_on="2025-05-03"
    )
    use_cases.approve(wiring.uow(), app_id, caller=REVIEWER)
    worker.run_until_idle()
    return app_id


def test_every_step_is_recorded_with_who_what_when_and_whose_approval(wiring, worker):
    """Covers: R-AUD-1, R-FORM-6"""
    app_id = a_provisioned_application(wiring, worker)
    chain = [r for r in rows(wiring) if r.application_id == app_id]
    actions = [r.action for r in chain]
    assert actions[0] == "application.submitted" and "application.originals_received" in actions
    assert actions[-3:] == ["application.approved", "keycloak.grant", "application.provisioned"]
    # The chain names people by pseudonym only (decision 0095); the trail read back names them.
    assert all("reviewer-lin" not in (r.actor, r.approved_by) for r in chain)
    with wiring.engine.connect() as conn:
        named = wiring.chain.entries_of(conn, app_id)
    approved = named[actions.index("application.approved")]
    assert approved.actor == "reviewer-lin" and approved.approved_by == "reviewer-lin"
    provisioned = named[-1]
    assert provisioned.actor == "sync-service" and provisioned.approved_by == "reviewer-lin"
    assert provisioned.details["vendor_record"]["name"] == "林工程師"
    assert all("A123456789" not in r.payload for r in chain)  # no personal data in the chain
    with wiring.engine.connect() as conn:
        assert wiring.chain.verify(conn).ok


def test_the_database_refuses_to_rewrite_audit_rows(wiring, worker):
    """Covers: R-AUD-1"""
    a_provisioned_application(wiring, worker)
    with pytest.raises(DBAPIError), wiring.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone' WHERE seq = 2"))
    with pytest.raises(DBAPIError), wiring.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))


def _drop_guard(conn):
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))
    else:
        conn.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))


@pytest.mark.parametrize(
    "tamper, reason",
    [
        ("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3", "content"),
        ("DELETE FROM audit_log WHERE seq = 3", "missing"),
    ],
)
def test_tampering_is_found_at_the_first_broken_row(wiring, worker, tamper, reason):
    """Covers: R-AUD-1"""
    a_provisioned_application(wiring, worker)
    with wiring.engine.begin() as conn:  # someone with database access removes the guard first
        _drop_guard(conn)
        conn.execute(text(tamper))
    with wiring.engine.connect() as conn:
        report = wiring.chain.verify(conn)
    assert not report.ok and report.broken.seq == 3 and reason in report.broken.reason


def test_a_rewritten_chain_without_the_key_fails_its_signatures(wiring, worker):
    """Re-hashing every row after a change does not help without the signing key."""
    a_provisioned_application(wiring, worker)
    forger = AuditChain(os.urandom(32))
    with wiring.engine.begin() as conn:
        _drop_guard(conn)
        conn.execute(text("DELETE FROM audit_log"))
    with wiring.engine.begin() as conn:
        from datetime import datetime

        from sync_service.services.ports import AuditEntry

        forger.append(conn, AuditEntry(actor="x", action="application.approved", at=datetime.now(UTC)))
    with wiring.engine.connect() as conn:
        report = wiring.chain.verify(conn)
    assert report.broken.seq == 1 and "signature" in report.broken.reason


def test_the_verify_command(wiring, worker, database_url):
    """`python -m sync_service audit verify`. Covers: R-AUD-1"""
    a_provisioned_application(wiring, worker)
    s = wiring.settings
    env = {
        **os.environ,
        "SYNC_DATABASE_URL": database_url,
        "SYNC_DATA_KEY": s.data_key,
        "SYNC_AUDIT_SIGNING_KEY": s.audit_key,
        "SYNC_AUDIT_HEAD_FILE": str(s.audit_head_file),
    }

    def run():
        return subprocess.run(
            [sys.executable, "-m", "sync_service", "audit", "verify", "--without-keycloak"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    ok = run()
    assert ok.returncode == 0 and "intact" in ok.stdout, ok.stderr
    with wiring.engine.begin() as conn:
        _drop_guard(conn)
        conn.execute(text("UPDATE audit_log SET payload = '{}' WHERE seq = 4"))
    broken = run()
    assert broken.returncode == 1 and "row 4" in broken.stderr
