"""The `user-departures` job on fakes: what is due is worked out from the dates
it finds (so a missed run catches up), user-level grants only, the date cleared last."""

from datetime import date, datetime, timedelta, timezone

import pytest

from sync_service.domain import Grant, Level
from sync_service.services.departures import UsersLeaving
from sync_service.services.ports import AuditEntry, DirectoryUnavailable, Leaving

from .fake_directory import FakeKeycloak

TW = timezone(timedelta(hours=8))


class FakeDates:
    def __init__(self):
        self.dates: dict[str, tuple[str, date | None]] = {}  # account id -> (username, date)

    def leaving(self):
        return [Leaving(i, name, d) for i, (name, d) in self.dates.items()]

    def clear(self, account_id, departure_date):
        if self.dates.get(account_id, (None, None))[1] == departure_date:
            del self.dates[account_id]


class NoSuspensions:
    def forget_grants(self, account_id, level):
        return 0


class FakeUow:
    def __init__(self, log):
        self.log, self.pending = log, []
        self.suspensions = NoSuspensions()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.pending.clear()

    def record(self, entry):
        self.pending.append(entry)

    def commit(self):
        self.log.extend(self.pending)
        self.pending.clear()


def setup():
    kc, dates, audit = FakeKeycloak(), FakeDates(), list[AuditEntry]()
    staff = kc.directory().create_accounts([_account("staff1")])["staff1"]
    users, managers = Grant("0123456789", "CRC-COL", Level.USER), Grant("0987654321", "CRC-COL", Level.MANAGER)
    kc.add_member(staff, users)
    kc.add_member(staff, managers)
    job = UsersLeaving(lambda: dates, kc.directory, lambda: FakeUow(audit))  # type: ignore[arg-type,return-value]  # records only
    return kc, dates, audit, staff, users, managers, job


def _account(name):
    from sync_service.services.ports import NewAccount

    return NewAccount(
        username=name,
        email=f"{name}@clinic.example.tw",
        first_name="怡君",
        last_name="陳",
        attributes={},
        password="x",
        required_actions=(),
    )


def test_nothing_happens_before_the_date_and_everything_at_00_00_taipei():
    """Covers: R-USR-2"""
    kc, dates, audit, staff, users, managers, job = setup()
    dates.dates[staff] = ("staff1", date(2026, 12, 1))
    assert job.run(datetime(2026, 11, 30, 23, 59, 59, tzinfo=TW)) == "0 users left on their departure date"
    assert (staff, users) in kc.members and kc.logouts == []
    assert job.run(datetime(2026, 12, 1, 0, 0, tzinfo=TW)) == "1 users left on their departure date"
    assert (staff, users) not in kc.members
    assert (staff, managers) in kc.members  # a manager leaves through application B, not this job
    assert kc.logouts == [staff] and dates.dates == {}
    assert [(e.action, e.details["grants"]) for e in audit] == [
        ("keycloak.user_departure", ["0123456789/CRC-COL/user"])
    ]


def test_a_date_passed_while_no_worker_ran_is_caught_up_once():
    """Covers: R-USR-2"""
    kc, dates, audit, staff, users, _, job = setup()
    dates.dates[staff] = ("staff1", date(2026, 12, 1))
    job.run(datetime(2026, 12, 9, 10, 0, tzinfo=TW))
    job.run(datetime(2026, 12, 9, 10, 1, tzinfo=TW))
    assert (staff, users) not in kc.members and len(audit) == 1


def test_a_run_that_dies_half_way_is_finished_by_the_next():
    """Covers: R-USR-2"""
    kc, dates, _audit, staff, users, _, job = setup()
    dates.dates[staff] = ("staff1", date(2026, 12, 1))
    kc.fail_after = 2  # Keycloak goes away after reading the grants and leaving the group
    with pytest.raises(DirectoryUnavailable):
        job.run(datetime(2026, 12, 1, 9, 0, tzinfo=TW))
    assert staff in dates.dates  # the date stays until everything is done
    kc.fail_after = None
    job.run(datetime(2026, 12, 1, 9, 1, tzinfo=TW))
    assert (staff, users) not in kc.members and kc.logouts == [staff] and dates.dates == {}


def test_a_value_that_is_no_date_is_left_alone():
    kc, dates, _audit, staff, users, _, job = setup()
    dates.dates[staff] = ("staff1", None)
    assert job.run(datetime(2026, 12, 1, 9, 0, tzinfo=TW)) == "0 users left on their departure date"
    assert (staff, users) in kc.members
