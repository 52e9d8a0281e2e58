"""The wanted state of a manager's admin-console permissions, as pure values
(adapters/keycloak_permission_model.py); the requests are tested against the real
Keycloak in tests/integration/admin_console/."""

from __future__ import annotations

from sync_service.adapters.keycloak_permission_model import (
    ALL_MANAGERS_POLICY,
    MANAGERS_GROUP_SCOPES,
    PATH_GROUP_SCOPES,
    ROOT_PATH_PERMISSION,
    USER_ADMINISTRATORS_POLICY,
    FoundPermission,
    ManagerAccess,
    WantedPolicy,
    institution_policy_name,
    managers_policy_name,
    users_permission_name,
)

ACCESS = ManagerAccess(
    "0401180014",
    "CRC-COL",
    manager_role_id="role",
    root_group_id="root",
    institution_group_id="inst",
    category_group_id="cat",
    managers_group_id="mgrs",
    users_group_id="users",
    user_administrators_role_id="manage-users",
)


def test_the_pair_acts_on_its_users_group_and_only_sees_the_groups_above():
    """Covers: R-USR-1, R-USR-4"""
    by_group = {p.group_ids: p for p in ACCESS.permissions()}
    assert set(by_group) == {("root",), ("inst",), ("cat",), ("users",), ("mgrs",)}
    assert "manage" not in by_group[("users",)].scopes and "manage-members" in by_group[("users",)].scopes
    # The managers group: nothing for any manager; its members changed by user administrators only
    # (to everyone else a DENY: a manager's user who manages another pair is out of reach).
    on_managers = by_group[("mgrs",)]
    assert on_managers.scopes == MANAGERS_GROUP_SCOPES
    assert on_managers.policy.name == USER_ADMINISTRATORS_POLICY
    assert on_managers.policy.role_id == "manage-users" and on_managers.policy.kind == "policy/role"
    for above in ("root", "inst", "cat"):
        assert by_group[(above,)].scopes == PATH_GROUP_SCOPES == ("view",)


def test_path_permissions_are_layered_by_who_shares_the_group():
    """Covers: R-USR-4"""
    policy_of = {p.group_ids[0]: p.policy.name for p in ACCESS.permissions()}
    assert policy_of == {
        "root": ALL_MANAGERS_POLICY,
        "inst": institution_policy_name("0401180014"),
        "cat": managers_policy_name("0401180014", "CRC-COL"),
        "users": managers_policy_name("0401180014", "CRC-COL"),
        "mgrs": USER_ADMINISTRATORS_POLICY,
    }
    every, institution, pair, _user_administrators = ACCESS.policies()
    assert every.role_id == "role" and every.kind == "policy/role"
    assert institution.open_ended and not pair.open_ended and pair.group_ids == ("mgrs",)


def test_policy_drift_in_words():
    """Child-extending groups, a foreign group, a negative logic: each is named (no rule id: the reconciler's eyes)."""
    pair = WantedPolicy("p", "d", group_ids=("mgrs",))
    assert pair.drift({"logic": "POSITIVE", "groups": [{"id": "mgrs", "extendChildren": False}]}) == []
    drift = pair.drift({"logic": "NEGATIVE", "groups": [{"id": "mgrs", "extendChildren": True}, {"id": "x"}]})
    assert drift == ["p: logic NEGATIVE", "p: groups ['mgrs', 'x'], want ['mgrs']", "p: extends to child groups"]
    role = WantedPolicy("r", "d", role_id="role")
    assert role.drift({"logic": "POSITIVE", "roles": [{"id": "other"}]}) == ["r: roles ['other'], want [role]"]


def test_an_institution_policy_keeps_its_other_categories():
    """A second category's managers group stays in the institution's policy; a missing one is drift."""
    institution = WantedPolicy("i", "d", group_ids=("mgrs",), open_ended=True)
    both = {"logic": "POSITIVE", "groups": [{"id": "mgrs"}, {"id": "other-cat"}]}
    assert institution.drift(both) == []
    assert institution.kept_groups(both) == ("mgrs", "other-cat")
    assert institution.drift({"logic": "POSITIVE", "groups": [{"id": "other-cat"}]}) != []
    assert [g["id"] for g in institution.payload(("other-cat",))["groups"]] == ["mgrs", "other-cat"]
    assert WantedPolicy("p", "d", group_ids=("mgrs",)).kept_groups(both) == ()


def test_permission_drift_in_words():
    """Every compared field of a permission is reported when it differs (no rule id)."""
    users = next(p for p in ACCESS.permissions() if p.name == users_permission_name("0401180014", "CRC-COL"))
    as_wanted = FoundPermission("Groups", "POSITIVE", frozenset({"users"}), frozenset(users.scopes), frozenset({"pid"}))
    assert users.drift(as_wanted, "pid") == []
    widened = FoundPermission(
        "Users",
        "NEGATIVE",
        frozenset({"users", "mgrs"}),
        frozenset(users.scopes) | {"manage"},
        frozenset({"pid", "other"}),
    )
    assert [d.split(":")[1].split()[0] for d in users.drift(widened, "pid")] == [
        "resource",
        "logic",
        "groups",
        "scopes",
        "policies",
    ]
    payload = users.payload("pid")
    assert payload["resources"] == ["users"] and payload["policies"] == ["pid"] and payload["resourceType"] == "Groups"
    assert next(p for p in ACCESS.permissions() if p.name == ROOT_PATH_PERMISSION).group_ids == ("root",)
