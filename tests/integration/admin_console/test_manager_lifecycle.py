"""A manager's users from creation to removal, a replaced manager, and what Keycloak
26.7.3 leaves to the agency (docs/decisions/0005)."""

from __future__ import annotations

from sync_service.adapters.keycloak_groups import grant_group_path
from tests.conftest import good_password
from tests.integration.admin_console.manager_api import AdminApiAs
from tests.integration.admin_console.world import (
    OTHER_INSTITUTION,
    OWN_CAT,
    OWN_USER,
    new_user_body,
)
from tests.support.tokens import password_token

FIRST_SIGN_IN = {"UPDATE_PASSWORD", "UPDATE_PROFILE", "TERMS_AND_CONDITIONS"}


def test_a_user_made_by_a_manager_lands_in_the_group_with_first_sign_in_actions(world):
    """Created into the users group with a temporary password: the realm's default actions
    (terms, profile) come on their own, the temporary password adds the password change.

    Covers: R-USR-1, R-USR-3, R-PWD-1
    """
    api, admin = world.manager_api(), world.admin
    body = new_user_body(
        [world.own_users_group["path"]], credentials=[{"type": "password", "value": good_password(), "temporary": True}]
    )
    status, new_id = api.create_user(body)
    assert status == 201
    assert {g["id"] for g in admin.get_user_groups(new_id)} == {world.own_users_group["id"]}
    assert set(admin.get_user(new_id)["requiredActions"]) >= FIRST_SIGN_IN
    effective = {r["name"] for r in admin.get_composite_realm_roles_of_user(new_id)}
    assert f"category:{OWN_CAT}" in effective and "institution-manager" not in effective


def test_a_user_made_without_a_password_gets_a_set_password_mail(world, mail):
    """The other way the console offers: no password, then an e-mail with a link that asks
    for a new password (and the terms and profile at sign-in).

    Covers: R-USR-1, R-PWD-6
    """
    api, admin = world.manager_api(), world.admin
    body = new_user_body([world.own_users_group["path"]])
    status, new_id = api.create_user(body)
    assert status == 201
    assert {"UPDATE_PROFILE", "TERMS_AND_CONDITIONS"} <= set(admin.get_user(new_id)["requiredActions"])
    assert api.send_actions_mail(new_id, ["UPDATE_PASSWORD"]) == 204
    assert mail.wait_for(body["email"])


def test_a_manager_cancels_a_user_or_removes_the_grant(world):
    """Disable, remove from the group (the grant), delete.

    Covers: R-USR-2
    """
    api, admin = world.manager_api(), world.admin
    disabled, ungranted, deleted = (world.target(OWN_USER) for _ in range(3))
    rep = admin.get_user(disabled["id"])
    assert (
        api.update_user(
            disabled["id"],
            {**{k: rep[k] for k in ("username", "email", "firstName", "lastName", "attributes")}, "enabled": False},
        )
        == 204
    )
    assert admin.get_user(disabled["id"])["enabled"] is False
    assert api.remove_from_group(ungranted["id"], world.own_users_group["id"]) == 204
    assert admin.get_user_groups(ungranted["id"]) == []
    # Once out of the group, the person is out of the manager's reach too.
    assert api.read_user(ungranted["id"])[0] == 403
    assert api.delete_user(deleted["id"]) == 204
    assert admin.get_user_id(deleted["username"]) is None


def test_a_replaced_manager_loses_everything_at_once(world):
    """Removed from the `managers` group (application B or D), the person can do nothing
    more: not with a new token, not even with the token they already hold.

    Covers: R-MGR-3, R-MGR-5, R-USR-4
    """
    admin = world.admin
    mine = world.target(OWN_USER)
    old_api = world.manager_api()
    assert old_api.read_user(mine["id"])[0] == 200
    admin.group_user_remove(world.manager["id"], world.own_managers_group["id"])

    new_api = world.manager_api()
    for api in (new_api, old_api):
        status, users = api.list_users()
        assert status == 403 or users == []
        assert api.read_user(mine["id"])[0] == 403
        assert api.update_user(mine["id"], {"lastName": "改名"}) == 403
        assert api.reset_password(mine["id"], good_password()) == 403
        assert api.delete_user(mine["id"]) == 403
        assert api.create_user(new_user_body([world.own_users_group["path"]]))[0] == 403
    assert admin.get_user(mine["id"])["lastName"] != "改名"

    # The successor has it all from their first sign-in.
    successor = world.person_in(world.a, OWN_CAT, "manager")
    assert world.api_as(successor).read_user(mine["id"])[0] == 200


def test_a_manager_cannot_add_an_existing_account_from_elsewhere(world):
    """Limit: a grant on an existing account that is not yet in the manager's group (R-USR-1,
    second half) is refused by Keycloak: adding someone to a group needs a permission on
    that person, and the manager has none outside their group. The agency's sync service
    does it on the manager's request.

    Covers: R-USR-1, R-USR-4
    """
    someone = world.target(OTHER_INSTITUTION)
    nobody_yet = world.make_user(required_actions=[])  # an account with no grant at all
    api = world.manager_api()
    for person in (someone, nobody_yet):
        assert api.add_to_group(person["id"], world.own_users_group["id"]) == 403
        assert world.own_users_group["id"] not in {g["id"] for g in world.admin.get_user_groups(person["id"])}


def test_a_person_with_grants_from_two_managers_is_managed_by_neither(world):
    """Limit: Keycloak 26.7 lets a permission that does not apply to an admin deny them
    (a DENY wins), so a person in two managers' users groups is out of both managers'
    reach, though the user list still shows them; the sync service handles such people.

    Covers: R-USR-4, R-CAT-1
    """
    shared = world.make_user(
        required_actions=[], groups=[world.own_users_group["path"], grant_group_path(world.b, OWN_CAT, "user")]
    )
    api = world.manager_api()
    assert api.read_user(shared["id"])[0] == 403
    assert api.update_user(shared["id"], {"lastName": "改名"}) == 403
    assert api.remove_from_group(shared["id"], world.own_users_group["id"]) == 403
    # The list still shows the person (it is filtered by group), but opening them is refused.
    assert shared["id"] in {u["id"] for u in api.list_users()[1]}


def test_the_managers_token_carries_only_query_roles(world, keycloak):
    """The manager's realm-management roles are query-users and query-groups, nothing more
    (view-users or manage-users would bypass the fine-grained permissions).

    Covers: R-USR-4
    """
    token = password_token(keycloak.url, world.manager["username"], world.manager["password"])
    rm = world.admin.get_client_id("realm-management")
    effective = {r["name"] for r in world.admin.get_composite_client_roles_of_user(world.manager["id"], rm)}
    assert effective == {"query-users", "query-groups"}
    assert AdminApiAs(keycloak.url, token).list_users()[0] == 200
