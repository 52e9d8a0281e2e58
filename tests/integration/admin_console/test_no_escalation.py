"""A manager can never widen anyone's access, their own included: no `managers` group,
no roles, no users outside their group, no realm-management roles, no group changes,
no permission changes (docs/decisions/0005).
"""

from __future__ import annotations

import pytest

from sync_service.adapters.keycloak_groups import grant_group_path
from tests.integration.admin_console.world import OTHER_CAT, OWN_CAT, OWN_USER, new_user_body

REALM_MANAGEMENT_ROLES = (
    "manage-users",
    "view-users",
    "realm-admin",
    "manage-authorization",
    "manage-realm",
    "manage-clients",
    "impersonation",
    "view-realm",
)


def all_managers_groups(world) -> list[dict]:
    return [g for (code, cat, level), g in world.groups.items() if level == "manager"]


def group_ids_of(admin, user_id: str) -> set[str]:
    return {g["id"] for g in admin.get_user_groups(user_id)}


def assert_smuggling_refused(world, api, group: dict) -> None:
    """A managers group smuggled beside the manager's own users group: refused as a whole,
    nobody made. Keycloak 26.7.3 answers 403 when its realm cache holds the other group, and
    500 ("Unable to find group specified by path") when it does not: its membership check skips
    a group the manager cannot find, then making the memberships fails on it. Both refuse the
    whole request; which one comes is Keycloak's cache, not our design."""
    body = new_user_body([world.own_users_group["path"], group["path"]])
    assert api.create_user(body)[0] in (403, 500), group["path"]
    assert world.admin.get_user_id(body["username"]) is None


def test_nobody_can_be_put_into_any_managers_group(world):
    """Not themselves, not their own users, not via creation.

    Covers: R-USR-4, R-MGR-1
    """
    api, admin = world.manager_api(), world.admin
    own_user = world.target(OWN_USER)
    for group in all_managers_groups(world):
        for person in (world.manager, own_user):
            before = group_ids_of(admin, person["id"])
            assert api.add_to_group(person["id"], group["id"]) == 403, (person["username"], group["path"])
            assert group_ids_of(admin, person["id"]) == before
        body = new_user_body([group["path"]])
        assert api.create_user(body)[0] == 403, group["path"]
        assert admin.get_user_id(body["username"]) is None
        assert_smuggling_refused(world, api, group)


def test_a_smuggled_managers_group_is_refused_whatever_keycloak_has_cached(world):
    """The same smuggling with Keycloak's realm cache cleared first (as after an update of the
    group, an eviction or a restart): still refused as a whole, nobody made.

    Covers: R-USR-4, R-MGR-1
    """
    api, admin = world.manager_api(), world.admin
    for group in all_managers_groups(world):
        admin.clear_realm_cache()
        assert_smuggling_refused(world, api, group)


def test_a_manager_maps_no_role_to_anyone(world):
    """Not category roles, not institution-manager, not realm-management roles; not onto
    people, not onto their own users group.

    Covers: R-USR-4
    """
    api, admin = world.manager_api(), world.admin
    own_user = world.target(OWN_USER)
    realm_roles = [
        admin.get_realm_role(n)
        for n in ("institution-manager", f"category:{OWN_CAT}", f"category:{OTHER_CAT}", "hpa-reviewer")
    ]
    rm_id = admin.get_client_id("realm-management")
    rm_roles = [admin.get_client_role(rm_id, n) for n in REALM_MANAGEMENT_ROLES]
    for person in (world.manager, own_user):
        for role in realm_roles:
            assert api.map_realm_roles(person["id"], [role]) == 403, (person["username"], role["name"])
        for role in rm_roles:
            assert api.map_client_roles(person["id"], rm_id, [role]) == 403, (person["username"], role["name"])
        direct = {r["name"] for r in admin.get_realm_roles_of_user(person["id"])}
        assert not direct & {r["name"] for r in realm_roles}
        assert not admin.get_client_roles_of_user(person["id"], rm_id)
    for role in realm_roles:
        assert api.map_group_realm_roles(world.own_users_group["id"], [role]) == 403
    assert [r["name"] for r in admin.get_group_realm_roles(world.own_users_group["id"])] == [f"category:{OWN_CAT}"]


