"""Applications A, B, C, D from approval to Keycloak: the person signs in and
the token carries the right grants; A's password arrives by mail, nothing else does."""

from __future__ import annotations

import re

from stack.mailsink import body_text
from sync_service.domain import Status
from sync_service.services import applications as use_cases
from tests.support.passwords import satisfies_policy
from tests.support.personal_data import national_id_of
from tests.support.sync import REVIEWER, new_account_name, ready_application

CAT = "CRC-COL"


def approve_and_apply(wiring, worker, app_id, **kw):
    use_cases.approve(wiring.uow(), app_id, caller=REVIEWER, **kw)
    worker.run_until_idle()
    with wiring.uow() as uow:
        app = uow.applications.get(app_id)
    assert app.status is Status.PROVISIONED, app.failure_reason
    return app


def group(institution, level):
    return f"/institutions/{institution}/{CAT}/{'managers' if level == 'manager' else 'users'}"


def password_from(mail, to):
    [message] = mail.wait_for(to)
    match = re.search(r"預設密碼：(\S+)", body_text(message))
    assert match, body_text(message)
    return message, match.group(1)


def test_a_new_manager_gets_an_account_a_mail_and_the_manager_grant(
    wiring, worker, admin, mail, institution, direct_login
):
    """Covers: R-MGR-2, R-PWD-1, R-PWD-3, R-PWD-6, R-CAT-1, R-CAT-2, R-CONF-1"""
    account = new_account_name("a")
    email = f"{account}@clinic.example.tw"
    approve_and_apply(wiring, worker, ready_application(wiring, "A", institution, account, email=email))
    user = admin.get_user(admin.get_user_id(account))
    assert set(user["requiredActions"]) >= {"UPDATE_PASSWORD", "UPDATE_PROFILE", "TERMS_AND_CONDITIONS"}
    assert user["email"] == email and user["lastName"] == "王" and user["firstName"] == "小明"
    assert user["attributes"]["department"] == ["家庭醫學部"]
    # Keycloak keeps keyed digests of the national ID, not the number (docs/decisions/0030).
    assert "nationalId" not in user["attributes"]
    assert wiring.directory_factory().find_account(account).holds_national_id(national_id_of(account))
    message, password = password_from(mail, email)
    assert satisfies_policy(password)
    assert "Default password" in body_text(message) and "癌症篩檢" in message["Subject"]
    claims = direct_login(account, password)  # the mailed password works
    assert group(institution, "manager") in claims["groups"]
    assert {f"category:{CAT}", "institution-manager"} <= set(claims["realm_access"]["roles"])
    # A replay of the whole entry: no second account, no second mail. Sending is synchronous
    # (the sink has stored a message before it answers), so what was sent is there now.
    worker.run_until_idle()
    assert len(mail.messages(email)) == 1


def test_an_a_naming_an_existing_closed_account_grants_on_it_without_mail(
    wiring, worker, admin, mail, make_user, institution, direct_login
):
    """Covers: R-MGR-2, R-ACC-2

    The person's account cannot sign in to the screening system (closed when their last grant
    ended): an A naming it, with their national ID, adds the manager grant to that account and
    opens it again; no second account, no password mail."""
    from datetime import date

    person = make_user()
    wiring.directory_factory().close_account(person["id"], date(2026, 1, 5), "last-grant-ended")
    email = f"{person['username']}.new@clinic.example.tw"  # the address they use now
    approve_and_apply(wiring, worker, ready_application(wiring, "A", institution, person["username"], email=email))
    assert closed_mark(admin, person["id"]) == (True, [], [])
    assert [u["id"] for u in admin.get_users({"username": person["username"], "exact": True})] == [person["id"]]
    claims = direct_login(person["username"], person["password"])
    assert group(institution, "manager") in claims["groups"]
    assert mail.messages(email) == [] and mail.messages(person["email"]) == []


