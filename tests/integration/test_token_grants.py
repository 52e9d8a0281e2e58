"""What the realm's clients hand out: no password grant, rotated refresh tokens, no offline
tokens (issue 8 point 13). Tests get their tokens through a client of the test run's own
(tests/support/tokens.py), which the realm file never has."""

import base64
import json

import requests

from stack.paths import REALM_NAME
from tests.support.tokens import TEST_CLIENT_ID, token_response, token_url


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_admin_cli_refuses_the_password_grant(keycloak, make_user):
    """Anyone could lock any account through admin-cli's password grant, with no captcha.

    Covers: R-LCK-1
    """
    user = make_user()
    r = token_response(keycloak.url, user["username"], user["password"], client_id="admin-cli")
    # (Never r.text in a message: it would be a token.)
    assert r.status_code in (400, 401), r.status_code
    assert r.json()["error"] == "unauthorized_client", r.json().get("error")
    # A wrong password through it counts nothing either: it is refused before the password is read.
    for _ in range(3):
        token_response(keycloak.url, user["username"], "Wrong~Password1", client_id="admin-cli")
    assert token_response(keycloak.url, user["username"], user["password"]).status_code == 200


def test_no_client_of_the_realm_takes_passwords(admin):
    """Only the test run's own client (added by the test setup) has direct access grants.

    Covers: R-LCK-1
    """
    takes_passwords = sorted(
        c["clientId"]
        for c in admin.get_clients()
        if c.get("directAccessGrantsEnabled") and not c["clientId"].startswith("test-")
    )
    assert takes_passwords == []


def test_a_refresh_token_is_good_for_one_use(keycloak, make_user):
    """Refresh-token rotation: a stolen refresh token that was already used is refused.

    Covers: R-PD-1
    """
    user = make_user()
    first = token_response(keycloak.url, user["username"], user["password"]).json()["refresh_token"]
    refresh = {"grant_type": "refresh_token", "client_id": TEST_CLIENT_ID}
    r = requests.post(token_url(keycloak.url), data={**refresh, "refresh_token": first}, timeout=30)
    assert r.status_code == 200, r.json().get("error")
    assert r.json()["refresh_token"] != first
    again = requests.post(token_url(keycloak.url), data={**refresh, "refresh_token": first}, timeout=30)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant", again.status_code


def test_no_offline_tokens(keycloak, admin, make_user):
    """No client of the product needs offline access: a person cannot get an offline token,
    and no client of the realm offers the scope.

    Covers: R-PD-1
    """
    user = make_user()
    r = token_response(keycloak.url, user["username"], user["password"], scope="openid offline_access")
    if r.status_code == 200:
        assert _claims(r.json()["refresh_token"])["typ"] != "Offline", "an offline token was issued"
    roles = {x["name"] for x in admin.get_composite_realm_roles_of_user(user["id"])}
    assert "offline_access" not in roles
    realm = admin.connection.raw_get(f"admin/realms/{REALM_NAME}").json()
    assert realm["revokeRefreshToken"] is True and realm.get("refreshTokenMaxReuse", 0) == 0
    for client in admin.get_clients():
        if client["clientId"].startswith("test-"):
            continue
        assert "offline_access" not in client.get("optionalClientScopes", []), client["clientId"]
        assert "offline_access" not in client.get("defaultClientScopes", []), client["clientId"]
