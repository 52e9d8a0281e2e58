"""Institution managers' admin-console permissions made, checked and repaired in
Keycloak (docs/decisions/0005-manager-permissions.md): the wanted state comes
from `keycloak_permission_model` (pure), the requests go through
`keycloak_authz.AuthzClient`, the groups through `keycloak_groups.GrantGroups`.

One way for one pair and for many: `ManagerPermissions.ensure`. An instance
remembers, for any number of threads (each with its own KeycloakAdmin), the
authorization endpoint, the manager role, the group ids and the objects it
has made or checked. An object it has not met is created straight away (a
409 falls back to the look-up and the drift check), and one shared by many
pairs (`mgr-root-path`, an institution's policy and path permission) is
checked once, not once per pair: ~10 requests for a new pair instead of ~30.
The sync service keeps one instance per process; the bench one per run.
`check` always looks everything up, for the reconciler; `repair` checks and,
on drift, makes the pair as wanted again.

`ready` is what the worker asks for: the pair whole, however many processes
met it before. `ensure` marks the pair's managers group last
(`screening.consolePermissions: made`); a process meeting that pair later
reads the group once and trusts the mark instead of trying a dozen objects
again (409s and look-ups: as much Keycloak work as making them, measured
in bench/provision.py --existing-pairs). A pair left half-made (a worker
killed in between) has no mark and is finished by the next `ready`; drift
made by hand after the mark is the reconciler's to find and repair.
"""

from __future__ import annotations

import threading
from typing import Any

from keycloak import KeycloakAdmin

from policies import MANAGER_ROLE

from ..domain import Level
from .keycloak_authz import AuthzClient, AuthzError
from .keycloak_groups import GROUP_OF_LEVEL, ROOT_GROUP, GrantGroups, find_group, grant_group_path
from .keycloak_permission_model import FoundPermission, ManagerAccess, WantedPermission, WantedPolicy

MADE_ATTRIBUTE, MADE = "screening.consolePermissions", "made"  # on the pair's managers group