def test_c_existing_user_becomes_manager_without_mail(
    wiring, worker, admin, mail, make_user, institution, direct_login
):
    """Covers: R-MGR-4, R-CAT-2"""
    from sync_service.adapters.keycloak_groups import ensure_grant_group

    users = ensure_grant_group(admin, institution, CAT, "user")
    person = make_user(groups=[users["path"]])
    approve_and_apply(
        wiring, worker, ready_application(wiring, "C", institution, person["username"], email=person["email"])
    )
    claims = direct_login(person["username"], person["password"])
    assert group(institution, "manager") in claims["groups"]
    assert group(institution, "user") not in claims["groups"]
    assert "institution-manager" in claims["realm_access"]["roles"]
    assert mail.messages(person["email"]) == []


def test_d_manager_becomes_user_without_mail(wiring, worker, admin, mail, make_user, institution, direct_login):
    """Covers: R-MGR-5, R-CAT-2"""
    person = make_user()
    approve_and_apply(
        wiring, worker, ready_application(wiring, "C", institution, person["username"], email=person["email"])
    )
    approve_and_apply(
        wiring, worker, ready_application(wiring, "D", institution, person["username"], email=person["email"])
    )
    claims = direct_login(person["username"], person["password"])
    assert group(institution, "user") in claims["groups"]
    assert group(institution, "manager") not in claims["groups"]
    assert "institution-manager" not in claims["realm_access"]["roles"]
    assert f"category:{CAT}" in claims["realm_access"]["roles"]
    assert mail.messages(person["email"]) == []


def closed_mark(admin, account_id) -> tuple[bool, list[str], list[str]]:
    """How the realm holds an account: enabled, and its closing marks (decision 0126)."""
    user = admin.get_user(account_id)
    attributes = user.get("attributes") or {}
    return user["enabled"], attributes.get("screening.closedAt", []), attributes.get("screening.closedBecause", [])


def test_b_ends_the_grant_and_closes_an_account_with_nothing_left(
    wiring, worker, admin, make_user, institution, direct_login, keycloak
):
    """Covers: R-MGR-3, R-ACC-2, R-MGR-4

    A B takes the manager level away and ends the sessions; an account left with no grant is
    closed (disabled, marked with the date and the reason, its record and audit kept), one
    that holds a grant elsewhere stays open. A later C opens the closed account again."""
    from sync_service.adapters.keycloak_groups import ensure_grant_group
    from sync_service.domain import taiwan_date
    from sync_service.services.clock import utcnow
    from tests.support.tokens import token_response

    only, elsewhere = make_user(), make_user()
    other_pair = ensure_grant_group(admin, institution, "HPV-COL", "user")
    admin.group_user_add(elsewhere["id"], other_pair["id"])
    byes = {}
    for person, category in ((only, CAT), (elsewhere, "CER-COL")):
        form = {"email": person["email"], "category": category, "national_id": person["national_id"]}
        approve_and_apply(wiring, worker, ready_application(wiring, "C", institution, person["username"], **form))
        direct_login(person["username"], person["password"])  # a session is open
        assert admin.get_sessions(person["id"])
        byes[person["id"]] = ready_application(wiring, "B", institution, person["username"], **form)
        approve_and_apply(wiring, worker, byes[person["id"]])
        assert admin.get_sessions(person["id"]) == []

    assert closed_mark(admin, only["id"]) == (False, [taiwan_date(utcnow()).isoformat()], ["last-grant-ended"])
    refused = token_response(keycloak.url, only["username"], only["password"])
    assert refused.status_code == 400 and "disabled" in refused.text.lower()
    with wiring.uow() as uow:
        [closed] = [e for e in uow.audit_trail(byes[only["id"]]) if e.action == "account.closed"]
    assert closed.details["after"] == "revoke" and closed.approved_by == REVIEWER.username

    assert closed_mark(admin, elsewhere["id"]) == (True, [], [])
    claims = direct_login(elsewhere["username"], elsewhere["password"])
    assert other_pair["path"] in claims["groups"] and "institution-manager" not in claims["realm_access"]["roles"]

    # A later grant opens it again: a reviewer files the C for the person, who cannot sign in.
    again = ready_application(wiring, "C", institution, only["username"], email=only["email"])
    approve_and_apply(wiring, worker, again)
    assert closed_mark(admin, only["id"]) == (True, [], [])
    claims = direct_login(only["username"], only["password"])
    assert group(institution, "manager") in claims["groups"]
    with wiring.uow() as uow:
        assert [e.details["after"] for e in uow.audit_trail(again) if e.action == "account.reopened"] == ["grant"]


