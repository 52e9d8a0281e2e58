"""Suspension (停權, R-SUS-1; issue 22 point 2) through the use cases, against the fake directory:
every grant under it stops at once without anything deleted, the worker and the reconciler keep
their hands off, lifting gives exactly the same back; a person's account is closed with its own key."""

from __future__ import annotations

from datetime import date

import pytest

from sync_service.domain import FormInvalid, Grant, Level
from sync_service.services import applications as use_cases
from sync_service.services import suspensions
from sync_service.services.errors import Forbidden
from sync_service.services.reconcile import reconcile
from tests.support.personal_data import national_id_of
from tests.support.sync import APPLICANT, REVIEWER, VENDOR, new_account_name, ready_application

CODE, OTHER = "0401180014", "0501110514"


def _institution(fake_keycloak):
    """A manager and two users at CODE (one also a user at OTHER)."""
    kc = fake_keycloak
    for name in ("mgr1", "staff1", "staff2"):
        kc.add_account(f"id-{name}", name, f"{name}@clinic.example.tw", national_id_of(name))
    kc.add_member("id-mgr1", Grant(CODE, "CRC-COL", Level.MANAGER))
    kc.add_member("id-staff1", Grant(CODE, "CRC-COL", Level.USER))
    kc.add_member("id-staff2", Grant(CODE, "HPV-COL", Level.USER))
    kc.add_member("id-staff2", Grant(OTHER, "CRC-COL", Level.USER))
    return {(a, g) for a, g in kc.members}


def _suspend(wiring, fake_keycloak, mailer, **form):
    values = {
        "scope": "institution",
        "institution_code": CODE,
        "reason": "違反切結書第三點",
        "reference": "國健癌字第1150000001號",
    }
    return suspensions.suspend(wiring.uow(), fake_keycloak.directory(), mailer, VENDOR, {**values, **form})


def test_an_institution_suspended_and_lifted_gets_exactly_its_grants_back(wiring, fake_keycloak, mailer):
    """Covers: R-SUS-1, R-VEN-1"""
    before = _institution(fake_keycloak)
    fake_keycloak.institution_names[CODE] = "宜蘭縣大同鄉衛生所"
    s = _suspend(wiring, fake_keycloak, mailer)
    assert {(a, g) for a, g in fake_keycloak.members} == {("id-staff2", Grant(OTHER, "CRC-COL", Level.USER))}
    assert set(fake_keycloak.logouts) == {"id-mgr1", "id-staff1", "id-staff2"}
    assert set(fake_keycloak.accounts) == {"id-mgr1", "id-staff1", "id-staff2"}  # nothing deleted
    [notice] = mailer.to("mgr1@clinic.example.tw")
    assert "停權" in notice.subject and "國健癌字第1150000001號" in notice.body
    # Named as every mail names an institution: its name beside its code, zh-Hant and English.
    assert f"宜蘭縣大同鄉衛生所（{CODE}）" in notice.subject and f"宜蘭縣大同鄉衛生所 ({CODE})" in notice.body
    with wiring.uow() as uow:
        assert [n.id for n in uow.suspensions.notices_for("MGR1")] == [s.id]
        assert uow.suspensions.notices_for("staff1") == []  # users are not managers: no notice for them

    lifted = suspensions.lift(wiring.uow(), fake_keycloak.directory(), mailer, REVIEWER, s.id, "已改善")
    assert {(a, g) for a, g in fake_keycloak.members} == before
    assert lifted.lifted_by == REVIEWER.username and len(mailer.to("mgr1@clinic.example.tw")) == 2
    with wiring.uow() as uow:
        trail = [
            e for e in uow.audit_rows(s.suspended_at, lifted.lifted_at.replace(year=2100)) if "suspension" in e.action
        ]
        assert [e.action for e in trail] == ["suspension.suspended", "suspension.lifted"]
        assert uow.suspensions.notices_for("mgr1") == []
    with pytest.raises(Exception):
        suspensions.lift(wiring.uow(), fake_keycloak.directory(), mailer, REVIEWER, s.id, "again")


