"""The reminder and review jobs on real SQL storage with a fake Keycloak and mailbox:
two workers at once do each mail and each removal once; a failed mail is sent next run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import policies
from sync_service.domain import Grant, Level
from sync_service.domain.reminders import review_round
from sync_service.services.ports import MailUnavailable
from sync_service.services.reminders import AccessReviews, AccountRead, PasswordReminders

NOW = datetime(2027, 1, 1, 3, tzinfo=UTC)


def _person(kc, username: str, set_at=None, grants=()) -> str:
    account_id = f"id-{username}"
    kc.accounts[account_id] = {
        "username": username,
        "email": f"{username}@clinic.example.tw",
        "password_set_at": set_at,
        "attributes": {},
    }
    for grant in grants:
        kc.add_member(account_id, grant)
    return account_id


def _two_workers(wiring, fake_keycloak, mailer, cls, *extra):
    return [cls(wiring.uow, AccountRead(fake_keycloak.directory), *extra) for _ in range(2)]


def test_two_workers_send_one_reminder_per_password(wiring, fake_keycloak, mailer):
    """Covers: R-PWD-2"""
    set_at = NOW - timedelta(days=54)
    _person(fake_keycloak, "due1", set_at)
    _person(fake_keycloak, "fresh1", NOW - timedelta(days=1))
    a, b = (
        PasswordReminders(wiring.uow, AccountRead(fake_keycloak.directory), mailer, "https://kc/account/")
        for _ in range(2)
    )
    a.run(NOW), b.run(NOW), a.run(NOW + timedelta(hours=1))
    assert [m.to for m in mailer.sent] == ["due1@clinic.example.tw"]


def test_a_reminder_the_mail_server_refused_goes_out_next_run(wiring, fake_keycloak, mailer):
    """Covers: R-PWD-2"""
    _person(fake_keycloak, "due2", NOW - timedelta(days=54))
    job = PasswordReminders(wiring.uow, AccountRead(fake_keycloak.directory), mailer, "https://kc/account/")

    class Refusing:
        def send(self, mail):
            raise MailUnavailable("down")

    job.mailer = Refusing()
    try:
        job.run(NOW)
    except MailUnavailable:
        pass
    job.mailer = mailer
    job.run(NOW + timedelta(hours=1))
    assert [m.to for m in mailer.sent] == ["due2@clinic.example.tw"]


def test_two_workers_open_remind_and_close_a_review_once(wiring, fake_keycloak, mailer):
    rules = policies.reminders()
    rnd = review_round(NOW, rules.review_every_months, rules.review_answer_days, rules.review_reminder_days_before)
    user = Grant("0000000001", "CRC-COL", Level.USER)
    _person(fake_keycloak, "mgr", grants=[Grant("0000000001", "CRC-COL", Level.MANAGER)])
    gone = _person(fake_keycloak, "gone", grants=[user])
    jobs = [
        AccessReviews(
            wiring.uow,
            AccountRead(fake_keycloak.directory),
            fake_keycloak.directory,
            mailer,
            "https://sync/access-reviews",
        )
        for _ in range(2)
    ]
    for at in (NOW, rnd.remind_at + timedelta(minutes=1), rnd.deadline + timedelta(minutes=1)):
        for job in jobs:
            job.run(at)
    assert [m.subject.split(" / ")[1].split(" ")[0] for m in mailer.sent] == ["Please", "Reminder:"]
    assert (gone, user) not in fake_keycloak.members
    assert fake_keycloak.logouts == [gone]
