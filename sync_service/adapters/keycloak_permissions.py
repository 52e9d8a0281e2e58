"""Delegated administration for institution managers, with Keycloak's fine-grained
admin permissions v2 (docs/decisions/0005-manager-permissions.md).

For one (institution, category) the members of `/institutions/{code}/{CAT}/managers`
get, through policies and scope permissions on the realm's `admin-permissions` client:

- on the sibling `.../users` group: view, view-members, manage-members,
  manage-membership and manage-membership-of-members, so they can list, read,
  create into, update, disable, delete, reset the password of and mail the members of
  that group, and take them out of it;
- on the groups of its path (`/institutions`, `/institutions/{code}`,
  `/institutions/{code}/{CAT}`): view only, which the admin console needs to offer
  the `users` group in its group picker when a manager creates a user.

Nothing is granted on any `managers` group, on the Users resource type, on roles or
clients, and the manager's role holds only realm-management `query-users` and
`query-groups`. Every object is named from the pair (`mgr-{code}-{CAT}-...`,
`mgr-{code}-...` for the institution, `mgr-all-managers`/`mgr-root-path` for all), so
a re-run finds and reuses it, and the reconciler can ask what drifted.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakGetError

from policies import MANAGER_ROLE

from .keycloak_groups import ROOT_GROUP, ensure_grant_group, grant_group_path, roles_of_grant

ADMIN_PERMISSIONS_CLIENT = "admin-permissions"
GROUPS = "Groups"

# What a manager may do to their own users group and its members.
USERS_GROUP_SCOPES = ("view", "view-members", "manage-members", "manage-membership",
                      "manage-membership-of-members")
# What a manager may do to the groups above it: see them, nothing more.
PATH_GROUP_SCOPES = ("view",)

ALL_MANAGERS_POLICY = "mgr-all-managers"
ROOT_PATH_PERMISSION = "mgr-root-path"


def _prefix(institution: str, category: str) -> str:
    return f"mgr-{institution}-{category}"


def managers_policy_name(institution: str, category: str) -> str:
    return f"{_prefix(institution, category)}-managers"


def users_permission_name(institution: str, category: str) -> str:
    return f"{_prefix(institution, category)}-users"


def path_permission_name(institution: str, category: str) -> str:
    return f"{_prefix(institution, category)}-path"


def institution_policy_name(institution: str) -> str:
    return f"mgr-{institution}-managers"


def institution_path_permission_name(institution: str) -> str:
    return f"mgr-{institution}-path"


@dataclass(frozen=True)
class WantedPolicy:
    """Who a permission is for: the members of some groups, or the holders of a role."""
    name: str
    description: str
    group_ids: tuple[str, ...] = ()
    role_id: str | None = None
    # An institution's policy is shared by its categories: it must hold these groups, may hold more.
    open_ended: bool = False

    @property
    def kind(self) -> str:
        return "policy/role" if self.role_id else "policy/group"

    def payload(self, extra_group_ids: tuple[str, ...] = ()) -> dict:
        body = {"name": self.name, "description": self.description, "logic": "POSITIVE",
                "decisionStrategy": "UNANIMOUS"}
        if self.role_id:
            body["roles"] = [{"id": self.role_id, "required": False}]
        else:
            ids = list(dict.fromkeys(self.group_ids + tuple(extra_group_ids)))
            body["groups"] = [{"id": g, "extendChildren": False} for g in ids]
        return body

    def drift(self, detail: dict) -> list[str]:
        problems = []
        if detail.get("logic") != "POSITIVE":
            problems.append(f"{self.name}: logic {detail.get('logic')}")
        if self.role_id:
            have = {r["id"] for r in detail.get("roles", [])}
            if have != {self.role_id}:
                problems.append(f"{self.name}: roles {sorted(have)}, want [{self.role_id}]")
            return problems
        groups = detail.get("groups", [])
        have = {g["id"] for g in groups}
        want = set(self.group_ids)
        if (not want <= have) if self.open_ended else (have != want):
            problems.append(f"{self.name}: groups {sorted(have)}, want {sorted(want)}")
        if any(g.get("extendChildren") for g in groups):
            problems.append(f"{self.name}: extends to child groups")
        return problems


@dataclass(frozen=True)
class WantedPermission:
    """One scope permission as it should be: on these groups, these scopes, this policy."""
    name: str
    group_ids: tuple[str, ...]
    scopes: tuple[str, ...]
    policy: WantedPolicy
    description: str

    def payload(self, policy_id: str) -> dict:
        return {"name": self.name, "description": self.description, "resourceType": GROUPS,
                "resources": list(self.group_ids), "scopes": list(self.scopes),
                "policies": [policy_id], "decisionStrategy": "UNANIMOUS", "logic": "POSITIVE"}


@dataclass(frozen=True)
class ManagerAccess:
    """Everything one (institution, category) pair needs, from the realm root down.

    Keycloak 26.7 counts a Groups permission holding the scope `view` on any group above
    a user as a DENY of viewing that user for every admin its policy leaves out. So the
    path permissions are layered by who shares the group: `/institutions` is seen by every
    manager (role policy), `/institutions/{code}` by the managers of that institution, the
    category group by the pair's managers only (docs/decisions/0005).
    """
    institution: str
    category: str
    manager_role_id: str
    root_group_id: str
    institution_group_id: str
    category_group_id: str
    managers_group_id: str
    users_group_id: str

    def policies(self) -> dict[str, WantedPolicy]:
        code, cat = self.institution, self.category
        return {
            "all": WantedPolicy(ALL_MANAGERS_POLICY, "Every institution manager", role_id=self.manager_role_id),
            "institution": WantedPolicy(institution_policy_name(code), f"Managers of institution {code}",
                                        group_ids=(self.managers_group_id,), open_ended=True),
            "pair": WantedPolicy(managers_policy_name(code, cat), f"Managers of {code} {cat}",
                                 group_ids=(self.managers_group_id,)),
        }

    def permissions(self) -> list[WantedPermission]:
        code, cat, pol = self.institution, self.category, self.policies()
        pair = f"{code} {cat}"
        return [
            WantedPermission(ROOT_PATH_PERMISSION, (self.root_group_id,), PATH_GROUP_SCOPES, pol["all"],
                             "Every manager sees the /institutions group"),
            WantedPermission(institution_path_permission_name(code), (self.institution_group_id,),
                             PATH_GROUP_SCOPES, pol["institution"],
                             f"The managers of {code} see its institution group"),
            WantedPermission(path_permission_name(code, cat), (self.category_group_id,), PATH_GROUP_SCOPES,
                             pol["pair"], f"The managers of {pair} see its category group"),
            WantedPermission(users_permission_name(code, cat), (self.users_group_id,), USERS_GROUP_SCOPES,
                             pol["pair"], f"The managers of {pair} administer the members of its users group"),
        ]


class AuthzApi:
    """The authorization endpoints of the realm's `admin-permissions` client."""

    def __init__(self, admin: KeycloakAdmin, base: str | None = None):
        self.admin = admin
        if base is None:
            client_id = admin.get_client_id(ADMIN_PERMISSIONS_CLIENT)
            if client_id is None:
                raise RuntimeError("the realm has no admin-permissions client: is adminPermissionsEnabled on?")
            realm = admin.connection.realm_name
            base = f"admin/realms/{realm}/clients/{client_id}/authz/resource-server"
        self.base = base

    def _call(self, method: str, path: str, body: dict | None = None, expect=(200, 201, 204)):
        import json
        conn = self.admin.connection
        # base_url may end in "/" (python-keycloak keeps what it was given); Keycloak refuses "//".
        url = f"{conn.base_url.rstrip('/')}/{self.base}/{path}"
        if method == "GET":
            r = conn.raw_get(url)
        elif method == "POST":
            r = conn.raw_post(url, data=json.dumps(body))
        elif method == "PUT":
            r = conn.raw_put(url, data=json.dumps(body))
        else:
            r = conn.raw_delete(url)
        if r.status_code not in expect:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r.json() if r.status_code in (200, 201) and r.content else None

    def find_by_name(self, name: str) -> dict | None:
        """A policy or permission by exact name (the server answers 204 when there is none)."""
        from urllib.parse import quote
        return self._call("GET", f"policy/search?name={quote(name)}")

    def policy_detail(self, kind: str, policy_id: str) -> dict:
        return self._call("GET", f"{kind}/{policy_id}")

    def resource_ids(self, permission_id: str) -> set[str]:
        """The model ids (group ids) a permission applies to."""
        rows = self._call("GET", f"policy/{permission_id}/resources") or []
        return {r["name"] for r in rows}

    def scope_names(self, permission_id: str) -> set[str]:
        return {s["name"] for s in self._call("GET", f"policy/{permission_id}/scopes") or []}

    def policy_ids(self, permission_id: str) -> set[str]:
        return {p["id"] for p in self._call("GET", f"policy/{permission_id}/associatedPolicies") or []}

    def create(self, kind: str, body: dict) -> dict | None:
        """The new object; None when another worker made one of that name meanwhile."""
        try:
            return self._call("POST", kind, body)
        except RuntimeError as e:
            if " 409 " not in str(e):
                raise
            return None

    def update(self, kind: str, object_id: str, body: dict) -> None:
        self._call("PUT", f"{kind}/{object_id}", {**body, "id": object_id})

    def delete(self, object_id: str) -> None:
        self._call("DELETE", f"policy/{object_id}", expect=(204, 404))


