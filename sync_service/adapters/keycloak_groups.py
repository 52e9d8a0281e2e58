"""The access model in Keycloak (DESIGN.md): a grant is membership of
`/institutions/{code}/{CAT}/managers` or `/users`; roles are mapped onto those
groups, so joining the group is the grant and nobody maps roles to people.
"""
from __future__ import annotations

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakError, KeycloakGetError

GROUP_OF_LEVEL = {"manager": "managers", "user": "users"}
ROOT_GROUP = "institutions"


def grant_group_path(institution: str, category: str, level: str) -> str:
    return f"/{ROOT_GROUP}/{institution}/{category}/{GROUP_OF_LEVEL[level]}"


def roles_of_grant(category: str, level: str) -> list[str]:
    roles = [f"category:{category}"]
    if level == "manager":
        roles.append("institution-manager")
    return roles


def _find_group(admin: KeycloakAdmin, path: str) -> dict | None:
    try:
        group = admin.get_group_by_path(path)
    except KeycloakGetError as e:
        if e.response_code == 404:
            return None
        raise
    return group or None


def _ensure_child(admin: KeycloakAdmin, parent: dict | None, name: str) -> dict:
    path = f"{parent['path'] if parent else ''}/{name}"
    found = _find_group(admin, path)
    if found:
        return found
    try:
        admin.create_group({"name": name}, parent=parent["id"] if parent else None)
    except KeycloakError as e:
        if getattr(e, "response_code", None) != 409:  # made meanwhile by someone else: fine
            raise
    return _find_group(admin, path)


def ensure_grant_group(admin: KeycloakAdmin, institution: str, category: str, level: str) -> dict:
    """The group of this grant, with its roles mapped; made on first need, idempotent."""
    group = None
    for name in (ROOT_GROUP, institution, category, GROUP_OF_LEVEL[level]):
        group = _ensure_child(admin, group, name)
    wanted = roles_of_grant(category, level)
    have = {r["name"] for r in admin.get_group_realm_roles(group["id"])}
    missing = [admin.get_realm_role(r) for r in wanted if r not in have]
    if missing:
        admin.assign_group_realm_roles(group["id"], missing)
    return group
