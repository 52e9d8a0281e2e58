"""What an institution manager's admin-console permissions should be, as values:
no HTTP here (the client is `keycloak_authz`, the provisioning `keycloak_permissions`).
Keycloak's fine-grained admin permissions v2; docs/decisions/0005-manager-permissions.md.

For one (institution, category) the members of `/institutions/{code}/{CAT}/managers`
get, through policies and scope permissions on the realm's `admin-permissions` client:

- on the sibling `.../users` group: view, view-members, manage-members,
  manage-membership and manage-membership-of-members, so they can list, read,
  create into, update, disable, delete, reset the password of and mail the members of
  that group, and take them out of it;
- on the groups of its path (`/institutions`, `/institutions/{code}`,
  `/institutions/{code}/{CAT}`): view only, which the admin console needs to offer
  the `users` group in its group picker when a manager creates a user.

Nothing is granted to a manager on any `managers` group, on the Users resource type, on
roles or clients, and the manager's role holds only realm-management `query-users` and
`query-groups`. Each `managers` group carries one permission all the same, on its members
(manage-members, manage-membership-of-members) for those who administer every user
(realm-management `manage-users`: the sync service, the realm's administrators, who have that
right anyway): to every other admin it is a DENY, so a manager's user who also manages another
pair is out of the first manager's reach, as a person in two users groups is (issue 18 item 4,
docs/decisions/0127-people-with-grants-in-several-pairs.md). Every object is named from the pair (`mgr-{code}-{CAT}-...`,
`mgr-{code}-...` for the institution, `mgr-all-managers`/`mgr-root-path` for all), so
a re-run finds and reuses it, and the reconciler can ask what drifted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

GROUPS = "Groups"

# What a manager may do to their own users group and its members.
USERS_GROUP_SCOPES = ("view", "view-members", "manage-members", "manage-membership", "manage-membership-of-members")
# What a manager may do to the groups above it: see them, nothing more.
PATH_GROUP_SCOPES = ("view",)

ALL_MANAGERS_POLICY = "mgr-all-managers"
USER_ADMINISTRATORS_POLICY = "mgr-user-administrators"
# What only user administrators may do to the members of a managers group: its DENY to everyone
# else protects them (Keycloak 26.7.3 then refuses their manager to open them too, as for a person
# in two users groups: they show in the list only).
MANAGERS_GROUP_SCOPES = ("manage-members", "manage-membership-of-members")
ROOT_PATH_PERMISSION = "mgr-root-path"


def _prefix(institution: str, category: str) -> str:
    return f"mgr-{institution}-{category}"


def managers_policy_name(institution: str, category: str) -> str:
    return f"{_prefix(institution, category)}-managers"


def users_permission_name(institution: str, category: str) -> str:
    return f"{_prefix(institution, category)}-users"


def managers_permission_name(institution: str, category: str) -> str:
    return f"{_prefix(institution, category)}-managers-members"


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
        body: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "logic": "POSITIVE",
            "decisionStrategy": "UNANIMOUS",
        }
        if self.role_id:
            body["roles"] = [{"id": self.role_id, "required": False}]
        else:
            ids = list(dict.fromkeys(self.group_ids + tuple(extra_group_ids)))
            body["groups"] = [{"id": g, "extendChildren": False} for g in ids]
        return body

    def drift(self, detail: dict) -> list[str]:
        """What differs between this and the policy Keycloak holds (its detail), in words."""
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

    def kept_groups(self, detail: dict) -> tuple[str, ...]:
        """The groups a repair keeps: an open-ended policy keeps the other categories' groups."""
        return tuple(g["id"] for g in detail.get("groups", [])) if self.open_ended else ()


@dataclass(frozen=True)
class FoundPermission:
    """A scope permission as Keycloak holds it: the fields the wanted one is compared on."""

    resource_type: str | None
    logic: str
    group_ids: frozenset[str]
    scopes: frozenset[str]
    policy_ids: frozenset[str]


