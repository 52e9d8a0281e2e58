"""How tests get a person's tokens without a browser.

The realm's own clients refuse the password grant (issue 8 point 13: admin-cli's password grant
let anyone lock any account through the API, with no captcha). The test run adds one public
client of its own, to the test realm only, that accepts it; `make up` and the realm file never
have it. Tests call `password_token` (or `token_response` for the whole answer).
"""

from __future__ import annotations

import requests

from stack.paths import REALM_NAME

TEST_CLIENT_ID = "test-only-password-grant"


def ensure_test_token_client(admin) -> None:
    """Add the test-only client to the test realm (once per run)."""
    if admin.get_client_id(TEST_CLIENT_ID) is None:
        admin.create_client(
            {
                "clientId": TEST_CLIENT_ID,
                "name": "test run only",
                "publicClient": True,
                "directAccessGrantsEnabled": True,
                "standardFlowEnabled": False,
                "implicitFlowEnabled": False,
            }
        )


def token_url(base_url: str) -> str:
    return f"{base_url}/realms/{REALM_NAME}/protocol/openid-connect/token"


def token_response(
    base_url: str, username: str, password: str, client_id: str = TEST_CLIENT_ID, scope: str | None = None
) -> requests.Response:
    data = {"grant_type": "password", "client_id": client_id, "username": username, "password": password}
    if scope:
        data["scope"] = scope
    return requests.post(token_url(base_url), data=data, timeout=30)


def password_token(base_url: str, username: str, password: str, client_id: str = TEST_CLIENT_ID) -> str:
    """An access token for a person of the realm, through the test-only client."""
    r = token_response(base_url, username, password, client_id)
    r.raise_for_status()
    return r.json()["access_token"]