def test_roles_in_a_create_request_are_not_granted(world):
    """A create request that names roles makes the user, in the manager's group, without them.

    Covers: R-USR-4
    """
    api, admin = world.manager_api(), world.admin
    body = new_user_body(
        [world.own_users_group["path"]],
        realmRoles=["institution-manager", "hpa-reviewer"],
        clientRoles={"realm-management": ["realm-admin"]},
    )
    status, new_id = api.create_user(body)
    assert status == 201
    effective = {r["name"] for r in admin.get_composite_realm_roles_of_user(new_id)}
    assert "institution-manager" not in effective and "hpa-reviewer" not in effective
    assert not admin.get_client_roles_of_user(new_id, admin.get_client_id("realm-management"))


@pytest.mark.parametrize(
    "groups",
    [
        [],  # no group at all
        ["/institutions"],  # a group on the path
        ["/institutions/{a}"],
        ["/institutions/{a}/CRC-COL"],
        ["/institutions/{a}/CER-COL/users"],  # another category's users
        ["/institutions/{b}/CRC-COL/users"],  # another institution's users
    ],
    ids=["no-group", "root", "institution", "category", "other-category", "other-institution"],
)
def test_a_manager_creates_users_only_into_their_own_users_group(world, groups):
    """Covers: R-USR-1, R-USR-4"""
    body = new_user_body([g.format(a=world.a, b=world.b) for g in groups])
    assert world.manager_api().create_user(body)[0] == 403
    assert world.admin.get_user_id(body["username"]) is None


def test_a_manager_changes_no_group_and_no_permission(world):
    """Their own users group cannot be renamed, given subgroups, deleted or re-roled; the
    admin-permissions client is out of reach.

    Covers: R-USR-4
    """
    api, admin = world.manager_api(), world.admin
    users = world.own_users_group
    r = api._do("PUT", f"/groups/{users['id']}", json={"name": "managers"})
    assert r.status_code == 403
    r = api._do("POST", f"/groups/{users['id']}/children", json={"name": "managers"})
    assert r.status_code == 403
    r = api._do("POST", f"/groups/{world.group(world.a, OWN_CAT, 'manager')['id']}/children", json={"name": "x"})
    assert r.status_code == 403
    r = api._do("DELETE", f"/groups/{users['id']}")
    assert r.status_code == 403
    r = api._do("POST", "/groups", json={"name": "institutions2"})
    assert r.status_code == 403
    assert admin.get_group_by_path(grant_group_path(world.a, OWN_CAT, "user"))["id"] == users["id"]
    authz = f"/clients/{admin.get_client_id('admin-permissions')}/authz/resource-server"
    r = api._do("POST", f"{authz}/policy/group", json={"name": "mine", "groups": [{"id": users["id"]}]})
    assert r.status_code == 403
    r = api._do("PUT", "", json={"realm": "cancer-screening", "passwordPolicy": "length(1)"})
    assert r.status_code == 403
    assert "length(12)" in admin.get_realm("cancer-screening")["passwordPolicy"]


def test_a_manager_sees_only_the_groups_on_the_path_to_their_users(world):
    """The group tree a manager can browse (the console's group picker) holds their
    institution and category on the way to their `users` group, never a `managers` group,
    another category or another institution.

    Covers: R-USR-4
    """
    api = world.manager_api()
    status, top = api.top_groups()
    assert status == 200 and [g["name"] for g in top] == ["institutions"]
    status, institutions = api.subgroups(top[0]["id"])
    assert status == 200 and [g["name"] for g in institutions] == [world.a]
    status, categories = api.subgroups(institutions[0]["id"])
    assert status == 200 and [g["name"] for g in categories] == [OWN_CAT]
    status, leaves = api.subgroups(categories[0]["id"])
    assert status == 200 and [g["name"] for g in leaves] == ["users"]
    assert api.group(world.own_managers_group["id"]) == 403
    assert api.group_members(world.own_managers_group["id"])[0] == 403
    assert api.group(world.group(world.b, OWN_CAT, "user")["id"]) == 403
