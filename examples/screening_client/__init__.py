"""A stand-in for the screening system: signs in through the realm (OIDC code flow
with PKCE, via Authlib) and shows, in words, who signed in and the grants the screening
system would receive (the token contract's `grants` claim, docs/token-contract.md).

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

# The stand-in speaks the person's language (their Keycloak locale once signed in, the browser's
# before): a page in one language reads as words to its reader (issue 21 point 9).
WORDS = {
    "zh-Hant": {
        "title": "癌症篩檢系統（示範）",
        "sign-in": "登入",
        "who": "已登入：{name}（帳號 {account}）",
        "change-password": "變更密碼",
        "grants": "您的權限",
        "institution": "醫事機構代碼",
        "category": "業務類別",
        "level": "層級",
        "functions": "可用功能",
        "no-grant": "您目前沒有任何權限。",
        "sign-out": "登出",
        "manager": "管理者",
        "user": "使用者",
    },
    "en": {
        "title": "Cancer screening system (stand-in)",
        "sign-in": "Sign in",
        "who": "Signed in: {name} (account {account})",
        "change-password": "Change password",
        "grants": "Your access",
        "institution": "Institution code",
        "category": "Business category",
        "level": "Level",
        "functions": "Functions",
        "no-grant": "You hold no access at present.",
        "sign-out": "Sign out",
        "manager": "Manager",
        "user": "User",
    },
}


def language_of(locale: str | None) -> str:
    """zh-Hant or en: the person's Keycloak locale, or the browser's first language."""
    return "en" if (locale or "zh").lower().startswith("en") else "zh-Hant"


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


def function_label(function_id: str, language: str = "zh-Hant") -> str:
    """A function's name from policies/ in the reader's language, not its id."""
    fn = policies.load().functions.get(function_id)
    return (fn.en if language == "en" else fn.zh) if fn else function_id


def category_label(category: str, language: str = "zh-Hant") -> str:
    """A business category's name from policies/ in the reader's language, not its code."""
    c = policies.load().categories.get(category)
    return (c.en if language == "en" else c.zh) if c else category


def grant_rows(grants: list[dict], language: str) -> str:
    """One row per grant, in words; the codes the token carries stay in data attributes."""
    words = WORDS[language]
    rows = []
    for g in grants:
        functions = "<br>".join(
            f'<span class="function" data-id="{html.escape(f)}">{html.escape(function_label(f, language))}</span>'
            for f in g["functions"]
        )
        rows.append(
            f'<tr class="grant" data-institution="{html.escape(g["institution"])}" '
            f'data-category="{html.escape(g["category"])}" data-level="{html.escape(g["level"])}">'
            f"<td>{html.escape(g['institution'])}</td><td>{html.escape(category_label(g['category'], language))}</td>"
            f"<td>{html.escape(words.get(g['level'], g['level']))}</td><td>{functions or '—'}</td></tr>"
        )
    return "".join(rows)


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

    def browser_language() -> str:
        return language_of(request.accept_languages.best_match(["zh-TW", "zh-Hant", "zh", "en"]))

    def page(body: str, language: str = "zh-Hant") -> str:
        title = WORDS[language]["title"]
        return (
            f'<!doctype html><html lang="{language}"><meta charset="utf-8">'
            f"<title>{title}</title>"
            "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #999;padding:4px 8px}"
            "table{border-collapse:collapse}</style>"
            f"<h1>{title}</h1>{body}</html>"
        )

    def sign_in_link(language: str) -> str:
        return f'<p><a id="sign-in" href="{url_for("login")}">{WORDS[language]["sign-in"]}</a></p>'

    @app.get("/")
    def index():
        claims = session.get("claims")
        if not claims:
            language = browser_language()
            return page(sign_in_link(language), language)
        key = str(session.get("token_key") or "")
        token = tokens.get(key)
        checked = token and still_signed_in(oauth.keycloak.load_server_metadata(), token, client_id, client_secret)
        if not checked:
            tokens.drop(key)
            session.clear()
            # Said in both languages: the person's own is no longer known for sure.
            return page(
                '<p id="session-ended">您的登入已結束（帳號權限已變更或已登出），請重新登入。<br>'
                '<span lang="en">Your session has ended (your access changed, or you were signed out); '
                "please sign in again.</span></p>"
                f'<p><a id="sign-in" href="{url_for("login")}">登入 <span lang="en">Sign in</span></a></p>'
            ), 401
        if checked is not token:  # refreshed: the grants shown are the new token's
            tokens.replace(key, checked)
            claims = {**claims, **_access_claims(checked["access_token"])}
            session["claims"] = claims
        language = language_of(claims.get("locale") or browser_language())
        words = WORDS[language]
        grants = grants_from_claims(claims)
        table = (
            f'<table id="grants"><tr><th>{words["institution"]}</th><th>{words["category"]}</th>'
            f"<th>{words['level']}</th><th>{words['functions']}</th></tr>{grant_rows(grants, language)}</table>"
            if grants
            else f'<p id="no-grant">{words["no-grant"]}</p>'
        )
        return page(
            '<p id="who">'
            + words["who"].format(
                name=f'<b id="name">{html.escape(person_name(claims))}</b>',
                account=f'<span id="account">{html.escape(claims.get("preferred_username", ""))}</span>',
            )
            + "</p>"
            f'<p><a id="change-password" href="{html.escape(account_console)}#/account-security/signing-in">'
            f"{words['change-password']}</a></p>"
            f"<h2>{words['grants']}</h2>{table}"
            f'<p><a id="sign-out" href="{url_for("logout")}">{words["sign-out"]}</a></p>',
            language,
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
            language = browser_language()
            message = (
                "Sign-in did not complete; please sign in again." if language == "en" else "登入未完成，請重新登入。"
            )
            return page(f'<p id="error">{message}</p>{sign_in_link(language)}', language), 400
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
    return {k: data[k] for k in ("grants", "preferred_username", "locale") if k in data}
