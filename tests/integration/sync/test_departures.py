"""Departures on their effective date, against the run's real Keycloak: a B
approved ahead of its date ends the grant and the person's sessions when the
date comes (Taiwanese calendar), not before; a date that passed while no worker
ran is caught up on the next run, once. The worker's clock is injected: no
test can wait for midnight in Taipei."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import requests

from stack.paths import REALM_NAME
from sync_service.domain import Status
from sync_service.services import applications as use_cases
from tests.integration.admin_console.manager_api import AdminApiAs
from tests.pages.keycloak import LoginPage
from tests.pages.screening_client import ScreeningClientPage
from tests.support.sync import REVIEWER, TW, ready_application
from tests.support.tokens import password_token, token_response

from .test_provisioning import CAT, approve_and_apply, group


def _midnight(day) -> datetime:
    """00:00 of a Taiwanese calendar day."""
    return datetime.combine(day, time(0), tzinfo=TW)


def _file_b(wiring, institution, person, effective_on) -> str:
    """A B approved at noon of its application day, its departure `effective_on`."""
    reference = ready_application(
        wiring, "B", institution, person["username"], email=person["email"], effective_date=effective_on.isoformat()
    )
    with wiring.uow() as uow:
        applied_on = uow.applications.get(reference).form.application_date
    use_cases.approve(wiring.uow(), reference, caller=REVIEWER, now=datetime.combine(applied_on, time(12), tzinfo=TW))
    return reference


def _status(wiring, reference) -> Status:
    with wiring.uow() as uow:
        return uow.applications.get(reference).status


def _held_token(keycloak, person) -> str:
    """A token the person holds, fit for userinfo (scope openid) and the Admin API."""
    r = token_response(keycloak.url, person["username"], person["password"], scope="openid")
    r.raise_for_status()
    return r.json()["access_token"]


def _userinfo(keycloak, token: str) -> int:
    """What a resource server asks Keycloak with the person's token."""
    return requests.get(
        f"{keycloak.url}/realms/{REALM_NAME}/protocol/openid-connect/userinfo",
        headers={"Authorization": f"Bearer {token}"},
        timeout=20,
    ).status_code


def _a_manager_with_staff(wiring, worker, admin, make_user, institution):
    """A provisioned manager (C) and one user of the pair they administer."""
    from sync_service.adapters.keycloak_groups import ensure_grant_group

    users = ensure_grant_group(admin, institution, CAT, "user")
    staff = make_user(groups=[users["path"]])
    manager = make_user()
    approve_and_apply(
        wiring, worker, ready_application(wiring, "C", institution, manager["username"], email=manager["email"])
    )
    return manager, staff


def test_a_departure_ends_the_grant_and_the_sessions_on_its_date(
    wiring, admin, keycloak, make_user, institution, worker, page, screening_client
):
    """Covers: R-MGR-6

    Before 00:00 (Taipei) of the effective date nothing changes; from then the
    manager level is gone and the token the person already holds is refused by the
    screening system's next call and by the Admin API the admin console calls, at once."""
    manager, staff = _a_manager_with_staff(wiring, worker, admin, make_user, institution)
    screening = ScreeningClientPage(page, screening_client)
    screening.start_sign_in()
    LoginPage(page).sign_in(manager["username"], manager["password"])
    assert screening.is_signed_in_as(manager["username"])
    held = _held_token(keycloak, manager)
    console = AdminApiAs(keycloak.url, held)
    assert console.read_user(staff["id"])[0] == 200

    applied_on = datetime.now(TW).date()
    reference = _file_b(wiring, institution, manager, applied_on + timedelta(days=1))
    clock = [_midnight(applied_on + timedelta(days=1)) - timedelta(seconds=1)]
    on_time = wiring.worker(threads=1, clock=lambda: clock[0])
    try:
        assert on_time.run_until_idle().done == 0  # one second before the date: still a manager
        assert _status(wiring, reference) is Status.APPROVED
        assert _userinfo(keycloak, held) == 200 and console.read_user(staff["id"])[0] == 200
        screening.reload()
        assert screening.is_signed_in_as(manager["username"])

        clock[0] += timedelta(seconds=1)  # 00:00 of the effective date
        assert on_time.run_until_idle().done == 1
    finally:
        on_time.close()
    assert _status(wiring, reference) is Status.PROVISIONED
    members = admin.get_group_members(admin.get_group_by_path(group(institution, "manager"))["id"])
    assert manager["username"] not in {m["username"] for m in members}
    assert admin.get_sessions(manager["id"]) == []
    # The token issued before the date, still within its lifetime, is refused now.
    assert _userinfo(keycloak, held) == 401
    assert console.read_user(staff["id"])[0] == 401
    screening.reload()
    ended = screening.session_ended()
    assert "登入已結束" in ended and "session has ended" in ended