def manager_access(admin: KeycloakAdmin, institution: str, category: str) -> ManagerAccess:
    """The groups of the pair (made on first need, roles mapped) as the permissions need them."""
    managers = ensure_grant_group(admin, institution, category, "manager")
    users = ensure_grant_group(admin, institution, category, "user")
    assert users["path"] == grant_group_path(institution, category, "user")
    root, inst, cat = (admin.get_group_by_path(p)["id"] for p in
                       (f"/{ROOT_GROUP}", f"/{ROOT_GROUP}/{institution}", f"/{ROOT_GROUP}/{institution}/{category}"))
    role = admin.get_realm_role(MANAGER_ROLE)
    return ManagerAccess(institution, category, role["id"], root, inst, cat, managers["id"], users["id"])


def _ensure_policy(api: AuthzApi, wanted: WantedPolicy, create_first: bool = False) -> tuple[str, frozenset]:
    """(id, the group ids it holds now). `create_first`: try the POST before any look-up
    (cheaper when the policy is new, as in bulk provisioning; a 409 falls back to the check)."""
    found = None if create_first else api.find_by_name(wanted.name)
    if found is None:
        made = api.create(wanted.kind, wanted.payload())
        if made is not None:
            return made["id"], frozenset(wanted.group_ids)
        found = api.find_by_name(wanted.name)  # made meanwhile: check it like any other
    detail = api.policy_detail(wanted.kind, found["id"])
    groups = tuple(g["id"] for g in detail.get("groups", []))
    if wanted.drift(detail):
        kept = groups if wanted.open_ended else ()
        api.update(wanted.kind, found["id"], wanted.payload(kept))
        groups = tuple(dict.fromkeys(wanted.group_ids + kept))
    return found["id"], frozenset(groups)


