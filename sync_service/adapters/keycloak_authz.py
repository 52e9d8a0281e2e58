"""A small client of the authorization endpoints of the realm's `admin-permissions`
client (fine-grained admin permissions v2), which python-keycloak does not wrap.
It speaks HTTP status codes: an unexpected one raises `AuthzError`, a
python-keycloak `KeycloakError` carrying the code, so the directory adapter's
error handling (5xx and 429: try again; other 4xx: refused) applies unchanged.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from urllib.parse import quote

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakError

ADMIN_PERMISSIONS_CLIENT = "admin-permissions"
OK = (HTTPStatus.OK, HTTPStatus.CREATED, HTTPStatus.NO_CONTENT)


class AuthzError(KeycloakError):
    """Keycloak answered an authorization request with a status we did not ask for."""


class AdminPermissionsOff(RuntimeError):
    """The realm has no `admin-permissions` client: adminPermissionsEnabled is off."""


class AuthzClient:
    """Policies and permissions of the `admin-permissions` client, by name and id."""

    def __init__(self, admin: KeycloakAdmin, base: str | None = None):
        self.admin = admin
        self.base = base or self.resource_server_path(admin)

    @staticmethod
    def resource_server_path(admin: KeycloakAdmin) -> str:
        client_id = admin.get_client_id(ADMIN_PERMISSIONS_CLIENT)
        if client_id is None:
            raise AdminPermissionsOff("the realm has no admin-permissions client: is adminPermissionsEnabled on?")
        return f"admin/realms/{admin.connection.realm_name}/clients/{client_id}/authz/resource-server"

    def _call(self, method: str, path: str, body: dict | None = None, expect=OK):
        conn = self.admin.connection
        # base_url may end in "/" (python-keycloak keeps what it was given); Keycloak refuses "//".
        url = f"{(conn.base_url or '').rstrip('/')}/{self.base}/{path}"
        data = None if body is None else json.dumps(body)
        send = {"GET": conn.raw_get, "POST": conn.raw_post, "PUT": conn.raw_put, "DELETE": conn.raw_delete}[method]
        r = send(url) if data is None else send(url, data=data)
        if r.status_code not in expect:
            raise AuthzError(f"{method} {path}: {r.text[:300]}", response_code=r.status_code, response_body=r.content)
        return r.json() if r.status_code in (HTTPStatus.OK, HTTPStatus.CREATED) and r.content else None

    def find_by_name(self, name: str) -> dict | None:
        """A policy or permission by exact name (the server answers 204 when there is none)."""
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
        """The new object; None when one of that name exists (409: made meanwhile, or before)."""
        try:
            return self._call("POST", kind, body)
        except AuthzError as e:
            if e.response_code == HTTPStatus.CONFLICT:
                return None
            raise

    def update(self, kind: str, object_id: str, body: dict) -> None:
        self._call("PUT", f"{kind}/{object_id}", {**body, "id": object_id})

    def delete(self, object_id: str) -> None:
        """Gone already (404) is as good as deleted."""
        self._call("DELETE", f"policy/{object_id}", expect=(*OK, HTTPStatus.NOT_FOUND))