def test_a_date_passed_while_no_worker_ran_is_caught_up_once(wiring, admin, keycloak, make_user, institution, worker):
    """Covers: R-MGR-6

    The worker was down over the effective date: its first run after, days later,
    closes the access; a second run does nothing more."""
    manager, _ = _a_manager_with_staff(wiring, worker, admin, make_user, institution)
    held = _held_token(keycloak, manager)
    applied_on = datetime.now(TW).date()
    effective_on = applied_on + timedelta(days=2)
    reference = _file_b(wiring, institution, manager, effective_on)

    back_up = wiring.worker(threads=1, clock=lambda: _midnight(effective_on) + timedelta(days=5, hours=9))
    try:
        assert back_up.run_until_idle().done == 1
        assert back_up.run_until_idle().done == 0
    finally:
        back_up.close()
    assert _status(wiring, reference) is Status.PROVISIONED
    assert _userinfo(keycloak, held) == 401
    with wiring.uow() as uow:
        revokes = [e for e in uow.audit_trail(reference) if e.action == "keycloak.revoke"]
    assert len(revokes) == 1


def test_a_user_leaves_on_the_date_their_manager_set_in_the_console(
    wiring, admin, keycloak, make_user, institution, worker
):
    """Covers: R-USR-2, R-ACC-2

    The manager sets the user's departure date with their own rights (what the admin
    console sends); a value that is no date is refused. Before 00:00 (Taipei) of the
    date nothing changes; from then the user is out of the pair's users group, their
    token is refused and the date is cleared. The job reads what is due from Keycloak.
    The account, with no grant left, is closed; one that holds a grant elsewhere stays open."""
    import policies
    from sync_service.adapters.keycloak_groups import ensure_grant_group

    from .test_provisioning import closed_mark

    attribute = policies.departures().user_attribute
    manager, staff = _a_manager_with_staff(wiring, worker, admin, make_user, institution)
    # Also the manager of another pair (a C approved after the date was set): that grant stays.
    elsewhere_group = ensure_grant_group(admin, institution, "HPV-COL", "manager")
    elsewhere = make_user(groups=[group(institution, "user"), elsewhere_group["path"]])
    console = AdminApiAs(keycloak.url, password_token(keycloak.url, manager["username"], manager["password"]))
    held = _held_token(keycloak, staff)
    status, rep = console.read_user(staff["id"])
    assert status == 200
    leaving_on = datetime.now(TW).date() + timedelta(days=1)

    def set_date(value: str) -> int:
        body = {k: rep[k] for k in ("username", "email", "firstName", "lastName")}
        return console.update_user(staff["id"], {**body, "attributes": {**rep["attributes"], attribute: [value]}})

    assert set_date("2026/13/01") == 400
    assert set_date(leaving_on.isoformat()) == 204
    # The date on someone who also manages elsewhere (set before the C: the console refuses a shared person).
    admin.update_user(
        elsewhere["id"],
        {
            **{k: admin.get_user(elsewhere["id"])[k] for k in ("username", "email", "firstName", "lastName")},
            "attributes": {
                "department": ["檢驗科"],
                "phone": ["(02)2559-1969#116"],
                attribute: [leaving_on.isoformat()],
            },
        },
    )

    job = wiring.users_leaving()
    job.run(_midnight(leaving_on) - timedelta(seconds=1))
    assert [g["path"] for g in admin.get_user_groups(staff["id"])] == [group(institution, "user")]
    assert _userinfo(keycloak, held) == 200

    job.run(_midnight(leaving_on))
    assert admin.get_user_groups(staff["id"]) == []
    assert admin.get_sessions(staff["id"]) == []
    assert _userinfo(keycloak, held) == 401
    assert attribute not in (admin.get_user(staff["id"]).get("attributes") or {})
    assert closed_mark(admin, staff["id"]) == (False, [leaving_on.isoformat()], ["last-grant-ended"])
    assert closed_mark(admin, elsewhere["id"]) == (True, [], [])
    assert [g["path"] for g in admin.get_user_groups(elsewhere["id"])] == [elsewhere_group["path"]]
    # The manager keeps their own grant: managers leave through an application B.
    assert [g["path"] for g in admin.get_user_groups(manager["id"])] == [group(institution, "manager")]
