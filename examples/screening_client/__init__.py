"""A stand-in for the screening system: signs in through the realm (OIDC code flow
with PKCE, via Authlib) and shows the claims the screening system would receive.

Like a real resource server it checks the person's token with Keycloak on every
page (userinfo; a refresh when the access token has run out): a person whose
sessions Keycloak ended (a revoke, a departure on its date) is refused on their
next call, not at the access token's expiry.
"""

from __future__ import annotations

import html
import json
import os
import secrets
import threading

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, redirect, request, session, url_for

import policies
from sync_service.web.headers import PAGES, secure_headers

LEVEL_ZH = {"manager": "管理者", "user": "使用者"}


def grants_from_claims(claims: dict) -> list[dict]:
    """The person's grants as the token contract states them (docs/token-contract.md): the claim
    `grants`, one {institution, category, level, functions} per grant. Nothing else of the token
    (flat roles, group paths) is read, so the stand-in reads what every relying party reads."""
    return [
        {
            "institution": str(g["institution"]),
            "category": str(g["category"]),
            "level": str(g["level"]),
            "functions": [str(f) for f in g.get("functions", [])],
        }
        for g in claims.get("grants", [])
    ]


def person_name(claims: dict) -> str:
    """The name as a Taiwanese reads it: family name first, no space (王小明). The `name` claim
    is Keycloak's "given family" (小明 王), so it is built from its parts."""
    family, given = claims.get("family_name", ""), claims.get("given_name", "")
    return f"{family}{given}" if family or given else claims.get("name", "")


def function_label(function_id: str) -> str:
    """A function's name from policies/ (zh-Hant with English beside), not its id."""
    fn = policies.load().functions.get(function_id)
    return f"{fn.zh} {fn.en}" if fn else function_id


def _function_cell(function_id: str) -> str:
    return (
        f'<span class="function" data-id="{html.escape(function_id)}">{html.escape(function_label(function_id))}</span>'
    )


class TokenStore:
    """The signed-in people's tokens, kept on the server (not in the cookie), by a random key."""

    def __init__(self) -> None:
        self._tokens: dict[str, dict] = {}
        self._lock = threading.Lock()

    def put(self, token: dict) -> str:
        key = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[key] = token
        return key

    def get(self, key: str | None) -> dict | None:
        with self._lock:
            return self._tokens.get(key or "")

    def replace(self, key: str, token: dict) -> None:
        with self._lock:
            self._tokens[key] = token

    def drop(self, key: str | None) -> None:
        with self._lock:
            self._tokens.pop(key or "", None)


def still_signed_in(metadata: dict, token: dict, client_id: str, client_secret: str) -> dict | None:
    """The token (refreshed if needed) while Keycloak still honours the person's session; else None."""
    r = requests.get(
        metadata["userinfo_endpoint"], timeout=10, headers={"Authorization": f"Bearer {token['access_token']}"}
    )
    if r.ok:
        return token
    if r.status_code != 401 or not token.get("refresh_token"):
        return None
    refreshed = requests.post(
        metadata["token_endpoint"],
        timeout=10,
        data={
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": client_id,
            "client_secret": client_secret,
        },
    )
    return refreshed.json() if refreshed.ok else None


# What the stand-in cannot start without: where the realm is, its client secret, its session key.
NEEDED = ("OIDC_ISSUER", "SCREENING_CLIENT_SECRET", "FLASK_SECRET_KEY")


def missing_settings() -> list[str]:
    return [name for name in NEEDED if not os.environ.get(name)]


