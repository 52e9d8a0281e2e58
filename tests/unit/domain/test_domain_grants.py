"""The one-manager invariant (R-MGR-1) and the grant changes that approvals produce."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

import policies
from sync_service.domain import (
    ApprovalRefused,
    ChangeKind,
    DomainError,
    Grant,
    GrantChange,
    Level,
    ManagerSeat,
    ManagerSeatRefused,
    Status,
    new_application,
    taiwan_date,
)
from sync_service.domain import events as ev
from tests.unit.domain.test_domain_applications import received

TW = timezone(timedelta(hours=8))
AT = datetime(2025, 5, 2, 10, 0, tzinfo=TW)
TODAY = date(2025, 5, 2)
CODE, CAT = "0401180014", "CRC-COL"


def ready(type_, account, *, app_id=None, category=CAT, code=CODE, today=TODAY, **extra):
    """An application of `type_` with its originals and documents in, ready for a decision."""
    if type_ == "B":
        extra.setdefault("reason", "離職")
    app = new_application(
        catalogue=policies.load(),
        id=app_id or f"{type_}-{account}",
        type=type_,
        category=category,
        institution_code=code,
        institution_name="國立臺灣大學醫學院附設醫院",
        department="家庭醫學部",
        applicant_name="王小明",
        account=account,
        phone="0912-345-678",
        national_id="A123456789",
        email="wang@ntuh.gov.tw",
        **{"application_date": "2025-05-01", **extra},
        today=today,
    )
    received(app, app.required_documents)
    app.status = Status.ORIGINALS_RECEIVED
    return app


def test_levels_match_policies():
    """Covers: R-CAT-1"""
    assert tuple(level.value for level in Level) == policies.load().levels


# ---------------------------------------------------------------------------
# A and C on an empty seat


def test_a_on_an_empty_seat_grants_and_creates_the_account():
    """Covers: R-MGR-1, R-MGR-2"""
    seat = ManagerSeat(CODE, CAT)
    app = ready("A", "wang1234")
    changes = app.approve(seat, by="reviewer-lin", at=AT)
    assert changes == (GrantChange(ChangeKind.GRANT, CODE, CAT, "wang1234", app.id, create_account=True),)
    assert seat.manager == "wang1234" and seat.version == 1
    assert seat.holder(TODAY) == "wang1234"
    assert app.status is Status.APPROVED
    approved = app.events[-1]
    assert isinstance(approved, ev.ApplicationApproved)
    assert approved.changes == changes and approved.approved_by == "reviewer-lin" and approved.replacing is None


def test_c_on_an_empty_seat_grants_an_existing_account():
    """Covers: R-MGR-1, R-MGR-4"""
    seat = ManagerSeat(CODE, CAT)
    changes = ready("C", "chen01").approve(seat, by="reviewer-lin", at=AT)
    assert [(c.kind, c.account, c.create_account) for c in changes] == [(ChangeKind.GRANT, "chen01", False)]


# ---------------------------------------------------------------------------
# A and C on an occupied seat


@pytest.mark.parametrize("type_", ["A", "C"])
def test_second_manager_is_refused(type_):
    """Covers: R-MGR-1"""
    seat = ManagerSeat(CODE, CAT, manager="lin5678", version=3)
    app = ready(type_, "wang1234")
    with pytest.raises(ManagerSeatRefused) as e:
        app.approve(seat, by="reviewer-lin", at=AT)
    assert e.value.code == "manager_seat.taken"
    assert "僅能一位" in e.value.zh and "lin5678" in e.value.en
    # nothing changed on either side
    assert seat.manager == "lin5678" and seat.version == 3
    assert app.status is Status.ORIGINALS_RECEIVED and app.events == []


@pytest.mark.parametrize("type_,creates", [("A", True), ("C", False)])
def test_replacement_revokes_the_old_and_grants_the_new_in_one_decision(type_, creates):
    """Covers: R-MGR-1, R-MGR-3, R-AUD-1"""
    seat = ManagerSeat(CODE, CAT, manager="lin5678")
    app = ready(type_, "wang1234")
    changes = app.approve(seat, by="reviewer-lin", at=AT, replacing=" LIN5678 ")
    assert changes == (
        GrantChange(ChangeKind.REVOKE, CODE, CAT, "lin5678", app.id),
        GrantChange(ChangeKind.GRANT, CODE, CAT, "wang1234", app.id, create_account=creates),
    )
    assert seat.manager == "wang1234" and seat.version == 1
    assert app.replacing == "lin5678"
    assert app.events[-1].replacing == "lin5678" and app.events[-1].changes == changes


def test_replacing_someone_who_is_not_the_manager_is_refused():
    """Covers: R-MGR-1"""
    seat = ManagerSeat(CODE, CAT, manager="lin5678")
    with pytest.raises(ManagerSeatRefused) as e:
        ready("A", "wang1234").approve(seat, by="reviewer-lin", at=AT, replacing="chen01")
    assert e.value.code == "manager_seat.replacing_mismatch"
    assert seat.manager == "lin5678" and seat.version == 0


def test_replacing_on_an_empty_seat_is_refused_as_stale():
    """Covers: R-MGR-1"""
    seat = ManagerSeat(CODE, CAT)
    with pytest.raises(ManagerSeatRefused) as e:
        ready("C", "wang1234").approve(seat, by="reviewer-lin", at=AT, replacing="lin5678")
    assert e.value.code == "manager_seat.replacing_mismatch"
    assert "目前沒有管理者" in e.value.zh
    assert seat.manager is None


@pytest.mark.parametrize("type_", ["A", "C"])
def test_the_manager_cannot_be_appointed_again(type_):
    """Covers: R-MGR-1, R-MGR-4"""
    seat = ManagerSeat(CODE, CAT, manager="wang1234")
    with pytest.raises(ManagerSeatRefused) as e:
        ready(type_, "wang1234").approve(seat, by="reviewer-lin", at=AT)
    assert e.value.code == "manager_seat.already_manager"


# ---------------------------------------------------------------------------
# B and D


def test_b_revokes_the_manager_at_once():
    """Covers: R-MGR-3"""
    seat = ManagerSeat(CODE, CAT, manager="lin5678")
    app = ready("B", "lin5678")
    changes = app.approve(seat, by="reviewer-lin", at=AT)
    assert changes == (GrantChange(ChangeKind.REVOKE, CODE, CAT, "lin5678", app.id),)
    assert seat.manager is None and seat.holder(TODAY) is None


def test_b_with_a_past_effective_date_revokes_at_once():
    """Covers: R-MGR-3, R-MGR-6"""
    seat = ManagerSeat(CODE, CAT, manager="lin5678")
    changes = ready("B", "lin5678", effective_date="2025-04-20").approve(seat, by="reviewer-lin", at=AT)
    assert changes[0].effective_on is None
    assert seat.manager is None


def test_b_with_a_future_effective_date_keeps_the_seat_until_then():
    """Covers: R-MGR-1, R-MGR-3, R-MGR-6"""
    seat = ManagerSeat(CODE, CAT, manager="lin5678")
    app = ready("B", "lin5678", effective_date="2025-05-20")
    changes = app.approve(seat, by="reviewer-lin", at=AT)
    assert changes == (GrantChange(ChangeKind.REVOKE, CODE, CAT, "lin5678", app.id, effective_on=date(2025, 5, 20)),)
    assert seat.holder(date(2025, 5, 19)) == "lin5678"
    assert seat.holder(date(2025, 5, 20)) is None
    # before the date a successor would make two managers: refused unless replacing
    with pytest.raises(ManagerSeatRefused):
        ready("A", "wang1234").approve(seat, by="reviewer-lin", at=AT + timedelta(days=10))
    # on the date the seat is free: the successor is granted alone
    on_the_day = datetime(2025, 5, 20, 9, 0, tzinfo=TW)
    changes = ready("A", "wang1234").approve(seat, by="reviewer-lin", at=on_the_day)
    assert [c.kind for c in changes] == [ChangeKind.GRANT]
    assert seat.manager == "wang1234" and seat.leaving_on is None


def test_d_dated_ahead_keeps_the_manager_until_then():
    """Covers: R-MGR-5, R-MGR-6"""
    seat = ManagerSeat(CODE, CAT, manager="lin5678")
    app = ready("D", "lin5678", effective_date="2025-05-20")
    changes = app.approve(seat, by="reviewer-lin", at=AT)
    assert changes == (GrantChange(ChangeKind.DEMOTE, CODE, CAT, "lin5678", app.id, effective_on=date(2025, 5, 20)),)
    assert seat.holder(date(2025, 5, 19)) == "lin5678" and seat.holder(date(2025, 5, 20)) is None


@pytest.mark.parametrize("type_", ["A", "C"])
def test_an_appointment_dated_ahead_starts_on_its_date(type_):
    """Covers: R-MGR-1, R-MGR-6

    A and C take effect on approval, or on their date if later; a successor dated on the day
    the manager before leaves is no second manager, and both changes wait for the day."""
    seat = ManagerSeat(CODE, CAT, manager="lin5678", leaving_on=date(2025, 5, 20))
    app = ready(type_, "wang1234", effective_date="2025-05-20")
    changes = app.approve(seat, by="reviewer-lin", at=AT)
    assert [(c.kind, c.effective_on) for c in changes] == [(ChangeKind.GRANT, date(2025, 5, 20))]
    assert seat.manager == "wang1234"
    early = ManagerSeat(CODE, CAT, manager="lin5678", leaving_on=date(2025, 5, 20))
    with pytest.raises(ManagerSeatRefused):  # a day early would be two managers
        ready(type_, "wang1234", effective_date="2025-05-19").approve(early, by="reviewer-lin", at=AT)
    replaced = ready(type_, "wang1234", effective_date="2025-05-19").approve(
        early, by="reviewer-lin", at=AT, replacing="lin5678"
    )
    assert [(c.kind, c.effective_on) for c in replaced] == [
        (ChangeKind.REVOKE, date(2025, 5, 19)),
        (ChangeKind.GRANT, date(2025, 5, 19)),
    ]
    past = ready(type_, "chen0001", effective_date="2025-04-01").approve(
        ManagerSeat(CODE, CAT), by="reviewer-lin", at=AT
    )
    assert past[0].effective_on is None  # a date gone by: on approval


def test_a_replacement_before_the_departure_date_revokes_now():
    """Covers: R-MGR-1, R-MGR-6"""
    seat = ManagerSeat(CODE, CAT, manager="lin5678", leaving_on=date(2025, 5, 20))
    changes = ready("C", "wang1234").approve(seat, by="reviewer-lin", at=AT, replacing="lin5678")
    assert [(c.kind, c.account, c.effective_on) for c in changes] == [
        (ChangeKind.REVOKE, "lin5678", None),
        (ChangeKind.GRANT, "wang1234", None),
    ]
    assert seat.leaving_on is None


def test_d_demotes_the_manager_to_user():
    """Covers: R-MGR-5"""
    seat = ManagerSeat(CODE, CAT, manager="lin5678")
    app = ready("D", "lin5678")
    changes = app.approve(seat, by="reviewer-lin", at=AT)
    assert changes == (GrantChange(ChangeKind.DEMOTE, CODE, CAT, "lin5678", app.id),)
    assert seat.manager is None


@pytest.mark.parametrize("type_", ["B", "D"])
@pytest.mark.parametrize("manager", [None, "chen01"])
def test_b_and_d_only_for_the_manager(type_, manager):
    """Covers: R-MGR-3, R-MGR-5"""
    seat = ManagerSeat(CODE, CAT, manager=manager)
    app = ready(type_, "lin5678")
    with pytest.raises(ManagerSeatRefused) as e:
        app.approve(seat, by="reviewer-lin", at=AT)
    assert e.value.code == "manager_seat.not_manager"
    assert seat.manager == manager and seat.version == 0
    assert app.status is Status.ORIGINALS_RECEIVED


@pytest.mark.parametrize("type_", ["B", "D"])
def test_b_and_d_cannot_replace(type_):
    """Covers: R-MGR-1"""
    seat = ManagerSeat(CODE, CAT, manager="lin5678")
    with pytest.raises(ManagerSeatRefused) as e:
        ready(type_, "lin5678").approve(seat, by="reviewer-lin", at=AT, replacing="lin5678")
    assert e.value.code == "manager_seat.replacing_not_applicable"
    assert seat.manager == "lin5678"


# ---------------------------------------------------------------------------
# One decision: all or nothing


def test_the_seat_must_be_the_applications_own():
    """Covers: R-MGR-1, R-USR-4"""
    for seat in (ManagerSeat("0101090517", CAT), ManagerSeat(CODE, "GAS-LAB")):
        app = ready("A", "wang1234")
        with pytest.raises(DomainError) as e:
            app.approve(seat, by="reviewer-lin", at=AT)
        assert e.value.code == "manager_seat.wrong_seat"
        assert seat.manager is None and app.status is Status.ORIGINALS_RECEIVED


def test_an_unapprovable_application_leaves_the_seat_alone():
    """Covers: R-MGR-1, R-DOC-4"""
    seat = ManagerSeat(CODE, CAT)
    app = ready("A", "wang1234")
    app.status = Status.SUBMITTED
    with pytest.raises(ApprovalRefused):
        app.approve(seat, by="reviewer-lin", at=AT)
    app.status = Status.ORIGINALS_RECEIVED
    del app.receipts["unit-affidavit"]
    with pytest.raises(ApprovalRefused):
        app.approve(seat, by="reviewer-lin", at=AT)
    with pytest.raises(DomainError):
        ready("A", "wang1234").approve(seat, by="", at=AT)
    assert seat.manager is None and seat.version == 0


def test_a_seat_decision_uses_the_taiwanese_date():
    """Covers: R-MGR-6"""
    # 16:30 UTC on the 19th is 00:30 on the 20th in Taipei: the departure day.
    late = datetime(2025, 5, 19, 16, 30, tzinfo=UTC)
    assert taiwan_date(late) == date(2025, 5, 20)
    seat = ManagerSeat(CODE, CAT, manager="lin5678", leaving_on=date(2025, 5, 20))
    changes = ready("A", "wang1234").approve(seat, by="reviewer-lin", at=late)
    assert [c.kind for c in changes] == [ChangeKind.GRANT]


def test_grant_change_identity_and_its_grants():
    """A change names its grants as values (no rule id: the worker's vocabulary)."""
    change = GrantChange(ChangeKind.GRANT, CODE, CAT, "wang1234", "app-7", create_account=True)
    assert change.grant() == Grant(CODE, CAT, Level.MANAGER)
    assert change.grant(Level.USER) == Grant(CODE, CAT, Level.USER)
    assert Grant(CODE, CAT, "user").level is Level.USER  # type: ignore[arg-type]  # a string from storage
    assert change.key == "app-7:grant:0401180014:CRC-COL:wang1234"


# ---------------------------------------------------------------------------
# The invariant over any sequence of decisions


def due(pending: list[GrantChange], managers: set[str], today: date, seat: ManagerSeat) -> None:
    """What the worker makes of the outbox by `today`: every due change, in the order decided
    (a change dated ahead waits without holding back the ones after it, as the claim does); a
    departure dated ahead whose seat names the account again is superseded, as the worker does."""
    for change in [c for c in pending if c.effective_on is None or c.effective_on <= today]:
        if change.kind is ChangeKind.GRANT:
            managers.add(change.account)
        elif not (change.effective_on and seat.holder(today) == change.account):
            managers.discard(change.account)
        pending.remove(change)


@pytest.mark.parametrize("seed", range(100))
def test_never_two_managers_whatever_is_approved(seed):
    """Covers: R-MGR-1, R-MGR-6"""
    rng = random.Random(seed)
    seat = ManagerSeat(CODE, CAT)
    managers: set[str] = set()
    pending: list[GrantChange] = []
    accounts = ["wang1234", "lin5678", "chen0001", "huang002"]
    at = AT
    for step in range(60):
        at += timedelta(days=rng.choice([0, 1, 3]))
        today = taiwan_date(at)
        due(pending, managers, today, seat)
        assert len(managers) <= 1
        type_ = rng.choice("ABCD")
        account = rng.choice(accounts)
        extra = {}
        if rng.random() < 0.5:  # every type may carry a date (R-MGR-6)
            extra["effective_date"] = (today + timedelta(days=rng.choice([-2, 5, 20]))).isoformat()
        app = ready(type_, account, app_id=f"app-{step}", application_date=today.isoformat(), today=today, **extra)
        replacing = rng.choice([None, seat.holder(today), rng.choice(accounts)]) if type_ in "AC" else None
        before = (seat.manager, seat.leaving_on, seat.version)
        try:
            changes = app.approve(seat, by="reviewer-lin", at=at, replacing=replacing)
        except DomainError:
            assert (seat.manager, seat.leaving_on, seat.version) == before
            assert app.status is Status.ORIGINALS_RECEIVED
            continue
        pending += changes
        due(pending, managers, today, seat)
        assert len(managers) <= 1
        assert seat.version == before[2] + 1
    due(pending, managers, taiwan_date(at) + timedelta(days=400), seat)  # everything decided has come due
    assert managers == ({seat.holder(taiwan_date(at) + timedelta(days=400))} - {None})
