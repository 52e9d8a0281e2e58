"""ensure_manager_permissions is idempotent, check_manager_permissions names drift, and a
re-run repairs it (the reconciler's loop)."""

from __future__ import annotations

from stack.paths import REALM_NAME
from sync_service.adapters.keycloak_authz import AuthzClient
from sync_service.adapters.keycloak_permission_model import (
    institution_policy_name,
    managers_policy_name,
    users_permission_name,
)
from sync_service.adapters.keycloak_permissions import check_manager_permissions, ensure_manager_permissions


def test_ensure_is_idempotent_and_reuses_what_exists(admin, institution):
    """Covers: R-MGR-2, R-MGR-4"""
    first = ensure_manager_permissions(admin, institution, "CRC-COL")
    again = ensure_manager_permissions(admin, institution, "CRC-COL")
    assert first == again
    assert check_manager_permissions(admin, institution, "CRC-COL") == []
    api = AuthzClient(admin)
    for name in (*first["policies"], *first["permissions"]):
        assert api.find_by_name(name) is not None, name


def test_a_second_category_joins_the_institution_policy(admin, institution):
    """The institution's shared policy gathers the managers groups of all its categories.

    Covers: R-CAT-1
    """
    ensure_manager_permissions(admin, institution, "CRC-COL")
    ensure_manager_permissions(admin, institution, "GAS-LAB")
    api = AuthzClient(admin)
    policy = api.policy_detail("policy/group", api.find_by_name(institution_policy_name(institution))["id"])
    paths = {admin.get_group(g["id"])["path"] for g in policy["groups"]}
    assert paths == {f"/institutions/{institution}/CRC-COL/managers", f"/institutions/{institution}/GAS-LAB/managers"}
    assert check_manager_permissions(admin, institution, "CRC-COL") == []
    assert check_manager_permissions(admin, institution, "GAS-LAB") == []


def test_drift_is_reported_and_repaired(admin, institution):
    """Someone widens the permission (adds `manage` and the managers group) and points the
    policy at a child-extending group: the check says so, ensure puts it back.

    Covers: R-USR-4, R-MGR-1
    """
    ensure_manager_permissions(admin, institution, "CRC-COL")
    api = AuthzClient(admin)
    perm = api.find_by_name(users_permission_name(institution, "CRC-COL"))
    users = admin.get_group_by_path(f"/institutions/{institution}/CRC-COL/users")
    managers = admin.get_group_by_path(f"/institutions/{institution}/CRC-COL/managers")
    policy = api.find_by_name(managers_policy_name(institution, "CRC-COL"))
    api.update(
        "permission/scope",
        perm["id"],
        {
            "name": perm["name"],
            "resourceType": "Groups",
            "resources": [users["id"], managers["id"]],
            "scopes": ["view", "view-members", "manage-members", "manage-membership", "manage"],
            "policies": [policy["id"]],
            "decisionStrategy": "UNANIMOUS",
        },
    )
    api.update(
        "policy/group",
        policy["id"],
        {"name": policy["name"], "logic": "POSITIVE", "groups": [{"id": managers["id"], "extendChildren": True}]},
    )
    drift = check_manager_permissions(admin, institution, "CRC-COL")
    assert any("scopes" in d for d in drift) and any("groups" in d and "users" in d for d in drift)
    assert any("extends" in d or "groups" in d for d in drift if d.startswith(policy["name"]))

    ensure_manager_permissions(admin, institution, "CRC-COL")
    assert check_manager_permissions(admin, institution, "CRC-COL") == []


def test_missing_permissions_are_reported_and_made_again(admin, institution):
    """Someone deletes the pair's policy and users permission: the check names them, ensure
    makes them again (no rule id: what the reconciler relies on)."""
    ensure_manager_permissions(admin, institution, "CRC-COL")
    api = AuthzClient(admin)
    for name in (users_permission_name(institution, "CRC-COL"), managers_policy_name(institution, "CRC-COL")):
        found = api.find_by_name(name)
        api.delete(found["id"])
        api.delete(found["id"])  # gone already: no error
    drift = check_manager_permissions(admin, institution, "CRC-COL")
    assert f"{managers_policy_name(institution, 'CRC-COL')}: missing" in drift
    assert f"{users_permission_name(institution, 'CRC-COL')}: missing" in drift
    ensure_manager_permissions(admin, institution, "CRC-COL")
    assert check_manager_permissions(admin, institution, "CRC-COL") == []


class CountedRequests:
    """The admin API requests a KeycloakAdmin sends meanwhile, as (method, path from the realm);
    its own token refreshes are not counted."""

    def __init__(self, monkeypatch):
        import requests

        self.seen: list[tuple[str, str]] = []
        send = requests.Session.request

        def counted(session, method, url, *args, **kwargs):
            if "/admin/realms/" in url:
                self.seen.append((method, url.split("/admin/realms/", 1)[1]))
            return send(session, method, url, *args, **kwargs)

        monkeypatch.setattr(requests.Session, "request", counted)


def test_a_whole_pair_is_marked_and_a_process_meeting_it_later_reads_one_group(admin, institution, monkeypatch):
    """The worker's way (`ready`): the first manager grant makes the pair and marks its managers
    group last; a process that has not met the pair (a cold cache) recognises it by the mark
    alone, one request, instead of trying each group, policy and permission again."""
    from sync_service.adapters.keycloak_groups import GrantGroups
    from sync_service.adapters.keycloak_permissions import MADE, MADE_ATTRIBUTE, ManagerPermissions

    made_id = ManagerPermissions(GrantGroups()).ready(admin, institution, "CRC-COL")
    managers = admin.get_group_by_path(f"/institutions/{institution}/CRC-COL/managers")
    assert managers["id"] == made_id
    assert managers["attributes"] == {MADE_ATTRIBUTE: [MADE]}
    assert check_manager_permissions(admin, institution, "CRC-COL") == []

    requests = CountedRequests(monkeypatch)
    assert ManagerPermissions(GrantGroups()).ready(admin, institution, "CRC-COL") == made_id
    assert requests.seen == [("GET", f"{REALM_NAME}/group-by-path/institutions/{institution}/CRC-COL/managers")]


def test_a_pair_left_half_made_has_no_mark_and_is_finished_by_the_next_process(admin, institution):
    """A worker killed after the pair's groups but before its permissions leaves no mark: the
    next `ready` makes the missing permissions, then marks the pair."""
    from sync_service.adapters.keycloak_groups import GrantGroups, ensure_grant_group
    from sync_service.adapters.keycloak_permissions import MADE, MADE_ATTRIBUTE, ManagerPermissions

    ensure_grant_group(admin, institution, "GAS-LAB", "manager")
    ensure_grant_group(admin, institution, "GAS-LAB", "user")
    assert check_manager_permissions(admin, institution, "GAS-LAB") != []

    ManagerPermissions(GrantGroups()).ready(admin, institution, "GAS-LAB")
    assert check_manager_permissions(admin, institution, "GAS-LAB") == []
    managers = admin.get_group_by_path(f"/institutions/{institution}/GAS-LAB/managers")
    assert managers["attributes"] == {MADE_ATTRIBUTE: [MADE]}