def test_a_replacing_the_manager_is_one_decision(wiring, worker, admin, make_user, institution):
    """Covers: R-MGR-1"""
    old = make_user()
    approve_and_apply(wiring, worker, ready_application(wiring, "C", institution, old["username"], email=old["email"]))
    new = make_user()
    approve_and_apply(
        wiring,
        worker,
        ready_application(wiring, "C", institution, new["username"], email=new["email"]),
        replacing=old["username"],
    )
    managers = admin.get_group_members(admin.get_group_by_path(group(institution, "manager"))["id"])
    assert [m["username"] for m in managers] == [new["username"]]


def test_a_new_manager_administers_the_pairs_users_in_the_admin_api(wiring, worker, admin, make_user, institution):
    """Covers: R-USR-1, R-USR-4, R-MGR-4

    Provisioning the pair's manager also makes the admin-console permissions of the pair:
    the manager lists the pair's users and nobody else."""
    from sync_service.adapters.keycloak_groups import ensure_grant_group
    from tests.integration.admin_console.manager_api import AdminApiAs
    from tests.support.tokens import password_token

    users = ensure_grant_group(admin, institution, CAT, "user")
    staff = make_user(groups=[users["path"]])
    outsider = make_user()
    person = make_user()
    approve_and_apply(
        wiring, worker, ready_application(wiring, "C", institution, person["username"], email=person["email"])
    )
    as_manager = AdminApiAs(
        wiring.settings.keycloak_url,
        password_token(wiring.settings.keycloak_url, person["username"], person["password"]),
    )
    status, listed = as_manager.list_users()
    assert status == 200
    names = {u["username"] for u in listed}
    assert staff["username"] in names
    assert outsider["username"] not in names and person["username"] not in names


def test_reconciler_undoes_hand_made_managers_and_repairs_permissions(wiring, worker, admin, make_user, institution):
    """Covers: R-MGR-1, R-USR-4

    Someone adds a manager by hand and deletes a permission of the pair; the reconciler
    removes the one and remakes the other, and leaves the users group alone."""
    from sync_service.adapters.keycloak_authz import AuthzClient
    from sync_service.adapters.keycloak_groups import ensure_grant_group
    from sync_service.adapters.keycloak_permission_model import users_permission_name
    from sync_service.adapters.keycloak_permissions import check_manager_permissions
    from sync_service.services.reconcile import reconcile

    person = make_user()
    approve_and_apply(
        wiring, worker, ready_application(wiring, "C", institution, person["username"], email=person["email"])
    )
    intruder = make_user()
    staff = make_user()
    admin.group_user_add(intruder["id"], ensure_grant_group(admin, institution, CAT, "manager")["id"])
    admin.group_user_add(staff["id"], ensure_grant_group(admin, institution, CAT, "user")["id"])
    api = AuthzClient(admin)
    api.delete(api.find_by_name(users_permission_name(institution, CAT))["id"])
    assert check_manager_permissions(admin, institution, CAT) != []

    repairs = reconcile(wiring.uow, wiring.directory_factory())

    managers = admin.get_group_members(admin.get_group_by_path(group(institution, "manager"))["id"])
    assert [m["username"] for m in managers] == [person["username"]]
    users = admin.get_group_members(admin.get_group_by_path(group(institution, "user"))["id"])
    assert [u["username"] for u in users] == [staff["username"]]
    assert check_manager_permissions(admin, institution, CAT) == []
    assert any(intruder["username"] in r.en for r in repairs)
