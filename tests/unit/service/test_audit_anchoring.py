"""The audit chain nobody can shorten or rewrite alone (issue 19 item 5, decision 0136): a deleted
head file and a cut tail are found, and a history rewritten and re-signed by whoever holds the
signing key no longer matches the checkpoints already mailed. Storage is real (SQLite here, the
same tests on PostgreSQL in tests/integration/postgres); mail is the fake mailer (the real SMTP
sink: tests/integration/sync/test_audit_anchoring.py)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text

from sync_service.adapters.audit_bundle_verify import checkpoints_in
from sync_service.adapters.audit_chain import Anchor, AuditChain
from sync_service.adapters.tables import audit_log
from sync_service.services.audit_anchoring import AuditCheckpointJob
from sync_service.services.ports import AuditEntry
from tests.support.sync import new_account_name, ready_application

CODE = "0401180014"
HPA = "audit-checkpoints@hpa.example"
HOUR = timedelta(hours=1)


def grow(wiring, n: int = 1) -> None:
    for _ in range(n):
        ready_application(wiring, "A", CODE, new_account_name())


def last_seq(wiring) -> int:
    with wiring.engine.connect() as conn:
        return conn.execute(text("SELECT max(seq) FROM audit_log")).scalar_one()


def checkpoint_job(wiring, mailer) -> AuditCheckpointJob:
    return AuditCheckpointJob(wiring.uow, mailer, HPA, every=HOUR)


def mailed_checkpoints(mailer) -> list[Anchor]:
    """What the agency holds: the checkpoint lines of the mails it received."""
    return [
        Anchor.of_checkpoint(c["seq"], c["hash"], c["at"], c["signature"])
        for m in mailer.to(HPA)
        for c in checkpoints_in(m.body)
    ]


def drop_guard(conn) -> None:
    """What the database's owner can do: take the append-only triggers away."""
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))
    else:
        conn.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))


def verify(wiring, anchors=()):
    with wiring.engine.connect() as conn:
        return wiring.chain.verify(conn, anchors=anchors)


def test_a_tail_cut_with_the_head_file_deleted_is_found(wiring, mailer):
    """The database's owner deletes the head file and the chain's last rows: `verify` reports the
    missing head; and even once a later commit has written a new head at the cut end, the
    checkpoint mailed before the cut shows the rows that are gone.

    Covers: R-AUD-1
    """
    grow(wiring, 2)
    checkpoint_job(wiring, mailer).run(datetime.now(UTC))
    mailed = last_seq(wiring)
    assert [a.seq for a in mailed_checkpoints(mailer)] == [mailed]

    wiring.settings.audit_head_file.unlink()
    with wiring.engine.begin() as conn:
        drop_guard(conn)
        conn.execute(text("DELETE FROM audit_log WHERE seq > :keep"), {"keep": mailed - 3})
    report = verify(wiring)
    assert not report.ok and "head file" in report.broken.reason and "missing" in report.broken.reason

    grow(wiring, 3)  # later commits write a head file again, at the shortened chain's end
    assert verify(wiring).ok, "the head file alone cannot tell (why the checkpoints leave the machine)"
    report = verify(wiring, mailed_checkpoints(mailer))
    assert not report.ok and report.broken.seq == mailed
    assert "does not match the checkpoint" in report.broken.reason


def test_a_tail_cut_past_the_last_checkpoint_is_truncated(wiring, mailer):
    """Covers: R-AUD-1"""
    grow(wiring, 2)
    checkpoint_job(wiring, mailer).run(datetime.now(UTC))
    mailed = last_seq(wiring)
    wiring.settings.audit_head_file.unlink()
    with wiring.engine.begin() as conn:
        drop_guard(conn)
        conn.execute(text("DELETE FROM audit_log WHERE seq > :keep"), {"keep": mailed - 2})
    report = verify(wiring, mailed_checkpoints(mailer))
    assert not report.ok and "truncated" in report.broken.reason


