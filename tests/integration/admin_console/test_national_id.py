"""The person is the national ID (issue 18 item 1, decision 0120): every account a manager makes
holds the keyed digest of its holder's national ID, no two accounts share one, a manager cannot
change it, and without the digest key nothing is saved (issue 23 item 5).

Each refusal is tried the way a manager meets it (their own token, the Admin REST API the console
calls) and, where the sync service or an operator would, through partialImport."""

from __future__ import annotations

import contextlib
import json

import pytest

from stack.paths import REALM_NAME
from sync_service.adapters.keys import load_or_create_key
from sync_service.domain.national_id_digest import holds
from tests.integration.admin_console.world import new_user_body
from tests.support.personal_data import national_id


def _digests_held(admin, user_id: str, value: str, key_file) -> bool:
    attributes = admin.get_user(user_id).get("attributes", {})
    return "nationalId" not in attributes and holds(attributes, value, load_or_create_key("", key_file))


def _nobody_named(admin, username: str) -> bool:
    return admin.get_users({"username": username, "exact": True}) == []


def _says_both_languages(text: str, *words: str) -> None:
    for word in words:
        assert word in text, (word, text)


@contextlib.contextmanager
def _key_gone(key_file):
    """Keycloak without its national ID digest key: the vault file moved away for the block
    (Keycloak's file vault reads it at each use), and put back whatever happens."""
    hidden = key_file.with_name(key_file.name + ".away")
    key_file.rename(hidden)
    try:
        yield
    finally:
        hidden.rename(key_file)


def test_without_the_digest_key_nothing_is_saved(world, admin, national_id_key_file):
    """Issue 23 item 5: the listener and the console fail closed. Before, an account made while the
    vault lacked the key kept the national ID in clear (an error in the log, the number in the
    database).

    Covers: R-PD-1, R-ACC-1
    """
    api = world.manager_api()
    body = new_user_body([world.own_users_group["path"]])
    import_body = new_user_body([world.own_users_group["path"]])
    with _key_gone(national_id_key_file):
        r = api._do("POST", "/users", json=body)
        imported = admin.connection.raw_post(
            f"admin/realms/{REALM_NAME}/partialImport",
            data=json.dumps({"ifResourceExists": "FAIL", "users": [import_body]}),
        )
    assert r.status_code == 400, r.text
    _says_both_languages(r.text, "金鑰", "key")
    assert _nobody_named(admin, body["username"])
    assert imported.status_code >= 400, imported.text
    assert _nobody_named(admin, import_body["username"])
    # With the key back, the same account is made, the number kept as digests only.
    status, user_id = api.create_user(body)
    assert status == 201
    assert _digests_held(admin, user_id, body["attributes"]["nationalId"][0], national_id_key_file)


def test_a_manager_must_give_a_valid_national_id(world, admin):
    """Every account holds its person's national ID: a manager's create without one, or with a
    wrong check digit, is refused with the field named in both languages.

    Covers: R-ACC-1
    """
    api = world.manager_api()
    without = new_user_body([world.own_users_group["path"]])
    del without["attributes"]["nationalId"]
    r = api._do("POST", "/users", json=without)
    assert r.status_code == 400 and r.json().get("field") == "nationalId", r.text
    _says_both_languages(r.text, "身分證字號", "national ID")
    wrong = new_user_body([world.own_users_group["path"]])
    good = wrong["attributes"]["nationalId"][0]
    wrong["attributes"]["nationalId"] = [good[:-1] + str((int(good[-1]) + 1) % 10)]
    r = api._do("POST", "/users", json=wrong)
    assert r.status_code == 400 and r.json().get("field") == "nationalId", r.text
    _says_both_languages(r.text, "檢查碼", "check digit")
    assert _nobody_named(admin, without["username"]) and _nobody_named(admin, wrong["username"])


def test_no_two_accounts_share_a_national_id(world, admin, make_user):
    """One person, one account: the person of another institution's account cannot be given a
    second account, not by a manager, not by a realm administrator, not by partialImport.

    Covers: R-ACC-1
    """
    elsewhere = make_user(groups=[world.group(world.b, "CRC-COL", "user")["path"]])
    again = new_user_body([world.own_users_group["path"]])
    again["attributes"]["nationalId"] = [elsewhere["national_id"].lower()]  # case does not make a new person
    r = world.manager_api()._do("POST", "/users", json=again)
    assert r.status_code == 400 and r.json().get("field") == "nationalId", r.text
    _says_both_languages(r.text, "一人一帳號", "One person, one account", "R-ACC-1")
    assert elsewhere["username"] not in r.text, "the holder is not named to a manager of another place"
    again["groups"] = []
    with pytest.raises(Exception) as refused:
        admin.create_user(again)
    assert "One person, one account" in str(refused.value)
    imported = admin.connection.raw_post(
        f"admin/realms/{REALM_NAME}/partialImport",
        data=json.dumps({"ifResourceExists": "FAIL", "users": [again]}),
    )
    assert imported.status_code == 409, imported.text
    assert "One person, one account" in imported.text
    assert _nobody_named(admin, again["username"])


def test_a_manager_cannot_change_a_persons_national_id(world, admin, national_id_key_file):
    """No hand-over (issue 18 item 7): the national ID ties the account to its person.

    Covers: R-CONF-2, R-ACC-1
    """
    person = world.target("own users")
    api = world.manager_api()
    _, shown = api.read_user(person["id"])
    other = national_id()
    changed = {**shown, "attributes": {**shown.get("attributes", {}), "nationalId": [other]}}
    r = api._do("PUT", f"/users/{person['id']}", json=changed)
    assert r.status_code == 400, r.text
    _says_both_languages(r.text, "不得變更", "cannot be changed")
    assert _digests_held(admin, person["id"], person["national_id"], national_id_key_file)
    assert not _digests_held(admin, person["id"], other, national_id_key_file)
    # Saving the profile as the console does (the ID field empty, or the same number) still works.
    same = {**shown, "firstName": "雅雯", "attributes": {**shown.get("attributes", {}), "nationalId": [""]}}
    assert api.update_user(person["id"], same) == 204
    same["attributes"]["nationalId"] = [person["national_id"]]
    assert api.update_user(person["id"], same) == 204
    assert _digests_held(admin, person["id"], person["national_id"], national_id_key_file)