def _permission_drift(api: AuthzApi, found: dict, wanted: WantedPermission, policy_id: str) -> list[str]:
    drift = []
    resource_type = found.get("resourceType") or found.get("config", {}).get("defaultResourceType")
    if resource_type != GROUPS:
        drift.append(f"{wanted.name}: resource type {resource_type}, want {GROUPS}")
    if found.get("logic", "POSITIVE") != "POSITIVE":
        drift.append(f"{wanted.name}: logic {found.get('logic')}")
    have_groups = api.resource_ids(found["id"])
    if have_groups != set(wanted.group_ids):
        drift.append(f"{wanted.name}: groups {sorted(have_groups)}, want {sorted(wanted.group_ids)}")
    have_scopes = api.scope_names(found["id"])
    if have_scopes != set(wanted.scopes):
        drift.append(f"{wanted.name}: scopes {sorted(have_scopes)}, want {sorted(wanted.scopes)}")
    have_policies = api.policy_ids(found["id"])
    if have_policies != {policy_id}:
        drift.append(f"{wanted.name}: policies {sorted(have_policies)}, want [{policy_id}]")
    return drift


def _ensure_permission(api: AuthzApi, wanted: WantedPermission, policy_id: str, create_first: bool = False) -> str:
    found = None if create_first else api.find_by_name(wanted.name)
    if found is None:
        made = api.create("permission/scope", wanted.payload(policy_id))
        if made is not None:
            return made["id"]
        found = api.find_by_name(wanted.name)
    if _permission_drift(api, found, wanted, policy_id):
        api.update("permission/scope", found["id"], wanted.payload(policy_id))
    return found["id"]