def create_app() -> Flask:
    app = Flask(__name__)
    tokens = TokenStore()
    app.secret_key = os.environ["FLASK_SECRET_KEY"]
    secure_headers(app, PAGES)
    issuer = os.environ["OIDC_ISSUER"]
    # Where a person changes their password: Keycloak's account console of the realm.
    account_console = f"{issuer}/account/"
    client_id = os.environ.get("SCREENING_CLIENT_ID", "screening-system")
    client_secret = os.environ["SCREENING_CLIENT_SECRET"]
    oauth = OAuth(app)
    oauth.register(
        "keycloak",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile email", "code_challenge_method": "S256"},
    )

    def page(body: str) -> str:
        return (
            '<!doctype html><html lang="zh-Hant"><meta charset="utf-8">'
            "<title>癌症篩檢系統（示範）Screening system (stand-in)</title>"
            "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #999;padding:4px 8px}"
            "table{border-collapse:collapse}</style>"
            f"<h1>癌症篩檢系統（示範）<br><small>Screening system (stand-in)</small></h1>{body}</html>"
        )

    @app.get("/")
    def index():
        claims = session.get("claims")
        if not claims:
            return page(f'<p><a id="sign-in" href="{url_for("login")}">登入 / Sign in</a></p>')
        key = str(session.get("token_key") or "")
        token = tokens.get(key)
        checked = token and still_signed_in(oauth.keycloak.load_server_metadata(), token, client_id, client_secret)
        if not checked:
            tokens.drop(key)
            session.clear()
            return page(
                '<p id="session-ended">您的登入已結束（帳號權限已變更或已登出），請重新登入。<br>'
                "Your session has ended (your access changed, or you were signed out); please sign in again.</p>"
                f'<p><a id="sign-in" href="{url_for("login")}">登入 / Sign in</a></p>'
            ), 401
        if checked is not token:  # refreshed: the grants shown are the new token's
            tokens.replace(key, checked)
            claims = {**claims, **_access_claims(checked["access_token"])}
            session["claims"] = claims
        rows = "".join(
            f'<tr class="grant"><td>{g["institution"]}</td><td>{g["category"]}</td>'
            f"<td>{LEVEL_ZH[g['level']]} {g['level']}</td>"
            f"<td>{'<br>'.join(_function_cell(f) for f in g['functions']) or '—'}</td></tr>"
            for g in grants_from_claims(claims)
        )
        return page(
            f'<p id="who">已登入 / Signed in: <b>{html.escape(claims.get("preferred_username", ""))}</b> '
            f'<span id="name">{html.escape(person_name(claims))}</span></p>'
            f'<p><a id="change-password" href="{html.escape(account_console)}#/account-security/signing-in">'
            "變更密碼 / Change password</a></p>"
            '<h2>權限 / Grants</h2><table id="grants"><tr><th>機構代碼 Institution</th>'
            "<th>業務類別 Category</th><th>層級 Level</th><th>功能 Functions</th></tr>"
            f"{rows}</table><h2>收到的權杖內容 / Claims received</h2>"
            f'<pre id="claims">{html.escape(json.dumps(claims, ensure_ascii=False, indent=2))}</pre>'
            f'<p><a href="{url_for("logout")}">登出 / Sign out</a></p>'
        )

    @app.get("/login")
    def login():
        return oauth.keycloak.authorize_redirect(url_for("callback", _external=True))

    @app.get("/callback")
    def callback():
        # Keycloak sends people back with ?error=... when sign-in was cancelled or
        # refused; a stale or forged callback has a state we did not issue.
        try:
            if "error" in request.args:
                raise OAuthError(error=request.args["error"])
            token = oauth.keycloak.authorize_access_token()
        except OAuthError:
            return page(
                '<p id="error">登入未完成，請重新登入。<br>Sign-in did not complete; please sign in again.</p>'
                f'<p><a id="sign-in" href="{url_for("login")}">登入 / Sign in</a></p>'
            ), 400
        # The access token carries the grants the screening system acts on (the token contract).
        claims = dict(token.get("userinfo") or {})
        claims.update(_access_claims(token["access_token"]))
        session["claims"] = claims
        tokens.drop(session.get("token_key"))
        session["token_key"] = tokens.put(token)
        return redirect(url_for("index"))

    @app.get("/logout")
    def logout():
        tokens.drop(session.get("token_key"))
        session.clear()
        return redirect(url_for("index"))

    return app


def _access_claims(access_token: str) -> dict:
    """The access token's payload. Its signature was checked by Keycloak issuing it to us over
    the back channel (code exchange), so reading it here for display is safe."""
    import base64

    payload = access_token.split(".")[1]
    payload += "=" * (-len(payload) % 4)
    data = json.loads(base64.urlsafe_b64decode(payload))
    return {k: data[k] for k in ("grants", "realm_access", "groups", "preferred_username") if k in data}
