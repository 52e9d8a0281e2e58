"""The reminder and review rules as pure date arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from sync_service.domain import Grant, Level
from sync_service.domain.reminders import PasswordCycle, review_round
from sync_service.services.ports import AccessReview, DirectoryAccount
from sync_service.services.reminders import closes_at, due_reminders, reviews_to_open

UTC = UTC


def account(id_, set_at=None, grants=(), email="a@clinic.example.tw", enabled=True):
    return DirectoryAccount(id_, f"user{id_}", email, enabled, set_at, frozenset(grants))


def test_a_reminder_is_due_from_its_day_on_and_not_again_for_the_same_password():
    """Covers: R-PWD-2"""
    set_at = datetime(2026, 1, 1, tzinfo=UTC)
    cycle = PasswordCycle("a", set_at, 60)
    assert cycle.remind_at(7) == set_at + timedelta(days=53)
    people = [
        account("a", set_at),
        account("b", None),
        account("c", set_at, enabled=False),
        account("d", set_at, email=None),
    ]
    assert [a.id for a, _ in due_reminders(people, set(), set_at + timedelta(days=53), 60, 7)] == ["a"]
    assert due_reminders(people, set(), set_at + timedelta(days=52), 60, 7) == []
    assert due_reminders(people, {("a", set_at)}, set_at + timedelta(days=59), 60, 7) == []


def test_rounds_start_each_quarter_in_taiwan_time():
    # 31 December 17:00 UTC is already 1 January in Taiwan.
    assert review_round(datetime(2026, 12, 31, 17, tzinfo=UTC), 3, 14, 3).starts_on == date(2027, 1, 1)
    rnd = review_round(datetime(2026, 11, 29, tzinfo=UTC), 3, 14, 3)
    assert rnd.key == "2026-10-01" and rnd.last_day == date(2026, 10, 14)
    assert rnd.remind_at == rnd.deadline - timedelta(days=3)


def test_a_review_opened_late_still_gives_the_whole_answering_time():
    rnd = review_round(datetime(2026, 11, 29, tzinfo=UTC), 3, 14, 3)
    late = datetime(2026, 11, 29, tzinfo=UTC)
    # Opened on 29 November (Taiwan): 14 answering days, 29 November to 12 December.
    assert rnd.deadline_if_opened_at(late) == datetime(2026, 12, 13, tzinfo=timezone(timedelta(hours=8)))
    assert rnd.deadline_if_opened_at(rnd.opens_at) == rnd.deadline


def test_one_review_per_pair_with_users_and_a_manager():
    rnd = review_round(datetime(2026, 10, 1, tzinfo=UTC), 3, 14, 3)
    m, u = Grant("0123456789", "CRC-COL", Level.MANAGER), Grant("0123456789", "CRC-COL", Level.USER)
    lonely = Grant("9999999999", "CRC-COL", Level.USER)  # users but no manager to ask
    opened = reviews_to_open(
        [account("m", grants=[m]), account("u1", grants=[u]), account("u2", grants=[u]), account("x", grants=[lonely])],
        rnd,
        rnd.opens_at,
    )
    [(review, items)] = opened
    assert (review.institution_code, review.manager_account_id) == ("0123456789", "m")
    assert sorted(i.account_id for i in items) == ["u1", "u2"]


def test_nobody_loses_the_grant_before_the_reminder_had_its_days():
    deadline = datetime(2026, 10, 15, tzinfo=UTC)
    review = AccessReview("r", "2026-10-01", "0123456789", "CRC-COL", "m", "manager", deadline, deadline)
    assert closes_at(review, 3) is None  # unanswered, not reminded: remind first
    late = deadline + timedelta(days=1)
    assert closes_at(AccessReview(**{**review.__dict__, "reminded_at": late}), 3) == late + timedelta(days=3)
    assert closes_at(AccessReview(**{**review.__dict__, "answered_at": late}), 3) == deadline