def test_while_suspended_the_worker_and_the_reconciler_give_nothing_back(wiring, worker, fake_keycloak, mailer):
    """Covers: R-SUS-1, R-MGR-1"""
    _institution(fake_keycloak)
    account = new_account_name()
    fake_keycloak.add_account("id-new", account, f"{account}@clinic.example.tw", national_id_of(account))
    with wiring.uow() as uow:  # the seat on record: mgr1 manages CRC-COL
        from sync_service.domain import ManagerSeat

        uow.seats.save(ManagerSeat(CODE, "CRC-COL", manager="mgr1", version=1), loaded_version=0, application_id=None)
        uow.commit()
    s = _suspend(wiring, fake_keycloak, mailer)
    reference = ready_application(wiring, "C", CODE, account, category="HPV-COL")
    use_cases.approve(wiring.uow(), reference, caller=REVIEWER)
    assert worker.run_until_idle().done == 0  # held: the institution is suspended
    assert reconcile(wiring.uow, fake_keycloak.directory()) == []  # mgr1 is not put back
    assert fake_keycloak.managers_of(CODE, "CRC-COL") == set()
    suspensions.lift(wiring.uow(), fake_keycloak.directory(), mailer, VENDOR, s.id, "已改善")
    outcome = worker.run_until_idle()
    with wiring.uow() as uow:
        assert outcome.done == 1, uow.applications.get(reference).failure_reason  # then the decision goes through
    assert fake_keycloak.managers_of(CODE, "HPV-COL") == {account}
    assert fake_keycloak.managers_of(CODE, "CRC-COL") == {"mgr1"}


def test_a_person_suspended_is_closed_with_its_own_key_and_given_back_as_they_were(wiring, fake_keycloak, mailer):
    """Covers: R-SUS-1, R-ACC-2"""
    before = _institution(fake_keycloak)
    kc = fake_keycloak
    s = suspensions.suspend(
        wiring.uow(),
        kc.directory(),
        mailer,
        REVIEWER,
        {"scope": "person", "account": "staff2", "reason": "帳號借他人使用", "reference": "案號 115-01"},
    )
    a = kc.accounts["id-staff2"]
    assert a["enabled"] is False and a["closed"][1] == "suspended" and "id-staff2" in kc.logouts
    # Every grant held aside: no manager's console holds the person, no token carries a grant.
    assert not any(account == "id-staff2" for account, _ in kc.members)
    suspensions.lift(wiring.uow(), kc.directory(), mailer, REVIEWER, s.id, "已查明")
    assert a["enabled"] is True and not a.get("closed")
    assert {(x, g) for x, g in kc.members} == before

    kc.directory().close_account("id-mgr1", date(2026, 1, 5), "last-grant-ended")  # closed before
    s = suspensions.suspend(
        wiring.uow(),
        kc.directory(),
        mailer,
        VENDOR,
        {"scope": "person", "account": "mgr1", "reason": "x", "reference": "y"},
    )
    assert kc.accounts["id-mgr1"]["closed"][1] == "suspended"
    assert not kc.directory().reopen_account("id-mgr1", "last-grant-ended")  # a later grant does not open it
    suspensions.lift(wiring.uow(), kc.directory(), mailer, VENDOR, s.id, "已查明")
    assert kc.accounts["id-mgr1"]["closed"] == ("2026-01-05", "last-grant-ended")
    assert kc.accounts["id-mgr1"]["enabled"] is False


def test_the_managers_of_a_suspended_persons_pairs_are_told_by_mail(wiring, fake_keycloak, mailer):
    """The person drops out of their manager's list: the manager is told who, where and why, and
    told again on the lifting; nobody else is mailed (the person's other pairs have no manager).

    Covers: R-SUS-1"""
    _institution(fake_keycloak)
    kc = fake_keycloak
    kc.institution_names[CODE] = "宜蘭縣大同鄉衛生所"
    form = {"scope": "person", "reason": "帳號借他人使用", "reference": "案號 115-01"}
    s = suspensions.suspend(wiring.uow(), kc.directory(), mailer, REVIEWER, {**form, "account": "staff1"})
    [notice] = mailer.to("mgr1@clinic.example.tw")
    assert "停權通知" in notice.subject and "staff1" in notice.subject
    assert f"宜蘭縣大同鄉衛生所（{CODE}）・大腸癌" in notice.body and "帳號借他人使用" in notice.body
    assert f"宜蘭縣大同鄉衛生所 ({CODE}), Colorectal" in notice.body and "案號 115-01" in notice.body
    assert [m.to for m in mailer.sent] == ["mgr1@clinic.example.tw"]
    suspensions.lift(wiring.uow(), kc.directory(), mailer, REVIEWER, s.id, "已查明")
    assert "解除停權" in mailer.to("mgr1@clinic.example.tw")[1].subject

    suspensions.suspend(wiring.uow(), kc.directory(), mailer, REVIEWER, {**form, "account": "staff2"})
    assert len(mailer.sent) == 2  # staff2's pairs have no manager: nobody to tell


