"""A small world of institutions, categories, a manager and users, made through the same
adapters the sync service uses (ensure_grant_group, ensure_manager_permissions).
Shared by the integration and browser tests."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from keycloak import KeycloakAdmin

from sync_service.adapters.keycloak_groups import describe_institution, ensure_grant_group, grant_group_path
from sync_service.adapters.keycloak_permissions import ensure_manager_permissions
from tests.conftest import unique
from tests.integration.admin_console.manager_api import AdminApiAs
from tests.support.personal_data import national_id
from tests.support.tokens import password_token

OWN_CAT, OTHER_CAT = "CRC-COL", "CER-COL"

# The kinds of people a manager might act on, in the order the matrix prints them.
OWN_USER = "own users"
SAME_INSTITUTION_OTHER_CATEGORY = "other category, same institution"
OTHER_INSTITUTION = "other institution"
OTHER_MANAGER = "other managers"
THEMSELVES = "themselves"
# In the manager's users group and in another manager's: a DENY keeps both managers out.
SHARED_WITH_ANOTHER_MANAGER = "shared with another manager"
# The manager's user who is also the manager of another pair (a C at another institution).
# Seen by the manager of (institution B, CRC-COL) (ManagerWorld.seen_by_the_other_manager) the
# same two kinds are: a user of both pairs, and B's user who also manages (institution A, CRC-COL).
MANAGER_ELSEWHERE = "own user, manager elsewhere"
SHARED_KINDS = (SHARED_WITH_ANOTHER_MANAGER, MANAGER_ELSEWHERE)
TARGET_KINDS = (
    OWN_USER,
    SAME_INSTITUTION_OTHER_CATEGORY,
    OTHER_INSTITUTION,
    OTHER_MANAGER,
    THEMSELVES,
    *SHARED_KINDS,
)


def fresh_code() -> str:
    return f"{secrets.randbelow(10**10):010d}"


@dataclass
class ManagerWorld:
    """Two institutions x two categories, their groups and permissions, and one manager:
    the manager of (institution A, CRC-COL) (seen_by_the_other_manager: the manager of B's)."""

    admin: KeycloakAdmin
    make_user: Callable[..., dict[str, Any]]
    base_url: str
    a: str = field(default_factory=fresh_code)
    b: str = field(default_factory=fresh_code)
    groups: dict = field(default_factory=dict)  # (code, cat, level) -> group
    names: dict[str, str] = field(default_factory=dict)  # code -> the institution's name
    manager: dict | None = None

    def __post_init__(self) -> None:
        # The institutions' names, as their applications give them.
        self.names = self.names or {self.a: "臺北市立聯合醫院", self.b: "高雄榮民總醫院"}

    def provision(self) -> None:
        for code in (self.a, self.b):
            for cat in (OWN_CAT, OTHER_CAT):
                for level in ("manager", "user"):
                    self.groups[(code, cat, level)] = ensure_grant_group(self.admin, code, cat, level)
                ensure_manager_permissions(self.admin, code, cat)
            # As the sync service names an institution when it grants its manager (decision 0150).
            describe_institution(self.admin, code, self.names[code])
        self.manager = self.person_in(self.a, OWN_CAT, "manager")

    def seen_by_the_other_manager(self) -> ManagerWorld:
        """The same world from the other seat: its manager is the manager of (institution B,
        CRC-COL), made now, and "own" means B's pair. The groups, permissions and names are
        the ones provision made (nothing is made twice)."""
        other = self.person_in(self.b, OWN_CAT, "manager")
        return dataclasses.replace(self, a=self.b, b=self.a, manager=other)

    def group(self, code: str, cat: str, level: str) -> dict:
        return self.groups[(code, cat, level)]

    def person_in(self, code: str, cat: str, level: str) -> dict:
        """A signed-in-ready person (no pending actions) holding one grant."""
        return self.make_user(required_actions=[], groups=[grant_group_path(code, cat, level)])

    @property
    def own_users_group(self) -> dict:
        return self.group(self.a, OWN_CAT, "user")

    @property
    def own_managers_group(self) -> dict:
        return self.group(self.a, OWN_CAT, "manager")

    def grant_group_of(self, kind: str) -> dict:
        """The group a target of this kind belongs to (the one a manager would create it into)."""
        return {
            OWN_USER: self.own_users_group,
            SAME_INSTITUTION_OTHER_CATEGORY: self.group(self.a, OTHER_CAT, "user"),
            OTHER_INSTITUTION: self.group(self.b, OWN_CAT, "user"),
            OTHER_MANAGER: self.group(self.a, OTHER_CAT, "manager"),
            THEMSELVES: self.own_managers_group,
            SHARED_WITH_ANOTHER_MANAGER: self.own_users_group,
            MANAGER_ELSEWHERE: self.own_users_group,
        }[kind]

    def grant_groups_of(self, kind: str) -> list[dict]:
        """Every group a target of this kind belongs to."""
        if kind == SHARED_WITH_ANOTHER_MANAGER:
            return [self.own_users_group, self.group(self.b, OWN_CAT, "user")]
        if kind == MANAGER_ELSEWHERE:
            return [self.own_users_group, self.group(self.b, OWN_CAT, "manager")]
        return [self.grant_group_of(kind)]

    def admin_group(self) -> dict:
        """A group that confers realm-admin (keycloak#53060), made once per world."""
        if "admin" not in self.groups:
            name = unique("admins")
            self.admin.create_group({"name": name})
            group = self.admin.get_group_by_path(f"/{name}")
            rm = self.admin.get_client_id("realm-management")
            self.admin.assign_group_client_roles(group["id"], rm, [self.admin.get_client_role(rm, "realm-admin")])
            self.groups["admin"] = group
        return self.groups["admin"]

    def target(self, kind: str) -> dict:
        """A fresh person of this kind (the manager themselves for THEMSELVES)."""
        if kind == THEMSELVES:
            return self.manager
        return self.make_user(required_actions=[], groups=[g["path"] for g in self.grant_groups_of(kind)])

    def api_as(self, person: dict) -> AdminApiAs:
        return AdminApiAs(self.base_url, password_token(self.base_url, person["username"], person["password"]))

    def manager_api(self) -> AdminApiAs:
        return self.api_as(self.manager)


def new_user_body(groups: list[str], **extra) -> dict:
    """What the console sends when a manager creates a person (the realm's profile needs
    names, e-mail, phone and department)."""
    username = unique("n")
    return {
        "username": username,
        "email": f"{username}@clinic.example.tw",
        "enabled": True,
        "firstName": "雅婷",
        "lastName": "林",
        "attributes": {"phone": ["(02)2559-1969#117"], "department": ["檢驗科"], "nationalId": [national_id()]},
        "groups": groups,
        **extra,
    }
