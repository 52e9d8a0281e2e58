"""The state of many (institution, category) pairs read from Keycloak at once, for the
reconciler (docs/decisions/0112-reconcile-in-bulk.md).

What Keycloak 26.7 lets us read in bulk is read in bulk, paged:

- the grant groups: `GET /groups?search=managers&exact=true` and `search=users` page over
  the matching groups and answer each with its path from the realm root, so a few
  requests give the ids of every pair's groups and of the groups above them;
- the policies (`policy?permission=false`, their config holds the group or role ids)
  and the scope permissions (`permission?fields=*`, with their resources and scopes) of
  the `admin-permissions` client.

Two things it cannot list in bulk, so they cost one request per pair, run over a few
threads: the members of a `managers` group (no bulk membership read), and which
permissions use a pair's policy (`policy/{id}/dependentPolicies`; the permission listing
leaves associated policies out). An institution's and the realm-wide policy's dependants
are read once each. The wanted state and the comparison are the same as the one-pair
check's (`keycloak_permission_model`), so both find the same drift.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from keycloak import KeycloakAdmin

from ..services.ports import PairState
from .keycloak_authz import AuthzClient
from .keycloak_groups import ROOT_GROUP
from .keycloak_permission_model import FoundPermission, ManagerAccess, managers_policy_name
from .keycloak_permissions import role_ids

PAGE = 1000  # objects per listing request: large pages, few requests, each well within the timeout
MEMBERS_PAGE = 100  # a managers group holds one member; more is drift, read all of it anyway
Pair = tuple[str, str]


class PairsReader:
    """One read of many pairs. `admin_for_thread()` gives each worker thread its client."""

    def __init__(self, admin: KeycloakAdmin, admin_for_thread: Callable[[], KeycloakAdmin], threads: int = 4):
        self.admin = admin
        self.admin_for_thread = admin_for_thread
        self.threads = max(1, threads)
        self._dependants: dict[str, frozenset[str]] = {}  # policy id -> ids of the permissions using it
        self._lock = threading.Lock()

    def read(self, pairs: Sequence[Pair], progress: Callable[[int], None] | None = None) -> dict[Pair, PairState]:
        groups = {**self._groups_named("managers"), **self._groups_named("users")}
        api = AuthzClient(self.admin)
        policies = {p["name"]: p for p in self._listing(api, "policy?permission=false") if p["name"].startswith("mgr-")}
        permissions = {p["name"]: p for p in self._listing(api, "permission?fields=*") if p["name"].startswith("mgr-")}
        roles = role_ids(self.admin)
        local = threading.local()

        def one(pair: Pair) -> tuple[Pair, PairState]:
            if getattr(local, "admin", None) is None:
                local.admin = self.admin_for_thread()
            state = self._pair(local.admin, api.base, pair, groups, policies, permissions, roles)
            if progress:
                progress(1)
            return pair, state

        with ThreadPoolExecutor(self.threads, thread_name_prefix="reconcile") as pool:
            return dict(pool.map(one, pairs))

    # ---- bulk listings ----------------------------------------------------------

    def _groups_named(self, name: str) -> dict[str, str]:
        """path -> id of every group under /institutions on the way to a group of this name."""
        found: dict[str, str] = {}
        first = 0
        while True:
            page = self.admin.connection.raw_get(
                f"{(self.admin.connection.base_url or '').rstrip('/')}/admin/realms/{self.admin.connection.realm_name}/groups",
                search=name,
                exact="true",
                first=first,
                max=PAGE,
                briefRepresentation="true",
            )
            page.raise_for_status()
            trees = page.json()
            if _walk(trees, found, name) < PAGE:
                return {p: i for p, i in found.items() if p == f"/{ROOT_GROUP}" or p.startswith(f"/{ROOT_GROUP}/")}
            first += PAGE

    @staticmethod
    def _listing(api: AuthzClient, query: str) -> list[dict]:
        rows: list[dict[str, Any]] = []
        first = 0
        while True:
            page = api._call("GET", f"{query}&first={first}&max={PAGE}") or []
            rows += page
            if len(page) < PAGE:
                return rows
            first += PAGE

    # ---- one pair ---------------------------------------------------------------

    def _pair(self, admin, base, pair, groups, policies, permissions, roles) -> PairState:
        code, cat = pair
        root = f"/{ROOT_GROUP}"
        paths = (
            root,
            f"{root}/{code}",
            f"{root}/{code}/{cat}",
            f"{root}/{code}/{cat}/managers",
            f"{root}/{code}/{cat}/users",
        )
        missing = [p for p in paths if p not in groups]
        managers_id = groups.get(paths[3])
        members = _members(admin, managers_id) if managers_id else {}
        if missing:
            return PairState(members, tuple(f"group {p}: missing" for p in missing))
        manager_role, user_administrators_role = roles
        root_id, institution_id, category_id, managers_group_id, users_id = (groups[p] for p in paths)
        access = ManagerAccess(
            code,
            cat,
            manager_role,
            root_id,
            institution_id,
            category_id,
            managers_group_id,
            users_id,
            user_administrators_role,
        )
        api = AuthzClient(admin, base)
        pair_policy = managers_policy_name(code, cat)

        def permission_found(wanted, found: dict, policy_id: str) -> FoundPermission:
            uses = self._dependants_of(api, policy_id, shared=wanted.policy.name != pair_policy)
            return _found_permission(found, policy_id if found["id"] in uses else None)

        drift = access.drift(
            lambda name: policies.get(name) or permissions.get(name),
            lambda wanted, found: _policy_detail(found),
            permission_found,
        )
        return PairState(members, tuple(drift))

    def _dependants_of(self, api: AuthzClient, policy_id: str, shared: bool) -> frozenset[str]:
        """Ids of the permissions that use this policy; a policy shared by many pairs is read once."""
        if shared:
            with self._lock:
                known = self._dependants.get(policy_id)
            if known is not None:
                return known
        ids = frozenset(p["id"] for p in api._call("GET", f"policy/{policy_id}/dependentPolicies") or [])
        if shared:
            with self._lock:
                self._dependants[policy_id] = ids
        return ids


def _walk(trees: list[dict], found: dict[str, str], name: str) -> int:
    """Record every group's path and id; returns how many groups of that name (the page's matches) it held."""
    matches = 0
    for group in trees:
        found[group["path"]] = group["id"]
        matches += (group["name"] == name) + _walk(group.get("subGroups") or [], found, name)
    return matches


def _members(admin: KeycloakAdmin, group_id: str) -> dict[str, str]:
    members, first = {}, 0
    while True:
        page = admin.get_group_members(group_id, {"briefRepresentation": True, "first": first, "max": MEMBERS_PAGE})
        members.update({u["username"]: u["id"] for u in page})
        if len(page) < MEMBERS_PAGE:
            return members
        first += MEMBERS_PAGE


def _policy_detail(found: dict) -> dict:
    """A listed policy in the shape of its detail (`policy/group/{id}`), as the model compares it."""
    config = found.get("config") or {}
    detail = {"logic": found.get("logic")}
    if "groups" in config:
        detail["groups"] = json.loads(config["groups"])
    if "roles" in config:
        detail["roles"] = json.loads(config["roles"])
    return detail


def _found_permission(found: dict, policy_id: str | None) -> FoundPermission:
    return FoundPermission(
        resource_type=found.get("resourceType") or (found.get("config") or {}).get("defaultResourceType"),
        logic=found.get("logic", "POSITIVE"),
        group_ids=frozenset(r["name"] for r in found.get("resourcesData") or []),
        scopes=frozenset(s["name"] for s in found.get("scopesData") or []),
        policy_ids=frozenset({policy_id} if policy_id else ()),
    )
