"""Sign-in through the realm for the pages (Authlib, OIDC code flow with PKCE,
client reviewer-pages). The access token is verified like the API's bearer
tokens; the page session, on the server, keeps who signed in with which Keycloak
session, and every page asks the realm again whether it still holds (decision 0130).

Sign-out ends the page session, then the Keycloak session (RP-initiated logout: the
browser is sent to the realm's end-session endpoint with the ID token, and comes back to
/signed-out). Keycloak tells us of sessions ended elsewhere (another client's sign-out, an
administrator) by back-channel logout to /backchannel-logout."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from ..services.ports import TokenInvalid
from ..services.signins import keycloak_session_ended
from .page_support import csrf, page_sessions, sign_in_as, use_page_errors, wiring
from .page_support import sign_out as end_page_session

blueprint = Blueprint("signin", __name__)
use_page_errors(blueprint)
oauth = OAuth()


def realm_url(settings) -> str:
    """The realm as the browser reaches it."""
    return f"{settings.keycloak_url.rstrip('/')}/realms/{settings.realm}"


def register(app) -> None:
    settings = app.extensions["sync"].settings
    oauth.init_app(app)
    oauth.register(
        "realm",
        client_id=settings.pages_client_id,
        client_secret=settings.pages_client_secret,
        server_metadata_url=f"{realm_url(settings)}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid", "code_challenge_method": "S256"},
    )
    csrf.exempt(backchannel_logout)
    app.register_blueprint(blueprint)


def _safe_next(target: str | None) -> str:
    # Only a path of this site: an open redirect would lend our name to a phishing page.
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("public.home")
    return target


def _sign_in_failed():
    return render_template(
        "error.html",
        status=400,
        zh="登入未完成或已逾時，請重新登入",
        en="The sign-in did not complete or has expired; please sign in again",
        retry=url_for("signin.sign_in"),
    ), 400


@blueprint.get("/sign-in")
def sign_in():
    session["after_sign_in"] = _safe_next(request.args.get("next"))
    return oauth.realm.authorize_redirect(url_for("signin.signed_in", _external=True))


@blueprint.get("/signed-in")
def signed_in():
    try:
        token = oauth.realm.authorize_access_token()
    except OAuthError:
        # A code or state this browser did not ask for (a forged or replayed link, a second
        # tab, an expired sign-in): not a server error, and nothing about why beyond that.
        current_app.logger.info("sign-in refused: the realm's answer did not match a sign-in begun here")
        return _sign_in_failed()
    try:
        who = wiring().token_verifier.verify(token["access_token"])
    except TokenInvalid:
        current_app.logger.warning("sign-in refused: the realm's access token did not verify")
        return render_template(
            "error.html", status=401, zh="登入失敗，請再試一次", en="Sign-in failed; please try again"
        ), 401
    target = session.get("after_sign_in") or url_for("public.home")
    # The page session lasts at most as the realm's SSO session would (the refresh token's
    # life, idle timeout), not the 5-minute access token; the realm is asked again on the way.
    lifetime = token.get("refresh_expires_in") or token.get("expires_in") or 300
    sign_in_as(who, until=time.time() + float(lifetime), id_token=token.get("id_token"))
    return redirect(_safe_next(target))


@blueprint.post("/sign-out")
def sign_out():
    id_token = end_page_session()
    settings = wiring().settings
    query = {
        "client_id": settings.pages_client_id,
        "post_logout_redirect_uri": url_for("signin.signed_out", _external=True),
    }
    if id_token:
        query["id_token_hint"] = id_token
    return redirect(f"{realm_url(settings)}/protocol/openid-connect/logout?{urlencode(query)}", code=303)


@blueprint.get("/signed-out")
def signed_out():
    return render_template("signed_out.html")


@blueprint.post("/backchannel-logout")
def backchannel_logout():
    """OIDC Back-Channel Logout: Keycloak, server to server, names a session that ended."""
    settings = wiring().settings
    try:
        notice = wiring().token_verifier.verify_logout(request.form.get("logout_token", ""), settings.pages_client_id)
    except TokenInvalid:
        return {"error": "invalid_request"}, 400, {"Cache-Control": "no-store"}
    ended = keycloak_session_ended(page_sessions(), notice)
    current_app.logger.info("back-channel logout: %d page session(s) ended", ended)
    return "", 200, {"Cache-Control": "no-store"}
