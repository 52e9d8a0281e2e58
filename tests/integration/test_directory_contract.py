"""One contract for the `Directory` port, run against the in-memory fake the
service tests use and against the Keycloak adapter on the run's real Keycloak:
what the fake answers, Keycloak answers too, so the fake cannot drift.
The port's behaviour, not an agency rule: no rule ids here.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest

import policies
from policies import REVIEWER_ROLE
from stack.paths import REALM_NAME
from sync_service.adapters.keycloak_authz import AuthzClient
from sync_service.adapters.keycloak_directory import KeycloakDirectory
from sync_service.adapters.keycloak_permission_model import users_permission_name
from sync_service.adapters.keys import load_or_create_key
from sync_service.domain import Grant, Level
from sync_service.domain.passwords import generate_password
from sync_service.services.ports import Directory, NewAccount
from tests.support.personal_data import national_id, national_id_of
from tests.support.sync import new_account_name
from tests.support.tokens import token_response
from tests.unit.service.fake_directory import FakeKeycloak

PASSWORD_RULES = policies.load().password

CAT = "CRC-COL"


@dataclass
class Subject:
    directory: Directory
    # Break the pair's admin-console permissions behind the directory's back.
    break_manager_access: Callable[[str, str], None]
    # Whether an account is enabled, as the realm holds it (not through the port).
    enabled: Callable[[str], bool]
    # A person signs in (account id, username, password): the session's id.
    sign_in: Callable[[str, str, str], str]
    # An administrator's changes behind the directory's back.
    grant_role: Callable[[str, str], None]
    disable: Callable[[str], None]


def _fake() -> Subject:
    kc = FakeKeycloak()

    def sign_in(account_id: str, username: str, password: str) -> str:
        session_id = uuid.uuid4().hex
        kc.sign_in(account_id, session_id, kc.sign_ins.get(account_id, {}).get("roles", frozenset()))
        return session_id

    def grant_role(account_id: str, role: str) -> None:
        kc.sign_ins[account_id]["roles"] |= {role}

    def disable(account_id: str) -> None:
        kc.accounts[account_id]["enabled"] = False

    return Subject(
        kc.directory(),
        lambda institution, category: kc.manager_access.discard((institution, category)),
        lambda account_id: kc.accounts[account_id].get("enabled", True),
        sign_in,
        grant_role,
        disable,
    )


def _keycloak(request) -> Subject:
    keycloak, run_secrets, admin, key_file = (
        request.getfixturevalue(n) for n in ("keycloak", "run_secrets", "admin", "national_id_key_file")
    )
    directory = KeycloakDirectory(
        keycloak.url,
        REALM_NAME,
        "sync-service",
        run_secrets["SYNC_SERVICE_CLIENT_SECRET"],
        national_id_key=load_or_create_key("", key_file),
    )

    def break_manager_access(institution: str, category: str) -> None:
        api = AuthzClient(admin)
        api.delete(api.find_by_name(users_permission_name(institution, category))["id"])

    def sign_in(account_id: str, username: str, password: str) -> str:
        admin.update_user(account_id, {"requiredActions": []})
        token = token_response(keycloak.url, username, password).json()["access_token"]
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sid"]

    return Subject(
        directory,
        break_manager_access,
        lambda account_id: admin.get_user(account_id)["enabled"],
        sign_in,
        lambda account_id, role: admin.assign_realm_roles(account_id, [admin.get_realm_role(role)]),
        lambda account_id: admin.update_user(account_id, {"enabled": False}),
    )


@pytest.fixture(params=["fake", "keycloak"])
def subject(request) -> Subject:
    return _fake() if request.param == "fake" else _keycloak(request)


def new_account(*grants: Grant) -> NewAccount:
    name = new_account_name("k")
    national_id = national_id_of(name)
    return NewAccount(
        username=name,
        email=f"{name}@clinic.example.tw",
        first_name="怡君",
        last_name="陳",
        attributes={"department": "檢驗科", "phone": "(02)2559-1969", "nationalId": national_id},
        password=generate_password(PASSWORD_RULES, [name, national_id]),
        required_actions=("UPDATE_PASSWORD",),
        grants=grants,
    )


def test_accounts_are_made_with_their_grants_and_found_by_name(subject, institution):
    d = subject.directory
    manager = Grant(institution, CAT, Level.MANAGER)
    account = new_account(manager)
    made = d.create_accounts([account])
    assert set(made) == {account.username}
    found = d.find_account(account.username.upper())
    assert found.id == made[account.username] and found.username == account.username
    assert found.email == account.email
    # Keycloak keeps keyed digests of the national ID (decision 0030); the port still answers.
    held = national_id_of(account.username)
    assert found.holds_national_id(held) and not found.holds_national_id(held[:-1] + str((int(held[-1]) + 1) % 10))
    assert d.grants_of(found.id) == {manager}
    assert d.members(manager) == {account.username: found.id}
    [holder] = d.holders(manager)
    assert (holder.id, holder.username, holder.last_name, holder.first_name) == (
        found.id,
        account.username,
        "陳",
        "怡君",
    )
    assert holder.email == account.email and holder.enabled
    assert d.holders(Grant(institution, "GAS-LAB", Level.USER)) == []
    assert d.find_account(new_account_name("none")) is None
    # By id, as a signed-in person's token names them.
    assert d.account(found.id) == found
    assert d.account("00000000-0000-0000-0000-000000000000") is None


def test_the_account_of_a_person_is_found_by_their_national_id(subject, institution):
    """Covers: R-ACC-1"""
    d = subject.directory
    account = new_account()
    made = d.create_accounts([account])
    held = national_id_of(account.username)
    found = d.account_of_person(held.lower())
    assert found is not None and found.id == made[account.username] and found.username == account.username
    assert d.account_of_person(national_id()) is None


def test_making_a_taken_name_again_changes_nothing(subject, institution):
    """Idempotent by name: the answer leaves the taken name out (the worker's replay safety)."""
    d = subject.directory
    account = new_account(Grant(institution, CAT, Level.MANAGER))
    first = d.create_accounts([account])
    other = new_account()
    again = d.create_accounts([replace(account, grants=(Grant(institution, CAT, Level.USER),)), other])
    assert set(again) == {other.username}
    assert d.grants_of(first[account.username]) == {Grant(institution, CAT, Level.MANAGER)}


def test_join_and_leave_are_idempotent(subject, institution):
    d = subject.directory
    user, manager = Grant(institution, CAT, Level.USER), Grant(institution, CAT, Level.MANAGER)
    account_id = d.create_accounts([account := new_account()])[account.username]
    assert d.members(user) == {} and d.grants_of(account_id) == set()
    d.leave(account_id, user)  # never joined, no group yet: nothing happens
    d.join(account_id, user)
    d.join(account_id, user)
    assert d.grants_of(account_id) == {user} and d.members(user) == {account.username: account_id}
    d.join(account_id, manager)
    d.leave(account_id, user)
    d.leave(account_id, user)
    assert d.grants_of(account_id) == {manager} and d.members(user) == {}
    d.set_password(account_id, generate_password(PASSWORD_RULES, [account.username]), temporary=True)
    d.end_sessions(account_id)  # no sessions: nothing to end, no error


def test_an_institution_is_named_once_its_group_exists_and_naming_is_idempotent(subject, institution):
    """The console shows the institution's name beside its code (decision 0150)."""
    d = subject.directory
    d.describe_institution(institution, "臺北市立聯合醫院")  # no group yet: nothing happens
    account_id = d.create_accounts([account := new_account()])[account.username]
    d.join(account_id, Grant(institution, CAT, Level.USER))
    d.describe_institution(institution, "臺北市立聯合醫院")
    d.describe_institution(institution, "臺北市立聯合醫院")
    assert d.institution_name(institution) == "臺北市立聯合醫院"
    # Another code, never this one (a fixed first digit 9 was this code one time in ten).
    elsewhere = f"{(int(institution[0]) + 1) % 10}{institution[1:]}"
    assert d.institution_name(elsewhere) is None  # no such group


def test_the_pair_manager_access_is_made_with_the_first_manager_and_repaired(subject, institution):
    """Made with the pair's first manager; drift is reported once, and repaired."""
    d = subject.directory
    d.create_accounts([new_account(Grant(institution, CAT, Level.MANAGER))])
    assert d.repair_manager_access(institution, CAT) == []
    subject.break_manager_access(institution, CAT)
    drift = d.repair_manager_access(institution, CAT)
    assert drift and all(isinstance(line, str) for line in drift)
    assert d.repair_manager_access(institution, CAT) == []


def test_many_pairs_are_read_at_once_with_their_managers_and_drift(subject, institution):
    """`read_pairs`: each pair's managers and whether its admin-console permissions drifted,
    the same drift the one-pair repair finds; a pair never made reads as drifted, with no one."""
    d = subject.directory
    account = new_account(Grant(institution, CAT, Level.MANAGER))
    account_id = d.create_accounts([account])[account.username]
    other = (institution, "HPV-COL")
    counted: list[int] = []
    states = d.read_pairs([(institution, CAT), other], counted.append)
    assert sum(counted) == 2
    assert states[(institution, CAT)].members == {account.username: account_id}
    assert states[(institution, CAT)].drift == ()
    assert states[other].members == {} and states[other].drift != ()
    subject.break_manager_access(institution, CAT)
    assert d.read_pairs([(institution, CAT)])[(institution, CAT)].drift != ()
    assert d.repair_manager_access(institution, CAT) != []
    assert d.read_pairs([(institution, CAT)])[(institution, CAT)].drift == ()


def test_a_sign_in_lives_while_its_session_and_its_account_do(subject):
    """`sign_in_state` (decision 0130): the session there, the account there and enabled, and
    the realm roles the account holds now, as an administrator changed them."""
    d = subject.directory
    account = new_account()
    account_id = d.create_accounts([account])[account.username]
    password = generate_password(PASSWORD_RULES, [account.username])  # not the made one: the realm keeps a history
    d.set_password(account_id, password, temporary=False)
    session_id = subject.sign_in(account_id, account.username, password)
    state = d.sign_in_state(account_id, session_id)
    assert state.alive and "hpa-reviewer" not in state.roles
    assert not d.sign_in_state(account_id, "another-session").alive
    subject.grant_role(account_id, "hpa-reviewer")
    assert "hpa-reviewer" in d.sign_in_state(account_id, session_id).roles
    subject.disable(account_id)
    assert not d.sign_in_state(account_id, session_id).alive
    assert not d.sign_in_state(str(uuid.uuid4()), session_id).alive  # no such account


def test_an_account_closes_once_and_opens_again_for_its_reason(subject, institution):
    """Closing disables and marks; a second close keeps the first mark; only the reason that
    closed it opens it (decision 0126)."""
    from datetime import date

    d = subject.directory
    account_id = d.create_accounts([account := new_account()])[account.username]
    assert REVIEWER_ROLE not in d.realm_roles_of(account_id)
    assert d.reopen_account(account_id, "last-grant-ended") is False  # never closed
    assert d.close_account(account_id, date(2026, 12, 1), "last-grant-ended") is True
    assert d.close_account(account_id, date(2026, 12, 2), "suspended") is False
    assert subject.enabled(account_id) is False
    assert d.reopen_account(account_id, "suspended") is False
    assert d.reopen_account(account_id, "last-grant-ended") is True
    assert subject.enabled(account_id) is True
    assert d.reopen_account(account_id, "last-grant-ended") is False


def test_a_profile_is_read_without_the_national_id_and_corrected_field_by_field(subject, institution):
    d = subject.directory
    account = new_account(Grant(institution, CAT, Level.USER))
    account_id = d.create_accounts([account])[account.username.lower()]
    profile = d.profile_of(account_id)
    assert (profile.username, profile.email) == (account.username.lower(), account.email)
    assert (profile.last_name, profile.first_name) == ("陳", "怡君")
    assert profile.attributes["department"] == ["檢驗科"]
    assert not any(k.startswith("nationalId") for k in profile.attributes)
    assert profile.enabled and "UPDATE_PASSWORD" in profile.required_actions
    d.correct_profile(account_id, "last_name", "林")
    d.correct_profile(account_id, "department", "家醫科")
    again = d.profile_of(account_id)
    assert (again.last_name, again.first_name, again.attributes["department"]) == ("林", "怡君", ["家醫科"])


def test_an_account_is_disabled_and_deleted_idempotently(subject, institution):
    d = subject.directory
    account = new_account(Grant(institution, CAT, Level.USER))
    account_id = d.create_accounts([account])[account.username.lower()]
    d.set_enabled(account_id, False)
    assert not d.profile_of(account_id).enabled
    d.delete_account(account_id)
    d.delete_account(account_id)  # gone already: what was asked
    assert d.find_account(account.username) is None
