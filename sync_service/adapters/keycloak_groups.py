"""The access model in Keycloak (docs/decisions/0004-sync-service.md): a grant is membership of
`/institutions/{code}/{CAT}/managers` or `/users`; roles are mapped onto those
groups, so joining the group is the grant and nobody maps roles to people.
"""

from __future__ import annotations

import threading

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakError, KeycloakGetError

import policies
from policies import MANAGER_ROLE, category_role

from ..domain import Level

GROUP_OF_LEVEL = {Level.MANAGER: "managers", Level.USER: "users"}
ROOT_GROUP = "institutions"
# What the admin console shows beside a group's name (its description, "中文 / English"; the
# console script shows the reader's half, decision 0150). An institution's group is described by
# the institution's name (`describe_institution`), known from the application that made it.
LEVEL_WORDS = {"managers": "管理者 / Managers", "users": "使用者 / Users"}
ROOT_WORDS = "機構 / Institutions"


def group_description(path: str) -> str | None:
    """The description of a grant group or a group above it, from policies/ (None: an institution)."""
    parts = path.strip("/").split("/")
    if parts == [ROOT_GROUP]:
        return ROOT_WORDS
    if len(parts) == 3:
        c = policies.load().categories.get(parts[2])
        return f"{c.zh} / {c.en}" if c else None
    if len(parts) == 4:
        return LEVEL_WORDS.get(parts[3])
    return None


def describe_institution(admin: KeycloakAdmin, code: str, name: str) -> None:
    """The institution's group carries its name, for the console (decision 0150); nothing when
    the group does not exist or says it already."""
    group = find_group(admin, f"/{ROOT_GROUP}/{code}")
    if group is None or not name or group.get("description") == name:
        return
    admin.update_group(group["id"], {"name": group["name"], "description": name})


def institution_description(admin: KeycloakAdmin, code: str) -> str | None:
    """The name `describe_institution` gave the institution's group (None: no group, or none given)."""
    group = find_group(admin, f"/{ROOT_GROUP}/{code}")
    return (group or {}).get("description") or None


def grant_group_path(institution: str, category: str, level: Level | str) -> str:
    return f"/{ROOT_GROUP}/{institution}/{category}/{GROUP_OF_LEVEL[Level(level)]}"


def roles_of_grant(category: str, level: str) -> list[str]:
    roles = [category_role(category)]
    if level == Level.MANAGER:
        roles.append(MANAGER_ROLE)
    return roles


def find_group(admin: KeycloakAdmin, path: str) -> dict | None:
    try:
        group = admin.get_group_by_path(path)
    except KeycloakGetError as e:
        if e.response_code == 404:
            return None
        raise
    return group or None


def ensure_grant_group(admin: KeycloakAdmin, institution: str, category: str, level: str) -> dict:
    """The group of this grant ({"id", "path"}), its roles mapped; made on first need, idempotent.
    For one-off callers (the demo, tests); the sync service keeps one `GrantGroups`."""
    group_id = GrantGroups().ensure(admin, institution, category, level)
    return {"id": group_id, "path": grant_group_path(institution, category, level)}


class GrantGroups:
    """Ids of the grant groups and of the groups above them, made on first
    need with as few requests as may be: a new group is created straight away
    (its id comes back in the answer) and only looked up when it exists
    already (409). Role representations are fetched once. One instance may
    serve many threads: a race between two of them ends in a 409 and a look-up.

    A group's id is kept only once the group is complete (a leaf: its roles
    mapped), so nobody is handed a grant group without its roles. This is
    the one place where grant groups are made."""

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}  # path -> id
        self._roles: dict[str, dict] = {}  # realm role name -> representation
        self._lock = threading.Lock()

    def cached(self, path: str) -> str | None:
        with self._lock:
            return self._ids.get(path)

    def forget(self, path: str) -> None:
        with self._lock:
            self._ids.pop(path, None)

    def id_of(self, admin: KeycloakAdmin, path: str) -> str:
        """The id of a group above the grant groups, once `ensure` has made them."""
        known = self.cached(path)
        if known is None:
            found = find_group(admin, path)
            if found is None:
                raise KeycloakError(f"group {path} is missing", response_code=503)
            known = found["id"]
            self.remember(path, known)
        return known

    def remember(self, path: str, group_id: str) -> None:
        with self._lock:
            self._ids[path] = group_id

    def ensure(self, admin: KeycloakAdmin, institution: str, category: str, level: str) -> str:
        """The id of this grant's group, its roles mapped; made on first need, idempotent."""
        leaf = grant_group_path(institution, category, level)
        known = self.cached(leaf)
        if known:
            return known
        parent_id, path = None, ""
        for name in (ROOT_GROUP, institution, category):
            path = f"{path}/{name}"
            parent_id = self.cached(path) or self._make_or_find(admin, parent_id, name, path)[0]
            self.remember(path, parent_id)
        group_id, made = self._make_or_find(admin, parent_id, GROUP_OF_LEVEL[Level(level)], leaf)
        self._map_roles(admin, group_id, category, level, made)
        self.remember(leaf, group_id)
        return group_id

    @staticmethod
    def _make_or_find(admin: KeycloakAdmin, parent_id: str | None, name: str, path: str) -> tuple[str, bool]:
        """(id, made now?)"""
        try:
            group_id = admin.create_group({"name": name, **_described(path)}, parent=parent_id)
        except KeycloakError as e:
            if getattr(e, "response_code", None) != 409:
                raise
        else:
            if group_id:
                return group_id, True
        found = find_group(admin, path)
        if found is None:  # removed again in between: rare enough to be retried later
            raise KeycloakError(f"group {path} vanished while being made", response_code=503)
        return found["id"], False

    def _map_roles(self, admin: KeycloakAdmin, group_id: str, category: str, level: str, made: bool) -> None:
        wanted = roles_of_grant(category, level)
        have = set() if made else {r["name"] for r in admin.get_group_realm_roles(group_id)}
        missing = [self._role(admin, name) for name in wanted if name not in have]
        if missing:
            admin.assign_group_realm_roles(group_id, missing)

    def _role(self, admin: KeycloakAdmin, name: str) -> dict:
        with self._lock:
            role = self._roles.get(name)
        if role is None:
            role = admin.get_realm_role(name)
            with self._lock:
                self._roles[name] = role
        return role


def _described(path: str) -> dict:
    description = group_description(path)
    return {"description": description} if description else {}
