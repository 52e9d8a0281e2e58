"""Dated changes (R-MGR-6, issue 22 point 4) through the use cases and the worker, against the
fake directory: every type carries its date; a D waits for its day like a B; a reviewer files a
B or D from the institution's letter and another reviewer decides it."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

import policies
from sync_service.domain import FormInvalid, Grant, Level, Status, taiwan_date
from sync_service.services import applications as use_cases
from sync_service.services.errors import Forbidden
from sync_service.services.ports import Caller
from tests.support.personal_data import national_id_of
from tests.support.sync import FILER, REVIEWER, TW, form, letter, new_account_name, ready_application

CODE, CAT = "0401180014", "CRC-COL"
NOTICE_DAYS = policies.departures().notice_days  # a B or D with less is flagged (R-MGR-6)


def _status(wiring, reference):
    with wiring.uow() as uow:
        return uow.applications.get(reference).status


def _person(fake_keycloak, account: str) -> None:
    """An account of the person the sample form names (its e-mail and national ID)."""
    fake_keycloak.add_account(f"id-{account}", account, f"{account}@clinic.example.tw", national_id_of(account))


def _manager(wiring, worker, account) -> None:
    use_cases.approve(wiring.uow(), ready_application(wiring, "C", CODE, account), caller=REVIEWER)
    worker.run_until_idle()


def test_a_d_dated_ahead_waits_for_00_00_taipei_and_ends_the_sessions(wiring, worker, fake_keycloak):
    """Covers: R-MGR-5, R-MGR-6"""
    account = new_account_name()
    _person(fake_keycloak, account)
    _manager(wiring, worker, account)
    day = taiwan_date(worker.clock()) + timedelta(days=20)
    reference = ready_application(wiring, "D", CODE, account, effective_date=day.isoformat())
    use_cases.approve(wiring.uow(), reference, caller=REVIEWER)
    worker.clock = lambda: datetime.combine(day, time(0), TW) - timedelta(seconds=1)
    worker.run_until_idle()
    assert fake_keycloak.managers_of(CODE, CAT) == {account} and _status(wiring, reference) is Status.APPROVED
    worker.clock = lambda: datetime.combine(day, time(0), TW)
    worker.run_until_idle()
    assert fake_keycloak.grants_of_user(account) == {Grant(CODE, CAT, Level.USER)}
    assert fake_keycloak.id_of(account) in fake_keycloak.logouts
    assert _status(wiring, reference) is Status.PROVISIONED


def test_an_a_dated_ahead_is_made_on_its_day(wiring, worker, fake_keycloak, mailer):
    """Covers: R-MGR-2, R-MGR-6"""
    account = new_account_name()
    day = taiwan_date(worker.clock()) + timedelta(days=5)
    reference = ready_application(wiring, "A", CODE, account, effective_date=day.isoformat())
    use_cases.approve(wiring.uow(), reference, caller=REVIEWER)
    worker.run_until_idle()
    assert fake_keycloak.creations == 0 and mailer.sent == []
    worker.clock = lambda: datetime.combine(day, time(0), TW)
    worker.run_until_idle()
    assert fake_keycloak.managers_of(CODE, CAT) == {account} and _status(wiring, reference) is Status.PROVISIONED


def test_a_departure_overtaken_by_a_later_decision_is_not_applied(wiring, worker, fake_keycloak):
    """Covers: R-MGR-1, R-MGR-6

    A manager leaves on a date; before it they are replaced, and later appointed again: the
    old departure, falling due, must not take away the grant decided after it."""
    first, second = new_account_name(), new_account_name()
    for a in (first, second):
        _person(fake_keycloak, a)
    _manager(wiring, worker, first)
    day = taiwan_date(worker.clock()) + timedelta(days=20)
    leaving = ready_application(wiring, "B", CODE, first, effective_date=day.isoformat())
    use_cases.approve(wiring.uow(), leaving, caller=REVIEWER)
    use_cases.approve(wiring.uow(), ready_application(wiring, "C", CODE, second), caller=REVIEWER, replacing=first)
    use_cases.approve(wiring.uow(), ready_application(wiring, "B", CODE, second), caller=REVIEWER)
    use_cases.approve(wiring.uow(), ready_application(wiring, "C", CODE, first), caller=REVIEWER)
    worker.run_until_idle()
    assert fake_keycloak.managers_of(CODE, CAT) == {first}
    worker.clock = lambda: datetime.combine(day, time(0), TW)
    worker.run_until_idle()
    assert fake_keycloak.managers_of(CODE, CAT) == {first}
    with wiring.uow() as uow:
        assert [e.action for e in uow.audit_trail(leaving) if e.action.startswith("keycloak.")] == [
            "keycloak.superseded"
        ]
    assert _status(wiring, leaving) is Status.PROVISIONED


def _letter_form(account: str, type_: str = "B", **extra) -> dict:
    return form(type_, CODE, account, **extra)


def test_a_reviewer_files_b_from_the_institutions_letter_and_another_decides(wiring, worker, fake_keycloak):
    """Covers: R-MGR-3, R-MGR-6, R-DOC-4"""
    account = new_account_name()
    _person(fake_keycloak, account)
    _manager(wiring, worker, account)
    today = taiwan_date(worker.clock())
    received = today - timedelta(days=1)
    effective = received + timedelta(days=10)
    app = use_cases.file_for_institution(
        wiring.uow(),
        _letter_form(account, effective_date=effective.isoformat(), application_date=received.isoformat()),
        caller=FILER,
        **letter(received),
    )
    assert app.filed_by == FILER.username and app.filed_for == "institution"
    assert app.status is Status.ORIGINALS_RECEIVED and app.form_received_on == received
    assert app.notice_days(today) == 10 and app.late_notice(today, NOTICE_DAYS)  # counted from the letter, not today
    with pytest.raises(Forbidden) as e:
        use_cases.approve(wiring.uow(), app.id, caller=FILER)
    assert e.value.code == "decision.own_filing"
    with pytest.raises(Forbidden):
        use_cases.reject(wiring.uow(), app.id, caller=FILER, reason="筆誤")
    with wiring.uow() as uow:
        trail = uow.audit_trail(app.id)
    assert [e.details["reason"] for e in trail if e.action == "decision.refused"] == ["own_filing", "own_filing"]
    submitted = next(e for e in trail if e.action == "application.submitted")
    assert submitted.details["for_institution"] is True
    use_cases.approve(wiring.uow(), app.id, caller=REVIEWER)
    assert _status(wiring, app.id) is Status.APPROVED


def test_filing_from_a_letter_is_for_b_and_d_and_needs_the_letter(wiring):
    """Covers: R-MGR-6, R-DOC-4"""
    tomorrow = taiwan_date(datetime.now(TW)) + timedelta(days=1)
    with pytest.raises(FormInvalid) as e:
        use_cases.file_for_institution(
            wiring.uow(),
            _letter_form("lin5678", "C"),
            caller=FILER,
            letter_number="x",
            received_on=tomorrow.isoformat(),
        )
    assert {err.field for err in e.value.errors} == {"type", "letter_number", "received_on"}
    with pytest.raises(Forbidden):
        use_cases.file_for_institution(
            wiring.uow(), _letter_form("lin5678"), caller=Caller("x", "clerk", frozenset()), **letter()
        )
