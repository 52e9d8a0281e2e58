"""The audit chain's end kept in Keycloak and mailed to the agency (issue 19 item 5, decision
0136), against the run's real Keycloak and mail sink, checked by `python -m sync_service audit
verify` as an operator or auditor runs it."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, text

from sync_service.adapters.audit_chain import AuditChain
from sync_service.adapters.tables import audit_log
from sync_service.domain.keycloak_events import AUDIT_ANCHOR_PATH
from sync_service.services.keycloak_events import JOB_NAME as EVENT_POLL
from sync_service.services.ports import AuditEntry
from tests.integration.sync.conftest import sync_settings
from tests.support.sync import cli_env, new_account_name, ready_application
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[3]


def audit_verify(settings, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sync_service", "audit", "verify", *args],
        cwd=ROOT,
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=300,
    )


def drop_guard(conn) -> None:
    conn.execute(text("DROP TRIGGER audit_log_no_update"))
    conn.execute(text("DROP TRIGGER audit_log_no_delete"))


def test_a_cut_tail_and_a_re_signed_history_are_found_by_audit_verify(keycloak, run_secrets, mail, tmp_path):
    """The worker's jobs record the chain's end in Keycloak's admin events (not copied back into
    the chain) and mail a signed checkpoint through SMTP; `audit verify` finds then
    - the tail cut with the head file deleted, by Keycloak's anchor and by the saved mail;
    - a history rewritten and re-signed with the signing key (head file and stored checkpoints
      made to match), by the saved mail, though nothing inside the database tells.

    Covers: R-AUD-1
    """
    hpa = f"audit-{uuid.uuid4().hex[:8]}@hpa.example"
    settings = sync_settings(keycloak, run_secrets, mail, tmp_path, audit_checkpoint_to=hpa)
    from sync_service.bootstrap import bootstrap

    wiring = bootstrap(settings)
    try:
        for _ in range(3):
            ready_application(wiring, "A", "0401180014", new_account_name())
        jobs = {job.name: job for job in wiring.scheduled_jobs()}
        jobs[EVENT_POLL].run(datetime.now(UTC))  # the copy of Keycloak's events starts here
        now = datetime.now(UTC)
        assert jobs["audit-anchor"].run(now) == "the chain's end anchored in Keycloak"
        assert jobs["audit-checkpoint"].run(now).startswith("checkpoint at row")
        (message,) = mail.wait_for(hpa)
        saved = tmp_path / "checkpoint.eml"  # what the agency's mailbox keeps
        saved.write_bytes(message.as_bytes())
        with wiring.engine.connect() as conn:
            end = wiring.chain.end(conn)

        anchored = wait_until(
            lambda: [a for a in wiring.audit_anchors_factory().newest(10, [wiring.chain.key_id]) if a.seq == end.seq],
            60,
            "the anchor in Keycloak's admin events",
        )
        assert anchored[0].hash == end.hash
        jobs[EVENT_POLL].run(datetime.now(UTC))  # Keycloak's events into the chain: not its own anchor
        with wiring.engine.connect() as conn:
            paths = {
                json.loads(p).get("resource_path") or "" for p in conn.execute(select(audit_log.c.payload)).scalars()
            }
        # Only the anchors' own path: other Keycloak events (custom required actions among them) are kept.
        assert not {p for p in paths if p.startswith(AUDIT_ANCHOR_PATH + "/")}, paths

        intact = audit_verify(settings, "--checkpoints", str(saved))
        assert intact.returncode == 0, intact.stderr
        assert "intact" in intact.stdout and "1 mailed checkpoints" in intact.stdout

        # The database's owner deletes the head file, the chain's last rows and the stored checkpoints.
        settings.audit_head_file.unlink()
        with wiring.engine.begin() as conn:
            drop_guard(conn)
            conn.execute(text("DELETE FROM audit_log WHERE seq > :keep"), {"keep": end.seq - 2})
            conn.execute(text("DELETE FROM audit_checkpoints"))
        cut = audit_verify(settings)
        assert cut.returncode == 1 and "truncated" in cut.stderr and "Keycloak's anchor" in cut.stderr
        cut = audit_verify(settings, "--without-keycloak", "--checkpoints", str(saved))
        assert cut.returncode == 1 and "truncated" in cut.stderr and str(saved) in cut.stderr

        # Whoever holds the signing key writes the whole history anew, re-signed, with a matching
        # head file: only what left the machine disagrees.
        key_holder = AuditChain(base64.b64decode(settings.audit_key), head_file=settings.audit_head_file)
        with wiring.engine.begin() as conn:
            kept = conn.execute(select(audit_log).order_by(audit_log.c.seq)).all()
            conn.execute(text("DELETE FROM audit_log"))
            entries = [AuditEntry(actor=r.actor, action=r.action, at=r.at, details={}) for r in kept]
            entries += [AuditEntry(actor="x", action="application.submitted", at=r.at, details={}) for r in kept[:2]]
            head = key_holder.append_all(conn, entries)
        settings.audit_head_file.unlink(missing_ok=True)
        key_holder.anchor(head)
        assert audit_verify(settings, "--without-keycloak").returncode == 0, "nothing inside tells"
        rewritten = audit_verify(settings, "--without-keycloak", "--checkpoints", str(saved))
        assert rewritten.returncode == 1, rewritten.stdout
        assert "the chain was rewritten" in rewritten.stderr and str(saved) in rewritten.stderr
    finally:
        wiring.engine.dispose()