def test_a_person_left_with_nothing_by_an_institutions_suspension_is_closed_for_it_and_opened_on_lifting(
    wiring, fake_keycloak, mailer
):
    """Covers: R-SUS-1, R-ACC-2"""
    _institution(fake_keycloak)
    kc = fake_keycloak
    s = _suspend(wiring, kc, mailer)
    assert kc.accounts["id-staff1"]["closed"][1] == "suspended"  # nothing left: the sign-in page says why
    assert kc.accounts["id-staff2"].get("enabled", True) is True  # still a user at OTHER
    suspensions.lift(wiring.uow(), kc.directory(), mailer, VENDOR, s.id, "已改善")
    assert kc.accounts["id-staff1"]["enabled"] is True and not kc.accounts["id-staff1"].get("closed")


def test_a_last_grant_ending_during_a_suspension_closes_the_account_on_lifting(wiring, fake_keycloak, mailer):
    """Covers: R-SUS-1, R-ACC-2"""
    _institution(fake_keycloak)
    kc = fake_keycloak
    s = _suspend(wiring, kc, mailer)
    with wiring.uow() as uow:  # staff1's departure date came while suspended (job user-departures)
        assert uow.suspensions.forget_grants("id-staff1", Level.USER) == 1
        assert uow.suspensions.forget_grant("id-staff2", Grant(CODE, "HPV-COL", Level.USER)) == 1  # a dated ending
        uow.commit()
    suspensions.lift(wiring.uow(), kc.directory(), mailer, VENDOR, s.id, "已改善")
    assert kc.accounts["id-staff1"]["closed"][1] == "last-grant-ended"
    assert not any(account == "id-staff1" for account, _ in kc.members)
    assert {g for a, g in kc.members if a == "id-staff2"} == {Grant(OTHER, "CRC-COL", Level.USER)}


def test_a_person_suspended_inside_a_suspended_institution_stays_suspended_when_the_institution_is_lifted(
    wiring, fake_keycloak, mailer
):
    """Covers: R-SUS-1"""
    before = _institution(fake_keycloak)
    kc = fake_keycloak
    institution = _suspend(wiring, kc, mailer)
    person = suspensions.suspend(
        wiring.uow(),
        kc.directory(),
        mailer,
        REVIEWER,
        {"scope": "person", "account": "staff1", "reason": "帳號借他人使用", "reference": "案號 115-02"},
    )
    suspensions.lift(wiring.uow(), kc.directory(), mailer, VENDOR, institution.id, "已改善")
    assert kc.accounts["id-staff1"]["closed"][1] == "suspended"
    assert not any(account == "id-staff1" for account, _ in kc.members)
    suspensions.lift(wiring.uow(), kc.directory(), mailer, REVIEWER, person.id, "已查明")
    assert {(x, g) for x, g in kc.members} == before
    assert kc.accounts["id-staff1"]["enabled"] is True


def test_a_suspension_needs_a_reason_a_reference_and_staff(wiring, fake_keycloak, mailer):
    """Covers: R-SUS-1"""
    with pytest.raises(FormInvalid) as e:
        _suspend(wiring, fake_keycloak, mailer, reason=" ", reference="", institution_code="12")
    assert {err.field for err in e.value.errors} == {"reason", "reference", "institution_code"}
    with pytest.raises(Forbidden):
        suspensions.suspend(wiring.uow(), fake_keycloak.directory(), mailer, APPLICANT, {"scope": "institution"})
