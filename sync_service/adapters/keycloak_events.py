"""The `EventSource` port on Keycloak's admin API (decision 0090): stored user events
(`/events`) and admin events (`/admin-events`), read by the `sync-service` client's service
account (realm-management `view-events`, `view-users`).

Also the `AuditAnchors` port (decision 0136): our extension
`POST /admin/realms/{realm}/screening-audit-anchors` records the audit chain's end as an admin
event (resource type CUSTOM, path `screening-audit-anchors/{seq}/{hash}/{signature}`; the account
has manage-realm), which Keycloak keeps with its other admin events and nobody edits through its
API; read back from `/admin-events`."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakError

from ..domain.keycloak_events import ADMIN, AUDIT_ANCHOR_PATH, People, Person, institution_of_group
from ..services.ports import AuditAnchor, DirectoryUnavailable

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

    def record(self, anchor: AuditAnchor) -> None:
        body = {"seq": anchor.seq, "hash": anchor.hash, "signature": anchor.signature}
        try:
            r = self.admin.connection.raw_post(f"admin/realms/{self.realm}/{AUDIT_ANCHOR_PATH}", data=json.dumps(body))
        except (KeycloakError, OSError) as e:
            raise DirectoryUnavailable(str(e)[:200]) from e
        if r.status_code not in (201, 204):
            raise DirectoryUnavailable(f"HTTP {r.status_code} recording the audit chain's end")

    def newest(self, count: int, key_ids: Sequence[str]) -> list[AuditAnchor]:
        anchors = []
        for key_id in key_ids:
            params = {
                "resourceTypes": "CUSTOM",
                "resourcePath": f"{AUDIT_ANCHOR_PATH}/*/*/{key_id}:*",
                "max": count,
            }
            try:
                r = self.admin.connection.raw_get(f"admin/realms/{self.realm}/admin-events", **params)
            except (KeycloakError, OSError) as e:
                raise DirectoryUnavailable(str(e)[:200]) from e
            if r.status_code != 200:
                raise DirectoryUnavailable(f"HTTP {r.status_code} reading the audit chain's anchors")
            for event in r.json():
                parts = (event.get("resourcePath") or "").split("/", 3)
                if len(parts) == 4 and parts[0] == AUDIT_ANCHOR_PATH and parts[1].isdigit():
                    at = datetime.fromtimestamp(int(event["time"]) / 1000, tz=UTC)
                    anchors.append(AuditAnchor(int(parts[1]), parts[2], parts[3], at))
        return sorted(anchors, key=lambda a: a.at or datetime.min.replace(tzinfo=UTC), reverse=True)

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
