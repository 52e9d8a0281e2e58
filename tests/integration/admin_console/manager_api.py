"""The Admin REST API as a manager meets it: their own token, every operation they might try.

Each method answers the HTTP status (and the body where a test needs it), never raises on
4xx: the point of the tests is which calls Keycloak refuses.
"""

from __future__ import annotations

import requests

REALM = "cancer-screening"


class AdminApiAs:
    """The realm's Admin REST API called with one person's token."""

    def __init__(self, base_url: str, token: str):
        self.base = f"{base_url}/admin/realms/{REALM}"
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def _do(self, method: str, path: str, **kw) -> requests.Response:
        return self.http.request(method, f"{self.base}{path}", timeout=60, **kw)

    # -- users -----------------------------------------------------------------
    def list_users(self, max_results: int = 1000) -> tuple[int, list[dict]]:
        r = self._do("GET", "/users", params={"briefRepresentation": "true", "max": max_results})
        return r.status_code, (r.json() if r.ok else [])

    def search_users(self, text: str) -> tuple[int, list[dict]]:
        r = self._do("GET", "/users", params={"search": text, "briefRepresentation": "true"})
        return r.status_code, (r.json() if r.ok else [])

    def count_users(self) -> tuple[int, int | None]:
        r = self._do("GET", "/users/count")
        return r.status_code, (r.json() if r.ok else None)

    def read_user(self, user_id: str) -> tuple[int, dict | None]:
        r = self._do("GET", f"/users/{user_id}")
        return r.status_code, (r.json() if r.ok else None)

    def create_user(self, body: dict) -> tuple[int, str | None]:
        r = self._do("POST", "/users", json=body)
        location = r.headers.get("Location", "")
        return r.status_code, (location.rsplit("/", 1)[-1] if location else None)

    def update_user(self, user_id: str, body: dict) -> int:
        return self._do("PUT", f"/users/{user_id}", json=body).status_code

    def delete_user(self, user_id: str) -> int:
        return self._do("DELETE", f"/users/{user_id}").status_code

    def reset_password(self, user_id: str, password: str, temporary: bool = True) -> int:
        return self._do(
            "PUT",
            f"/users/{user_id}/reset-password",
            json={"type": "password", "value": password, "temporary": temporary},
        ).status_code

    def delete_credential(self, user_id: str, credential_id: str) -> int:
        return self._do("DELETE", f"/users/{user_id}/credentials/{credential_id}").status_code

    def send_actions_mail(self, user_id: str, actions: list[str]) -> int:
        return self._do("PUT", f"/users/{user_id}/execute-actions-email", json=actions).status_code

    def actions_mail(self, user_id: str, actions: list[str]) -> requests.Response:
        """The set-password / actions mail, with the answer's body (the reason of a refusal)."""
        return self._do("PUT", f"/users/{user_id}/execute-actions-email", json=actions)

    def verify_mail(self, user_id: str) -> requests.Response:
        return self._do("PUT", f"/users/{user_id}/send-verify-email")

    def add_to_group(self, user_id: str, group_id: str) -> int:
        return self._do("PUT", f"/users/{user_id}/groups/{group_id}").status_code

    def remove_from_group(self, user_id: str, group_id: str) -> int:
        return self._do("DELETE", f"/users/{user_id}/groups/{group_id}").status_code

    def user_groups(self, user_id: str) -> tuple[int, list[dict]]:
        r = self._do("GET", f"/users/{user_id}/groups")
        return r.status_code, (r.json() if r.ok else [])

    def map_realm_roles(self, user_id: str, roles: list[dict]) -> int:
        return self._do("POST", f"/users/{user_id}/role-mappings/realm", json=roles).status_code

    def map_client_roles(self, user_id: str, client_uuid: str, roles: list[dict]) -> int:
        return self._do("POST", f"/users/{user_id}/role-mappings/clients/{client_uuid}", json=roles).status_code

    def impersonate(self, user_id: str) -> int:
        return self._do("POST", f"/users/{user_id}/impersonation").status_code

    def logout_user(self, user_id: str) -> int:
        return self._do("POST", f"/users/{user_id}/logout").status_code

    # -- groups ----------------------------------------------------------------
    def group_members(self, group_id: str) -> tuple[int, list[dict]]:
        r = self._do("GET", f"/groups/{group_id}/members", params={"briefRepresentation": "true"})
        return r.status_code, (r.json() if r.ok else [])

    def map_group_realm_roles(self, group_id: str, roles: list[dict]) -> int:
        return self._do("POST", f"/groups/{group_id}/role-mappings/realm", json=roles).status_code

    def top_groups(self) -> tuple[int, list[dict]]:
        r = self._do("GET", "/groups", params={"briefRepresentation": "true"})
        return r.status_code, (r.json() if r.ok else [])

    def subgroups(self, group_id: str) -> tuple[int, list[dict]]:
        r = self._do("GET", f"/groups/{group_id}/children", params={"briefRepresentation": "true"})
        return r.status_code, (r.json() if r.ok else [])

    def group(self, group_id: str) -> int:
        return self._do("GET", f"/groups/{group_id}").status_code

    # -- the rest of the realm -------------------------------------------------
    def realm_settings(self) -> tuple[int, dict]:
        r = self._do("GET", "")
        return r.status_code, (r.json() if r.ok else {})

    def clients(self) -> tuple[int, list[dict]]:
        r = self._do("GET", "/clients")
        return r.status_code, (r.json() if r.ok else [])

    def events(self) -> int:
        return self._do("GET", "/events").status_code

    def admin_events(self) -> int:
        return self._do("GET", "/admin-events").status_code

    def authz_policies(self, admin_permissions_client_uuid: str) -> int:
        return self._do("GET", f"/clients/{admin_permissions_client_uuid}/authz/resource-server/policy").status_code

    def whoami(self, base_url: str) -> tuple[int, dict]:
        r = self.http.get(f"{base_url}/admin/{REALM}/console/whoami", timeout=30)
        return r.status_code, (r.json() if r.ok else {})
