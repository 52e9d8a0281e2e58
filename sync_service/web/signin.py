"""Sign-in through the realm for the pages (Authlib, OIDC code flow with PKCE,
client reviewer-pages). The access token is verified like the API's bearer
tokens; the session keeps only who signed in, with which roles, until when."""

from __future__ import annotations

import time

from authlib.integrations.flask_client import OAuth
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from ..services.ports import TokenInvalid
from .page_support import sign_in_as, use_page_errors, wiring

blueprint = Blueprint("signin", __name__)
use_page_errors(blueprint)
oauth = OAuth()


def register(app) -> None:
    settings = app.extensions["sync"].settings
    oauth.init_app(app)
    issuer = f"{settings.keycloak_url.rstrip('/')}/realms/{settings.realm}"
    oauth.register(
        "realm",
        client_id=settings.pages_client_id,
        client_secret=settings.pages_client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid", "code_challenge_method": "S256"},
    )
    app.register_blueprint(blueprint)


def _safe_next(target: str | None) -> str:
    # Only a path of this site: an open redirect would lend our name to a phishing page.
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("public.home")
    return target


@blueprint.get("/sign-in")
def sign_in():
    session["after_sign_in"] = _safe_next(request.args.get("next"))
    return oauth.realm.authorize_redirect(url_for("signin.signed_in", _external=True))


@blueprint.get("/signed-in")
def signed_in():
    token = oauth.realm.authorize_access_token()
    try:
        who = wiring().token_verifier.verify(token["access_token"])
    except TokenInvalid:
        current_app.logger.warning("sign-in refused: the realm's access token did not verify")
        return render_template(
            "error.html", status=401, zh="登入失敗，請再試一次", en="Sign-in failed; please try again"
        ), 401
    target = session.get("after_sign_in") or url_for("public.home")
    # The page session lasts as the realm's SSO session would (the refresh token's
    # life, idle timeout), not the 5-minute access token: a reviewer mid-form is not thrown out.
    lifetime = token.get("refresh_expires_in") or token.get("expires_in") or 300
    sign_in_as(who, until=time.time() + float(lifetime))
    return redirect(_safe_next(target))


@blueprint.post("/sign-out")
def sign_out():
    session.clear()
    settings = wiring().settings
    realm_logout = (
        f"{settings.keycloak_url.rstrip('/')}/realms/{settings.realm}/protocol/openid-connect/logout"
        f"?client_id={settings.pages_client_id}"
    )
    return render_template("signed_out.html", realm_logout=realm_logout)
