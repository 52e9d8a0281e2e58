"""A pending type A holds its new account name in Keycloak (issue 18 item 2, decision 0121): the
squatting case of the issue - a manager of another institution making a user of that very name -
is refused at creation by Keycloak itself; the approval makes the applicant's account; a refused A
gives the name back; an approved A whose name was taken all the same fails with what to do."""

from __future__ import annotations

from sync_service.adapters.keycloak_groups import ensure_grant_group, grant_group_path
from sync_service.adapters.keycloak_permissions import ensure_manager_permissions
from sync_service.domain import Status
from sync_service.services import applications as use_cases
from sync_service.services import review
from tests.integration.admin_console.manager_api import AdminApiAs
from tests.integration.admin_console.world import fresh_code, new_user_body
from tests.support.personal_data import national_id, national_id_of
from tests.support.sync import REVIEWER, form, new_account_name, receive_originals
from tests.support.tokens import password_token

CAT = "CRC-COL"


def file_a(wiring, institution: str, account: str) -> str:
    """Filed as the intake files it: with the directory, so the name is held at once."""
    app = use_cases.submit(wiring.uow(), form("A", institution, account), caller=None, directory=wiring.directory())
    receive_originals(wiring, app.id)
    return app.id


def manager_elsewhere(admin, make_user, keycloak) -> tuple[dict, AdminApiAs]:
    code = fresh_code()
    for level in ("manager", "user"):
        ensure_grant_group(admin, code, CAT, level)
    ensure_manager_permissions(admin, code, CAT)
    manager = make_user(groups=[grant_group_path(code, CAT, "manager")])
    token = password_token(keycloak.url, manager["username"], manager["password"])
    return {**manager, "institution": code}, AdminApiAs(keycloak.url, token)


def test_a_pending_a_holds_its_name_against_a_manager_of_another_institution(
    wiring, worker, admin, make_user, keycloak, institution
):
    """The issue's squatting case, tried on the real Keycloak: refused at creation (Keycloak's own
    unique name), so nobody else ever holds the name the applicant will sign in with.

    Covers: R-ACC-1, R-MGR-2
    """
    account = new_account_name("v")
    reference = file_a(wiring, institution, account)
    manager, api = manager_elsewhere(admin, make_user, keycloak)

    body = new_user_body([grant_group_path(manager["institution"], CAT, "user")], username=account)
    r = api._do("POST", "/users", json=body)
    assert r.status_code == 409, r.text
    [held] = admin.get_users({"username": account, "exact": True})
    assert held["enabled"] is False and held["attributes"]["screening.reservedFor"] == [reference]
    assert admin.get_credentials(held["id"]) == [], "nobody can sign in as a reservation"
    # Another person asking for the same name is answered as anyone is (decision 0131: a refusal
    # told strangers which names are taken); the hold stays the first applicant's, the reviewer is told.
    second = another_persons_a(wiring, institution, account)
    assert wiring.directory().find_account(account).reserved_for == reference
    told = review.review_file(wiring.uow(), second, caller=REVIEWER, directory=wiring.directory())
    assert told.existing_account is not None and told.existing_account.reserved

    use_cases.approve(wiring.uow(), reference, caller=REVIEWER)
    worker.run_until_idle()
    with wiring.uow() as uow:
        app = uow.applications.get(reference)
    assert app.status is Status.PROVISIONED, app.failure_reason
    made = wiring.directory().find_account(account)
    assert made.reserved_for is None and made.holds_national_id(national_id_of(account))
    assert admin.get_user(made.id)["enabled"] is True


def another_persons_a(wiring, institution: str, account: str) -> str:
    another_person = form("A", institution, account, national_id=national_id())
    return use_cases.submit(wiring.uow(), another_person, caller=None, directory=wiring.directory()).id


def test_a_refused_a_gives_its_name_back(wiring, admin, institution):
    """Covers: R-MGR-2"""
    account = new_account_name("w")
    reference = file_a(wiring, institution, account)
    assert wiring.directory().find_account(account).reserved_for == reference
    use_cases.reject(wiring.uow(), reference, caller=REVIEWER, reason="資料不全", directory=wiring.directory())
    assert wiring.directory().find_account(account) is None


def test_an_approved_a_whose_name_was_taken_all_the_same_fails_with_what_to_do(
    wiring, worker, admin, make_user, institution
):
    """The reservation lost (removed by hand), the name made for someone else: the reviewer reads
    what happened and what to do.

    Covers: R-MGR-2, R-ACC-1
    """
    account = new_account_name("x")
    reference = file_a(wiring, institution, account)
    admin.delete_user(wiring.directory().find_account(account).id)
    squatter = admin.create_user(
        {
            "username": account,
            "email": f"{account}.other@clinic.example.tw",
            "firstName": "美玲",
            "lastName": "林",
            "enabled": True,
            "attributes": {"department": ["護理部"], "phone": ["(02)2559-1969#117"], "nationalId": [national_id()]},
        }
    )
    use_cases.approve(wiring.uow(), reference, caller=REVIEWER)
    worker.run_until_idle()
    with wiring.uow() as uow:
        app = uow.applications.get(reference)
    assert app.status is Status.FAILED
    assert "請取消此申請" in app.failure_reason or "Cancel this application" in app.failure_reason, app.failure_reason
    admin.delete_user(squatter)