class ManagerPermissions:
    def __init__(self, groups: GrantGroups | None = None) -> None:
        self.groups = groups or GrantGroups()
        self._lock = threading.Lock()
        self._base: str | None = None
        self._role_ids_known: tuple[str, str] | None = None
        self._policies: dict[str, tuple[str, frozenset]] = {}  # name -> (id, group ids held)
        self._permissions: dict[str, str] = {}  # name -> id
        self._name_locks: dict[str, threading.Lock] = {}
        self._marked: set[tuple[str, str]] = set()  # pairs known whole, made or met with their mark

    # ---- the uses ------------------------------------------------------------

    def ready(self, admin: KeycloakAdmin, institution: str, category: str) -> str:
        """The id of the pair's managers group, the pair whole (groups, roles, permissions):
        made by `ensure` on first need, afterwards known by its mark with one read."""
        path = grant_group_path(institution, category, Level.MANAGER)
        with self._lock:
            marked = (institution, category) in self._marked
        known = self.groups.cached(path)
        if known is not None and marked:
            return known
        if known is None:
            found = find_group(admin, path)
            if found is not None and MADE in (found.get("attributes") or {}).get(MADE_ATTRIBUTE, []):
                self.groups.remember(path, found["id"])
                with self._lock:
                    self._marked.add((institution, category))
                return found["id"]
        with self._lock:  # made again (its group removed by hand meanwhile?): marked again
            self._marked.discard((institution, category))
        self.ensure(admin, institution, category)
        return self.groups.ensure(admin, institution, category, Level.MANAGER)  # remembered by `ensure`

    def ensure(self, admin: KeycloakAdmin, institution: str, category: str) -> dict:
        """Make (or repair) the pair's groups, policies and permissions, then mark the pair whole;
        a re-run changes nothing. Returns the ids: {"policies": {name: id}, "permissions": {name: id}}."""
        access, api = self.access(admin, institution, category), self._client(admin)
        policy_ids = {p.name: self._policy(api, p) for p in access.policies()}
        permissions = {p.name: self._permission(api, p, policy_ids[p.policy.name]) for p in access.permissions()}
        self._mark(admin, access.managers_group_id, institution, category)
        return {"policies": policy_ids, "permissions": permissions}

    def _mark(self, admin: KeycloakAdmin, managers_group_id: str, institution: str, category: str) -> None:
        """Last, so only a whole pair carries it. The managers group has no other attribute."""
        with self._lock:
            if (institution, category) in self._marked:
                return
        admin.update_group(
            managers_group_id, {"name": GROUP_OF_LEVEL[Level.MANAGER], "attributes": {MADE_ATTRIBUTE: [MADE]}}
        )
        with self._lock:
            self._marked.add((institution, category))

    def check(self, admin: KeycloakAdmin, institution: str, category: str) -> list[str]:
        """What differs from the wanted state, in words; [] when none. Looks everything up."""
        access, api = self.access(admin, institution, category), self._client(admin)
        return access.drift(
            api.find_by_name,
            lambda wanted, found: api.policy_detail(wanted.kind, found["id"]),
            lambda wanted, found, policy_id: _found_permission(api, found),
        )

    def repair(self, admin: KeycloakAdmin, institution: str, category: str) -> list[str]:
        """`check`, then, on drift, make the pair as wanted again (whatever this instance remembers)."""
        drift = self.check(admin, institution, category)
        if drift:
            access = self.access(admin, institution, category)
            with self._lock:
                for wanted in access.policies():
                    self._policies.pop(wanted.name, None)
                for permission in access.permissions():
                    self._permissions.pop(permission.name, None)
            self.ensure(admin, institution, category)
        return drift

    # ---- the pair's groups and role --------------------------------------------

    def access(self, admin: KeycloakAdmin, institution: str, category: str) -> ManagerAccess:
        """The ids the pair's permissions refer to; its grant groups made on first need."""
        managers = self.groups.ensure(admin, institution, category, Level.MANAGER)
        users = self.groups.ensure(admin, institution, category, Level.USER)
        root = f"/{ROOT_GROUP}"
        root_id, institution_id, category_id = (
            self.groups.id_of(admin, path)
            for path in (root, f"{root}/{institution}", f"{root}/{institution}/{category}")
        )
        manager_role, user_administrators_role = self._role_ids(admin)
        return ManagerAccess(
            institution,
            category,
            manager_role,
            root_id,
            institution_id,
            category_id,
            managers,
            users,
            user_administrators_role,
        )

    def _role_ids(self, admin: KeycloakAdmin) -> tuple[str, str]:
        """The institution-manager realm role's id and realm-management manage-users' id."""
        if self._role_ids_known is None:
            known = role_ids(admin)
            with self._lock:
                self._role_ids_known = known
        return self._role_ids_known

    def _client(self, admin: KeycloakAdmin) -> AuthzClient:
        if self._base is None:
            base = AuthzClient.resource_server_path(admin)
            with self._lock:
                self._base = base
        return AuthzClient(admin, self._base)

    # ---- one object at a time ----------------------------------------------------

    def _lock_for(self, name: str) -> threading.Lock:
        with self._lock:
            return self._name_locks.setdefault(name, threading.Lock())

    def _policy(self, api: AuthzClient, wanted: WantedPolicy) -> str:
        with self._lock_for(wanted.name):  # an institution's policy is extended by its categories
            known = self._policies.get(wanted.name)
            if known is not None and set(wanted.group_ids) <= known[1]:
                return known[0]
            made = api.create(wanted.kind, wanted.payload()) if known is None else None
            if made is not None:
                self._policies[wanted.name] = (made["id"], frozenset(wanted.group_ids))
                return made["id"]
            found = _existing(api, wanted.name)  # there already: check it like any other
            detail = api.policy_detail(wanted.kind, found["id"])
            groups = tuple(g["id"] for g in detail.get("groups", []))
            if wanted.drift(detail):
                kept = wanted.kept_groups(detail)
                api.update(wanted.kind, found["id"], wanted.payload(kept))
                groups = tuple(dict.fromkeys(wanted.group_ids + kept))
            self._policies[wanted.name] = (found["id"], frozenset(groups))
            return found["id"]

    def _permission(self, api: AuthzClient, wanted: WantedPermission, policy_id: str) -> str:
        with self._lock_for(wanted.name):
            known = self._permissions.get(wanted.name)
            if known is not None:
                return known
            made = api.create("permission/scope", wanted.payload(policy_id))
            if made is not None:
                self._permissions[wanted.name] = made["id"]
                return made["id"]
            found = _existing(api, wanted.name)
            if wanted.drift(_found_permission(api, found), policy_id):
                api.update("permission/scope", found["id"], wanted.payload(policy_id))
            self._permissions[wanted.name] = found["id"]
            return found["id"]


def _found_permission(api: AuthzClient, found: dict) -> FoundPermission:
    return FoundPermission(
        resource_type=found.get("resourceType") or found.get("config", {}).get("defaultResourceType"),
        logic=found.get("logic", "POSITIVE"),
        group_ids=frozenset(api.resource_ids(found["id"])),
        scopes=frozenset(api.scope_names(found["id"])),
        policy_ids=frozenset(api.policy_ids(found["id"])),
    )


def role_ids(admin: KeycloakAdmin) -> tuple[str, str]:
    """The ids of the roles the permissions' role policies name: the institution-manager realm
    role and realm-management's manage-users."""
    realm_management = admin.get_client_id("realm-management")
    assert realm_management is not None
    manage_users = admin.get_client_role(realm_management, "manage-users")["id"]
    return admin.get_realm_role(MANAGER_ROLE)["id"], manage_users


def ensure_manager_permissions(admin: KeycloakAdmin, institution: str, category: str) -> dict:
    """`ManagerPermissions().ensure` for one pair, remembering nothing afterwards."""
    return ManagerPermissions().ensure(admin, institution, category)


def check_manager_permissions(admin: KeycloakAdmin, institution: str, category: str) -> list[str]:
    """`ManagerPermissions().check` for one pair."""
    return ManagerPermissions().check(admin, institution, category)


def _existing(api: AuthzClient, name: str) -> dict[str, Any]:
    """A policy or permission whose creation was refused as a duplicate (409): it is there."""
    found = api.find_by_name(name)
    if found is None:
        raise AuthzError(f"{name} was refused as existing, yet is not found", response_code=409)
    return found