@dataclass(frozen=True)
class WantedPermission:
    """One scope permission as it should be: on these groups, these scopes, this policy."""

    name: str
    group_ids: tuple[str, ...]
    scopes: tuple[str, ...]
    policy: WantedPolicy
    description: str

    def payload(self, policy_id: str) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "resourceType": GROUPS,
            "resources": list(self.group_ids),
            "scopes": list(self.scopes),
            "policies": [policy_id],
            "decisionStrategy": "UNANIMOUS",
            "logic": "POSITIVE",
        }

    def drift(self, found: FoundPermission, policy_id: str) -> list[str]:
        """What differs between this and `found`, in words."""
        drift = []
        if found.resource_type != GROUPS:
            drift.append(f"{self.name}: resource type {found.resource_type}, want {GROUPS}")
        if found.logic != "POSITIVE":
            drift.append(f"{self.name}: logic {found.logic}")
        if found.group_ids != set(self.group_ids):
            drift.append(f"{self.name}: groups {sorted(found.group_ids)}, want {sorted(self.group_ids)}")
        if found.scopes != set(self.scopes):
            drift.append(f"{self.name}: scopes {sorted(found.scopes)}, want {sorted(self.scopes)}")
        if found.policy_ids != {policy_id}:
            drift.append(f"{self.name}: policies {sorted(found.policy_ids)}, want [{policy_id}]")
        return drift


@dataclass(frozen=True)
class ManagerAccess:
    """Everything one (institution, category) pair needs, from the realm root down.

    Keycloak 26.7 counts a Groups permission holding the scope `view` on any group above
    a user as a DENY of viewing that user for every admin its policy leaves out. So the
    path permissions are layered by who shares the group: `/institutions` is seen by every
    manager (role policy), `/institutions/{code}` by the managers of that institution, the
    category group by the pair's managers only (docs/decisions/0005-manager-permissions.md).
    """

    institution: str
    category: str
    manager_role_id: str
    root_group_id: str
    institution_group_id: str
    category_group_id: str
    managers_group_id: str
    users_group_id: str
    user_administrators_role_id: str  # realm-management manage-users

    def policies(self) -> list[WantedPolicy]:
        code, cat = self.institution, self.category
        return [
            WantedPolicy(ALL_MANAGERS_POLICY, "Every institution manager", role_id=self.manager_role_id),
            WantedPolicy(
                institution_policy_name(code),
                f"Managers of institution {code}",
                group_ids=(self.managers_group_id,),
                open_ended=True,
            ),
            WantedPolicy(
                managers_policy_name(code, cat), f"Managers of {code} {cat}", group_ids=(self.managers_group_id,)
            ),
            WantedPolicy(
                USER_ADMINISTRATORS_POLICY,
                "Those who administer every user (realm-management manage-users)",
                role_id=self.user_administrators_role_id,
            ),
        ]

    def permissions(self) -> list[WantedPermission]:
        code, cat = self.institution, self.category
        every, institution, pair, user_administrators = self.policies()
        both = f"{code} {cat}"
        return [
            WantedPermission(
                ROOT_PATH_PERMISSION,
                (self.root_group_id,),
                PATH_GROUP_SCOPES,
                every,
                "Every manager sees the /institutions group",
            ),
            WantedPermission(
                institution_path_permission_name(code),
                (self.institution_group_id,),
                PATH_GROUP_SCOPES,
                institution,
                f"The managers of {code} see its institution group",
            ),
            WantedPermission(
                path_permission_name(code, cat),
                (self.category_group_id,),
                PATH_GROUP_SCOPES,
                pair,
                f"The managers of {both} see its category group",
            ),
            WantedPermission(
                users_permission_name(code, cat),
                (self.users_group_id,),
                USERS_GROUP_SCOPES,
                pair,
                f"The managers of {both} administer the members of its users group",
            ),
            WantedPermission(
                managers_permission_name(code, cat),
                (self.managers_group_id,),
                MANAGERS_GROUP_SCOPES,
                user_administrators,
                f"The managers of {both} are changed by user administrators only: a DENY to any other "
                "manager whose users group they are also in",
            ),
        ]

    def drift(
        self,
        find: Callable[[str], dict | None],
        policy_detail: Callable[[WantedPolicy, dict], dict],
        permission_found: Callable[[WantedPermission, dict, str], FoundPermission],
    ) -> list[str]:
        """What differs from the wanted state, in words ([] when none), however the policies and
        permissions were read: `find` by name (one request each, or from a bulk listing), the
        found policy's detail, and a found permission as the model compares it."""
        drift, policy_ids = [], {}
        for wanted in self.policies():
            found = find(wanted.name)
            if found is None:
                drift.append(f"{wanted.name}: missing")
                continue
            policy_ids[wanted.name] = found["id"]
            drift.extend(wanted.drift(policy_detail(wanted, found)))
        for permission in self.permissions():
            found = find(permission.name)
            if found is None:
                drift.append(f"{permission.name}: missing")
            elif permission.policy.name in policy_ids:
                policy_id = policy_ids[permission.policy.name]
                drift.extend(permission.drift(permission_found(permission, found, policy_id), policy_id))
        return drift
