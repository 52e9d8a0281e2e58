"""Password reminders (R-PWD-2) and access reviews against the run's real Keycloak
(credential createdDate, grant groups, sessions) and real SMTP to the sink. The
clock is injected: the jobs are run with the `now` of a day weeks ahead."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

import policies
from stack.mailsink import body_text
from sync_service.adapters.tables import audit_log
from sync_service.domain import Grant, Level, taiwan_date
from sync_service.domain.reminders import review_round
from sync_service.services.reminders import AccessReviews, PasswordReminders, answer


def _password_set_at(admin, user_id: str) -> datetime:
    [credential] = [c for c in admin.get_credentials(user_id) if c["type"] == "password"]
    return datetime.fromtimestamp(credential["createdDate"] / 1000, UTC)


def _reminder_time(set_at: datetime) -> datetime:
    rules = policies.load().password
    return set_at + timedelta(days=rules.change_every_days - policies.reminders().password_days_before, minutes=1)


def _jobs(wiring):
    return {job.name: job for job in wiring.scheduled_jobs()}


def test_one_reminder_per_password_and_a_new_password_starts_a_new_cycle(wiring, make_user, admin, mail):
    """Covers: R-PWD-2"""
    person = make_user()
    job: PasswordReminders = _jobs(wiring)["password-reminders"]
    set_at = _password_set_at(admin, person["id"])

    job.run(_reminder_time(set_at) - timedelta(minutes=2))  # not yet
    assert mail.messages(person["email"]) == []

    job.run(_reminder_time(set_at))
    [reminder] = mail.wait_for(person["email"])
    text = body_text(reminder)
    due = (set_at + timedelta(days=60)).astimezone(timezone(timedelta(hours=8))).date().isoformat()
    assert "密碼" in text and "到期" in text and due in text  # zh-Hant first
    assert "Passwords of the Cancer Screening" in text and f"falls due on {due}" in text  # English beside it
    assert text.index("密碼") < text.index("Passwords")
    assert f"/realms/{wiring.settings.realm}/account/" in text and "/realms/master" not in text

    job.run(_reminder_time(set_at) + timedelta(days=1))  # the same cycle: no second mail
    job.run(_reminder_time(set_at) + timedelta(days=30))
    assert len(mail.messages(person["email"])) == 1

    admin.set_user_password(person["id"], "Kq" + person["password"][2:][::-1], temporary=False)
    new_set_at = _password_set_at(admin, person["id"])
    assert new_set_at > set_at
    job.run(_reminder_time(new_set_at) - timedelta(minutes=2))  # the new cycle's reminder is not due yet
    assert len(mail.messages(person["email"])) == 1
    job.run(_reminder_time(new_set_at))
    mail.wait_for(person["email"], count=2)
    job.run(_reminder_time(new_set_at) + timedelta(hours=1))
    assert len(mail.messages(person["email"])) == 2


def test_an_access_review_end_to_end(wiring, make_user, admin, mail, institution, service_tokens):
    """Covers: R-USR-2"""
    from sync_service.adapters.keycloak_groups import ensure_grant_group

    category = "CRC-COL"
    manager, stays, leaves = make_user(), make_user(), make_user()
    for person, level in ((manager, Level.MANAGER), (stays, Level.USER), (leaves, Level.USER)):
        admin.group_user_add(person["id"], ensure_grant_group(admin, institution, category, level)["id"])
    rules = policies.reminders()
    # A day in a future round, so no earlier test's review is in the way.
    opening = datetime(2031, 1, 1, 2, tzinfo=UTC)
    rnd = review_round(opening, rules.review_every_months, rules.review_answer_days, rules.review_reminder_days_before)
    job: AccessReviews = _jobs(wiring)["access-reviews"]
    directory = wiring.directory_factory()

    job.run(opening)
    [asked] = mail.wait_for(manager["email"])
    text = body_text(asked)
    assert institution in text and "請於" in text and "Please confirm" in text
    assert "/access-reviews" in text and rnd.last_day.isoformat() in text

    with wiring.uow() as uow:
        [review] = [r for r in uow.access_reviews.of_round(rnd.key) if r.institution_code == institution]
        assert {i.username for i in uow.access_reviews.items(review.id)} == {stays["username"], leaves["username"]}
    job.run(opening + timedelta(days=1))  # nothing new: one review, one mail
    assert len(mail.messages(manager["email"])) == 1

    # Someone who does not manage the pair (here: one of its users) cannot answer for it.
    with pytest.raises(LookupError):
        answer(wiring.uow(), review.id, {leaves["id"]}, directory.grants_of(leaves["id"]), leaves["username"], opening)
    # The manager confirms one user only (the page's use case, with the manager's real grants).
    grants = directory.grants_of(manager["id"])
    answer(wiring.uow(), review.id, {stays["id"]}, grants, manager["username"], opening + timedelta(days=2))
    # A review answered gets no reminder; one the manager has not answered does (the next test).
    job.run(rnd.remind_at + timedelta(minutes=1))
    assert len(mail.messages(manager["email"])) == 1
    job.run(rnd.deadline - timedelta(minutes=1))
    user_grant = Grant(institution, category, Level.USER)
    assert user_grant in directory.grants_of(leaves["id"])  # not before the deadline

    assert service_tokens.for_service(leaves)  # signed in: a session the removal must end
    assert admin.get_sessions(leaves["id"]) != []
    job.run(rnd.deadline + timedelta(minutes=1))
    assert user_grant in directory.grants_of(stays["id"])
    assert user_grant not in directory.grants_of(leaves["id"])
    assert admin.get_sessions(leaves["id"]) == []
    with wiring.engine.connect() as conn:
        removed = [
            json.loads(r.payload)
            for r in conn.execute(select(audit_log.c.payload).where(audit_log.c.action == "access-review.removed"))
        ]
    # The chain names the person by their pseudonym (decision 0095), never the account itself.
    with wiring.uow() as uow:
        leaves_pseudonym = uow.pseudonym_of("user", leaves["username"], rnd.deadline)
    # (The round is the whole session realm's: other tests' pairs were reviewed and closed too.)
    assert [e["account"] for e in removed if e["institution_code"] == institution] == [leaves_pseudonym]


def test_an_unanswered_review_is_reminded_before_anyone_loses_the_grant(wiring, make_user, admin, mail, institution):
    """Covers: R-USR-2, R-ACC-2

    The review lapses unanswered: its users lose the grant; an account with nothing left is
    closed, one with a grant elsewhere (a pair without a manager: not reviewed) stays open."""
    from sync_service.adapters.keycloak_groups import ensure_grant_group

    from .test_provisioning import closed_mark

    category = "GAS-COL"
    manager, user, elsewhere = make_user(), make_user(), make_user()
    admin.group_user_add(manager["id"], ensure_grant_group(admin, institution, category, Level.MANAGER)["id"])
    for person in (user, elsewhere):
        admin.group_user_add(person["id"], ensure_grant_group(admin, institution, category, Level.USER)["id"])
    admin.group_user_add(elsewhere["id"], ensure_grant_group(admin, institution, "GAS-LAB", Level.USER)["id"])
    rules = policies.reminders()
    opening = datetime(2031, 4, 1, 2, tzinfo=UTC)
    rnd = review_round(opening, rules.review_every_months, rules.review_answer_days, rules.review_reminder_days_before)
    job = _jobs(wiring)["access-reviews"]
    directory = wiring.directory_factory()
    grant = Grant(institution, category, Level.USER)

    job.run(opening)
    mail.wait_for(manager["email"])
    # The worker was down through the reminder days: at the deadline the reminder goes first,
    # and the grant stays for the reminder's days.
    job.run(rnd.deadline + timedelta(minutes=1))
    [_, reminder] = mail.wait_for(manager["email"], count=2)
    assert "提醒" in body_text(reminder) and "A reminder" in body_text(reminder)
    assert grant in directory.grants_of(user["id"])
    closes = rnd.deadline + timedelta(days=rules.review_reminder_days_before, minutes=2)
    job.run(closes)
    assert grant not in directory.grants_of(user["id"])
    assert closed_mark(admin, user["id"]) == (False, [taiwan_date(closes).isoformat()], ["last-grant-ended"])
    assert directory.grants_of(elsewhere["id"]) == {Grant(institution, "GAS-LAB", Level.USER)}
    assert closed_mark(admin, elsewhere["id"]) == (True, [], [])
    assert len(mail.messages(manager["email"])) == 2