def test_a_history_re_signed_with_the_key_no_longer_matches_the_mailed_checkpoints(wiring, mailer):
    """Whoever holds audit-signing.key rewrites the chain (what the rows say changed), signs every
    row again and writes a matching head: links, signatures and head all check; the checkpoint
    mailed before the rewrite does not.

    Covers: R-AUD-1
    """
    grow(wiring, 2)
    checkpoint_job(wiring, mailer).run(datetime.now(UTC))
    with wiring.engine.connect() as conn:
        original = conn.execute(select(audit_log).order_by(audit_log.c.seq)).mappings().all()

    key_holder = AuditChain(
        base64_key(wiring.settings.audit_key), head_file=wiring.settings.audit_head_file, people=wiring.chain.people
    )
    with wiring.engine.begin() as conn:
        drop_guard(conn)
        conn.execute(text("DELETE FROM audit_log"))
        head = key_holder.append_all(
            conn,
            [AuditEntry(actor=r["actor"], action=r["action"], at=r["at"], details={"rewritten": 1}) for r in original],
        )
    wiring.settings.audit_head_file.unlink()
    key_holder.anchor(head)

    assert verify(wiring).ok, "re-signed with the key: nothing inside the chain tells"
    report = verify(wiring, mailed_checkpoints(mailer))
    assert not report.ok and "the chain was rewritten" in report.broken.reason


def test_a_checkpoint_not_signed_by_the_audit_key_is_reported(wiring, mailer):
    """Covers: R-AUD-1"""
    grow(wiring)
    checkpoint_job(wiring, mailer).run(datetime.now(UTC))
    (genuine,) = mailed_checkpoints(mailer)
    forged = AuditChain(os.urandom(32)).checkpoint(_head(genuine), datetime.now(UTC))
    anchor = checkpoints_in(forged.line)[0]
    report = verify(wiring, [Anchor.of_checkpoint(anchor["seq"], anchor["hash"], anchor["at"], anchor["signature"])])
    assert not report.ok and "not signed by the audit key" in report.broken.reason


def test_one_checkpoint_a_period_and_only_when_the_chain_grew(wiring, mailer):
    """Two workers in one period mail one checkpoint; an idle chain mails none; a mail server that
    is down leaves the period to the next run. No rule id: the job's bookkeeping."""
    job = checkpoint_job(wiring, mailer)
    now = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    assert job.run(now) == "no checkpoint due"  # nothing in the chain yet
    grow(wiring)
    first = last_seq(wiring)
    assert job.run(now).startswith("checkpoint at row")
    grow(wiring)
    second = last_seq(wiring)
    assert job.run(now + timedelta(minutes=5)) == "no checkpoint due"  # the same period: the other worker
    assert len(mailer.to(HPA)) == 1
    mailer.down = True
    later = now + HOUR
    try:
        job.run(later)
    except Exception:  # MailUnavailable: the worker's schedule logs it and tries again
        pass
    mailer.down = False
    assert job.run(later).startswith("checkpoint at row")
    assert job.run(later + HOUR) == "no checkpoint due"  # the chain did not grow since
    assert [a.seq for a in mailed_checkpoints(mailer)] == [first, second]
    assert all("audit verify --checkpoints" in m.body and m.subject.startswith("稽核紀錄查核點") for m in mailer.sent)


def _head(anchor: Anchor):
    from sync_service.adapters.audit_chain import Head

    return Head(anchor.seq, anchor.hash)


def base64_key(value: str) -> bytes:
    import base64

    return base64.b64decode(value)


def test_checkpoints_are_read_back_from_saved_mails_and_mailboxes(wiring, mailer, tmp_path):
    """What the agency's mailbox keeps: each mail as sent (base64 or quoted-printable body), or
    many in one mbox file; `audit verify --checkpoints` finds every checkpoint line in them.
    No rule id: reading the evidence back."""
    import mailbox
    from email.message import EmailMessage

    from sync_service.adapters.audit_checkpoints import checkpoints_in_file

    job = checkpoint_job(wiring, mailer)
    for hour in range(2):
        grow(wiring)
        job.run(datetime(2026, 12, 5, 9 + hour, tzinfo=UTC))
    lines = [x for m in mailer.to(HPA) for x in m.body.splitlines() if x.startswith("audit-checkpoint ")]
    box = mailbox.mbox(tmp_path / "kept.mbox")
    for n, sent in enumerate(mailer.to(HPA)):
        message = EmailMessage()
        message["To"], message["Subject"] = sent.to, sent.subject
        message.set_content(sent.body, charset="utf-8", cte="base64" if n else "quoted-printable")
        (tmp_path / f"{n}.eml").write_bytes(message.as_bytes())
        box.add(message)
    box.flush()
    for n, line in enumerate(lines):
        assert [c["seq"] for c in checkpoints_in_file(tmp_path / f"{n}.eml")] == [int(line.split()[1][4:])]
    assert len(checkpoints_in_file(tmp_path / "kept.mbox")) == 2
