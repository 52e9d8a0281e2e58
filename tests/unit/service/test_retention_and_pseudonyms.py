"""The audit chain's pseudonyms survive erasure without breaking `audit verify`
(decision 0095), and retention removes what is past its days, with an
injectable clock (decision 0096)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from sync_service.adapters.tables import applications, audit_log, audit_people, scans
from sync_service.services import applications as use_cases
from sync_service.services import scans as use_scans
from sync_service.services.lookup import Viewer
from sync_service.services.retention import RetentionJob
from tests.support.sync import REVIEWER, new_account_name, ready_application

CODE = "0401180014"
PDF = b"%PDF-1.4\n% a scan\n"


def _rows(wiring):
    with wiring.engine.connect() as conn:
        return conn.execute(select(audit_log).order_by(audit_log.c.seq)).all()


def test_the_chain_rows_hold_no_account_name_or_e_mail(wiring):
    """Covers: R-PD-1, R-AUD-1

    An application A filed without an account was recorded as `applicant:<e-mail>`, and every
    decision named accounts in clear: hashed content no deletion could ever remove."""
    account = new_account_name("n")
    app_id = ready_application(wiring, "A", CODE, account)
    use_cases.reject(wiring.uow(), app_id, caller=REVIEWER, reason="資料不全")
    raw = "\n".join(f"{r.actor} {r.approved_by} {r.payload}" for r in _rows(wiring))
    for person in (account, f"{account}@clinic.example.tw", REVIEWER.username):
        assert person not in raw


def test_erasing_a_person_leaves_the_chain_intact_and_naming_nobody(wiring):
    """Covers: R-PD-2, R-AUD-1"""
    account = new_account_name("e")
    app_id = ready_application(wiring, "A", CODE, account)
    use_cases.reject(wiring.uow(), app_id, caller=REVIEWER, reason="資料不全")
    rows = _rows(wiring)
    raw = "\n".join(f"{r.actor} {r.approved_by} {r.payload}" for r in rows)
    assert account not in raw and f"{account}@clinic.example.tw" not in raw and "reviewer-lin" not in raw
    with wiring.uow() as uow:
        assert any(
            account in json.dumps(e.details, ensure_ascii=False) or account in e.actor for e in uow.audit_trail(app_id)
        ), "read back, the trail names the person"
        uow.erase_person({("user", account), ("email", f"{account}@clinic.example.tw")}, datetime.now(UTC))
        uow.commit()
    with wiring.engine.connect() as conn:
        assert wiring.chain.verify(conn).ok
        trail = wiring.chain.entries_of(conn, app_id)
    shown = json.dumps([(e.actor, e.approved_by, e.details) for e in trail], ensure_ascii=False)
    assert account not in shown and "erased person" in shown and "reviewer-lin" in shown
    assert [r.hash for r in _rows(wiring)] == [r.hash for r in rows], "no chain row changed"


def _decided(wiring, at: datetime, *, with_scan: bool) -> str:
    app_id = ready_application(wiring, "A", CODE, new_account_name("r"))
    if with_scan:
        use_scans.upload(
            wiring.uow(),
            app_id,
            document="unit-affidavit",
            filename="a.pdf",
            data=PDF,
            viewer=Viewer(REVIEWER),
            now=at,
        )
    use_cases.reject(wiring.uow(), app_id, caller=REVIEWER, reason="資料不全", now=at)
    return app_id


def test_retention_removes_old_records_keeps_young_ones_and_records_counts_only(wiring):
    """Covers: R-AUD-1

    Retention itself is beyond the catalogue (issue 12 point 7); the rule checked is that its removals are on record."""
    t0 = datetime.now(UTC)
    old = _decided(wiring, t0, with_scan=True)  # 6 years before the run
    middle = _decided(wiring, t0 + timedelta(days=1500), with_scan=True)  # scan past 1 year, row young
    young = _decided(wiring, t0 + timedelta(days=2100), with_scan=True)  # everything young
    with wiring.uow() as uow:
        uow.erase_person({("user", "gone1234")}, t0)  # nobody by that name: erases nothing
        uow.pseudonym_of("user", "gone1234", t0)
        uow.commit()
    with wiring.uow() as uow:
        uow.erase_person({("user", "gone1234")}, t0)
        uow.commit()
    run_at = t0 + timedelta(days=6 * 365)
    job = RetentionJob(wiring.uow)
    summary = job.run(run_at)
    assert "applications 1" in summary and "scans 2" in summary and "deleted_person_links 1" in summary
    with wiring.engine.connect() as conn:
        left = set(conn.execute(select(applications.c.id)).scalars())
        scanned = set(conn.execute(select(scans.c.application_id)).scalars())
        links = conn.execute(select(audit_people.c.lookup_hash).where(audit_people.c.erased_at.is_not(None))).all()
        assert wiring.chain.verify(conn).ok
    assert old not in left and {middle, young} <= left
    assert scanned == {young}
    assert links == [(None,)]
    [record] = [r for r in _rows(wiring) if r.action == "retention.applied"]
    assert record.actor == "retention"
    assert json.loads(record.payload)["removed"] == {
        "scans": 2,
        "applications": 1,
        "personal_data_requests": 0,
        "deleted_person_links": 1,
        "audit_chain": 0,
    }
    # A second run (another worker, or the next day) finds nothing more and records nothing.
    assert "applications 0" in job.run(run_at)
    assert len([r for r in _rows(wiring) if r.action == "retention.applied"]) == 1


def test_the_retention_job_is_on_the_schedule_and_runs_from_the_command_line(tmp_path, monkeypatch, capsys):
    """The job is wired where the worker and an operator find it."""
    from sync_service.__main__ import main
    from tests.support.sync import process_env

    for name, value in process_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    assert main(["jobs", "list"]) == 0
    assert "retention\tevery 1 day" in capsys.readouterr().out
    assert main(["jobs", "run", "retention"]) == 0
    assert capsys.readouterr().out.startswith("removed scans 0, applications 0")


def test_the_chain_past_its_years_is_cut_at_a_signed_base_and_still_verifies(wiring):
    """Covers: R-AUD-1"""
    t0 = datetime.now(UTC)
    _decided(wiring, t0, with_scan=False)
    young = _decided(wiring, t0 + timedelta(days=3000), with_scan=False)
    before = _rows(wiring)
    summary = RetentionJob(wiring.uow).run(t0 + timedelta(days=3650 + 10))
    kept = _rows(wiring)
    assert "audit_chain 0" not in summary and kept[0].seq > 1
    assert {r.application_id for r in kept} >= {young} and len(kept) < len(before) + 1
    with wiring.engine.connect() as conn:
        assert wiring.chain.verify(conn).ok
    # Above the base the database still refuses; below it nothing is left to remove.
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError), wiring.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = :s"), {"s": kept[0].seq})
    # A base not signed with our key (someone moving the start to hide rows) is found.
    with wiring.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO audit_base (seq, hash, signature, cut_at) VALUES (:s, :h, 'x:AAAA', :t)"),
            {"s": kept[0].seq, "h": kept[0].hash, "t": t0.replace(tzinfo=None)},
        )
    with wiring.engine.connect() as conn:
        report = wiring.chain.verify(conn)
    assert not report.ok and "base" in report.broken.reason


def test_erasing_a_person_takes_them_out_of_reminders_and_access_reviews(wiring):
    """Covers: R-PD-2

    The lifecycle's own tables (decision 0085) held the account's id and name after a deletion."""
    from sqlalchemy import insert

    from sync_service.adapters.tables import access_review_items, access_reviews, password_reminders

    now = datetime.now(UTC)
    gone, stays = new_account_name("g"), new_account_name("s")
    with wiring.engine.begin() as conn:
        conn.execute(
            insert(access_reviews).values(
                id="rev-erase",
                round="2026-Q4",
                institution_code=CODE,
                category="CRC-COL",
                manager_account_id="m-id",
                manager_username="manager",
                opened_at=now,
                deadline=now + timedelta(days=14),
            )
        )
        conn.execute(
            insert(access_review_items),
            [
                dict(review_id="rev-erase", account_id="gone-id", username=gone, state="asked"),
                dict(review_id="rev-erase", account_id="stays-id", username=stays, state="asked"),
            ],
        )
        conn.execute(
            insert(password_reminders),
            [
                dict(account_id="gone-id", password_set_at=now, sent_at=now),
                dict(account_id="stays-id", password_set_at=now, sent_at=now),
            ],
        )
    with wiring.uow() as uow:
        uow.personal_records.erase(gone, "pseudonym-1", "gone-id")
        uow.commit()
    with wiring.engine.connect() as conn:
        items = {r.username: r.account_id for r in conn.execute(select(access_review_items))}
        reminded = set(conn.execute(select(password_reminders.c.account_id)).scalars())
    assert gone not in items and items["pseudonym-1"] == "pseudonym-1" and items[stays] == "stays-id"
    assert "gone-id" not in reminded and "stays-id" in reminded
