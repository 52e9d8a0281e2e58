"""The `EventSource` port on Keycloak's admin API (decision 0090): stored user events
(`/events`) and admin events (`/admin-events`), read by the `sync-service` client's service
account (realm-management `view-events`, `view-users`)."""

from __future__ import annotations

import math

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakError

from ..domain.keycloak_events import ADMIN, People, Person, institution_of_group
from ..services.ports import DirectoryUnavailable

_PATH = {"user": "events", ADMIN: "admin-events"}


class KeycloakEventSource:
    def __init__(self, server_url: str, realm: str, client_id: str, client_secret: str, timeout: float = 10) -> None:
        self.realm = realm
        self.admin = KeycloakAdmin(
            server_url=server_url.rstrip("/") + "/",
            realm_name=realm,
            user_realm_name=realm,
            client_id=client_id,
            client_secret_key=client_secret,
            timeout=math.ceil(timeout),  # python-keycloak takes whole seconds
        )

    def events(
        self, stream: str, date_from_ms: int, date_to_ms: int | None, first: int, max_results: int
    ) -> list[dict]:
        params = {"dateFrom": str(date_from_ms), "direction": "asc", "first": first, "max": max_results}
        if date_to_ms is not None:
            params["dateTo"] = str(date_to_ms)
        try:
            r = self.admin.connection.raw_get(f"admin/realms/{self.realm}/{_PATH[stream]}", **params)
        except (KeycloakError, OSError) as e:
            raise DirectoryUnavailable(str(e)[:200]) from e
        if r.status_code != 200:
            raise DirectoryUnavailable(f"HTTP {r.status_code} reading {_PATH[stream]}")
        return r.json()

    def people(self, user_ids: set[str], group_ids: set[str]) -> People:
        users, groups = {}, {}
        for user_id in user_ids:
            user = self._get(f"users/{user_id}")
            if user is None:  # removed since: the chain keeps its id
                continue
            memberships = self._get(f"users/{user_id}/groups", briefRepresentation="true", max=100) or []
            institutions = sorted({i for i in (institution_of_group(g.get("path")) for g in memberships) if i})
            users[user_id] = Person(user.get("username"), tuple(institutions))
        for group_id in group_ids:
            group = self._get(f"groups/{group_id}")
            if group is not None:
                groups[group_id] = group.get("path")
        return People(users, groups)

    def _get(self, path: str, **params):
        try:
            r = self.admin.connection.raw_get(f"admin/realms/{self.realm}/{path}", **params)
        except (KeycloakError, OSError) as e:
            raise DirectoryUnavailable(str(e)[:200]) from e
        if r.status_code == 404:
            return None
        if r.status_code != 200:
            raise DirectoryUnavailable(f"HTTP {r.status_code} reading {path.split('/')[0]}")
        return r.json()
