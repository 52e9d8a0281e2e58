"""The reconciler at small size against the real Keycloak: it reads every pair in bulk,
repairs the drift it owns, leaves alone what it does not own, and reports its progress
(counts, rate, time left; no names) on stderr. The bench at 25,000 pairs is
bench/reconcile.py (docs/bench.md)."""

from __future__ import annotations

import io

from sync_service.__main__ import run_reconcile
from sync_service.adapters.keycloak_authz import AuthzClient
from sync_service.adapters.keycloak_groups import ensure_grant_group
from sync_service.adapters.keycloak_permission_model import path_permission_name, users_permission_name
from sync_service.adapters.keycloak_permissions import check_manager_permissions
from tests.support.sync import ready_application

from .test_provisioning import CAT, approve_and_apply

OTHER = "HPV-COL"


def _names(admin, path):
    return {m["username"] for m in admin.get_group_members(admin.get_group_by_path(path)["id"])}


def test_reconcile_repairs_what_it_owns_leaves_the_rest_and_reports_progress(
    wiring, worker, admin, make_user, institution
):
    """Covers: R-MGR-1, R-USR-4"""
    manager = make_user()
    approve_and_apply(
        wiring, worker, ready_application(wiring, "C", institution, manager["username"], email=manager["email"])
    )
    intruder, staff, stranger = (make_user() for _ in range(3))
    # Drift it owns: a manager added by hand; the users permission narrowed and cut from its policy.
    admin.group_user_add(intruder["id"], ensure_grant_group(admin, institution, CAT, "manager")["id"])
    api = AuthzClient(admin)
    users_permission = api.find_by_name(users_permission_name(institution, CAT))
    api.update(
        "permission/scope",
        users_permission["id"],
        {
            "name": users_permission["name"],
            "resourceType": "Groups",
            "resources": sorted(api.resource_ids(users_permission["id"])),
            "scopes": ["view"],
            "policies": [],
            "decisionStrategy": "UNANIMOUS",
            "logic": "POSITIVE",
        },
    )
    api.delete(api.find_by_name(path_permission_name(institution, CAT))["id"])
    # Not its own: a member of the users group, and a pair with no decided seat, made by hand.
    admin.group_user_add(staff["id"], ensure_grant_group(admin, institution, CAT, "user")["id"])
    admin.group_user_add(stranger["id"], ensure_grant_group(admin, institution, OTHER, "manager")["id"])
    assert check_manager_permissions(admin, institution, CAT) != []

    out, err = io.StringIO(), io.StringIO()
    assert run_reconcile(wiring, out, err) == 0

    base = f"/institutions/{institution}"
    assert _names(admin, f"{base}/{CAT}/managers") == {manager["username"]}
    assert check_manager_permissions(admin, institution, CAT) == []
    assert _names(admin, f"{base}/{CAT}/users") == {staff["username"]}
    assert _names(admin, f"{base}/{OTHER}/managers") == {stranger["username"]}
    assert api.find_by_name(users_permission_name(institution, OTHER)) is None
    assert intruder["username"] in out.getvalue()
    # Progress: counts, rate and time left, the last line at 100 %; never a name.
    last = err.getvalue().strip().splitlines()[-1]
    assert "(100%)" in last and "/s" in last and "left" in last, last
    for person in (manager, intruder, staff, stranger):
        assert person["username"] not in err.getvalue()

    again_out = io.StringIO()
    run_reconcile(wiring, again_out, io.StringIO())
    assert again_out.getvalue().strip().endswith("0 repairs / 修復 0 項"), again_out.getvalue()