class BulkProvisioning:
    """What many ensure_manager_permissions calls can share (one instance for a whole bulk run,
    any number of threads, each with its own KeycloakAdmin): the authz endpoint, the manager
    role, the ids of the groups above the grant groups, and the objects this run has made or
    checked already.

    With it, a pair's objects are created straight away (POST first; a 409 falls back to the
    look-up and drift check) and an object shared by several pairs (`mgr-root-path`, the
    institution's policy and path permission) is checked once per run, not once per pair.
    That cuts a new pair from ~30 requests to ~10. Without it, ensure_manager_permissions
    looks everything up first, as the reconciler wants.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._base: str | None = None
        self._role_id: str | None = None
        self._group_ids: dict[str, str] = {}  # path -> id, for the groups above the grant groups
        self._policies: dict[str, tuple[str, frozenset]] = {}  # name -> (id, group ids held)
        self._permissions: dict[str, str] = {}  # name -> id
        self._policy_locks: dict[str, threading.Lock] = {}

    def api(self, admin: KeycloakAdmin) -> AuthzApi:
        if self._base is None:
            base = AuthzApi(admin).base
            with self._lock:
                self._base = base
        return AuthzApi(admin, self._base)

    def role_id(self, admin: KeycloakAdmin) -> str:
        if self._role_id is None:
            role_id = admin.get_realm_role(MANAGER_ROLE)["id"]
            with self._lock:
                self._role_id = role_id
        return self._role_id

    def _group_id(self, admin: KeycloakAdmin, path: str) -> str:
        with self._lock:
            known = self._group_ids.get(path)
        if known is None:
            known = admin.get_group_by_path(path)["id"]
            with self._lock:
                self._group_ids[path] = known
        return known

    @staticmethod
    def _grant_group_id(admin: KeycloakAdmin, institution: str, category: str, level: str) -> str:
        """The grant group's id, its roles checked; made (ensure_grant_group) when missing."""
        try:
            group = admin.get_group_by_path(grant_group_path(institution, category, level))
        except KeycloakGetError as e:
            if e.response_code != 404:
                raise
            group = None
        if group:
            have = {r["name"] for r in admin.get_group_realm_roles(group["id"])}
            if set(roles_of_grant(category, level)) <= have:
                return group["id"]
        return ensure_grant_group(admin, institution, category, level)["id"]

    def access(self, admin: KeycloakAdmin, institution: str, category: str) -> ManagerAccess:
        managers = self._grant_group_id(admin, institution, category, "manager")
        users = self._grant_group_id(admin, institution, category, "user")
        root = f"/{ROOT_GROUP}"
        ids = [self._group_id(admin, p) for p in (root, f"{root}/{institution}", f"{root}/{institution}/{category}")]
        return ManagerAccess(institution, category, self.role_id(admin), *ids, managers, users)

    def _lock_for(self, name: str) -> threading.Lock:
        with self._lock:
            return self._policy_locks.setdefault(name, threading.Lock())

    def policy(self, api: AuthzApi, wanted: WantedPolicy) -> str:
        with self._lock_for(wanted.name):  # the institution's policy is extended by its categories
            known = self._policies.get(wanted.name)
            if known is not None and set(wanted.group_ids) <= known[1]:
                return known[0]
            policy_id, groups = _ensure_policy(api, wanted, create_first=known is None)
            self._policies[wanted.name] = (policy_id, groups)
            return policy_id

    def permission(self, api: AuthzApi, wanted: WantedPermission, policy_id: str) -> str:
        with self._lock_for(wanted.name):
            known = self._permissions.get(wanted.name)
            if known is None:
                known = self._permissions[wanted.name] = _ensure_permission(api, wanted, policy_id, create_first=True)
            return known


def ensure_manager_permissions(admin: KeycloakAdmin, institution: str, category: str,
                               bulk: BulkProvisioning | None = None) -> dict:
    """Make (or repair) the policies and permissions of the pair; a re-run changes nothing.

    `bulk`: one BulkProvisioning shared by the calls of a bulk run (faster; see there).
    Returns the ids: {"policies": {name: id}, "permissions": {name: id}}.
    """
    if bulk is not None:
        access, api = bulk.access(admin, institution, category), bulk.api(admin)
        policy_ids = {p.name: bulk.policy(api, p) for p in access.policies().values()}
        permissions = {p.name: bulk.permission(api, p, policy_ids[p.policy.name]) for p in access.permissions()}
        return {"policies": policy_ids, "permissions": permissions}
    access = manager_access(admin, institution, category)
    api = AuthzApi(admin)
    policy_ids = {p.name: _ensure_policy(api, p)[0] for p in access.policies().values()}
    permissions = {p.name: _ensure_permission(api, p, policy_ids[p.policy.name]) for p in access.permissions()}
    return {"policies": policy_ids, "permissions": permissions}


def check_manager_permissions(admin: KeycloakAdmin, institution: str, category: str) -> list[str]:
    """What differs from the wanted state, in words, for the reconciler; [] when none."""
    access = manager_access(admin, institution, category)
    api = AuthzApi(admin)
    drift, policy_ids = [], {}
    for wanted in access.policies().values():
        found = api.find_by_name(wanted.name)
        if found is None:
            drift.append(f"{wanted.name}: missing")
            continue
        policy_ids[wanted.name] = found["id"]
        drift.extend(wanted.drift(api.policy_detail(wanted.kind, found["id"])))
    for wanted in access.permissions():
        found = api.find_by_name(wanted.name)
        if found is None:
            drift.append(f"{wanted.name}: missing")
        elif wanted.policy.name in policy_ids:
            drift.extend(_permission_drift(api, found, wanted, policy_ids[wanted.policy.name]))
    return drift


def remove_manager_permissions(admin: KeycloakAdmin, institution: str, category: str) -> None:
    """Drop the pair's own permissions and policy (the pair is closed); idempotent.

    The shared ones (root, institution) stay: other pairs use them.
    """
    api = AuthzApi(admin)
    for name in (users_permission_name(institution, category), path_permission_name(institution, category),
                 managers_policy_name(institution, category)):
        found = api.find_by_name(name)
        if found is not None:
            api.delete(found["id"])
