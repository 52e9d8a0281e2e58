"""What every page shares: the signed-in person, CSRF, the strict content
security policy (R-PD-3: only 'self'), HTML error pages, and the help desk."""

from __future__ import annotations

import time
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_session.base import ServerSideSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect

import policies

from ..domain import STATUS_LABELS, DomainError, FieldError, FormInvalid, Status, words
from ..domain.personal_data import STATUS_LABELS as REQUEST_LABELS
from ..domain.personal_data import RequestStatus
from ..services import lookup, people, review
from ..services.errors import Forbidden, NotFound, SignInRequired
from ..services.ports import Caller, DirectoryUnavailable, PageSessions
from ..services.signins import HeldSignIn, confirmed

csrf = CSRFProtect()

# Everything from this service, nothing else: no inline script or style, no
# other origin, no framing, forms post only here. The one exception is where a form's
# answer leads: sign-out redirects to the realm's end-session endpoint (RP-initiated
# logout, decision 0130), and browsers hold redirects after a form to form-action.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self' {realm}; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def realm_origin(settings) -> str:
    parts = urlsplit(settings.keycloak_url)
    return f"{parts.scheme}://{parts.netloc}"


# Applications an anonymous browser filed or proved (reference + e-mail): it may see those.
MAX_REMEMBERED = 20


def caller() -> Caller | None:
    """The signed-in person, as the identity provider sees them now (decision 0130): their
    Keycloak session still there, their account enabled, with the roles they hold now;
    asked again at most `page_session_check_seconds` after its last answer. None when not
    signed in, or no longer. Once per request."""
    if "who" not in g:
        g.who = _confirmed_caller()
    return g.who


def _confirmed_caller() -> Caller | None:
    held = session.get("signin")
    if not held:
        return None
    sign_in = HeldSignIn(
        caller=Caller(
            subject=held["subject"],
            username=held["username"],
            roles=frozenset(held["roles"]),
            email=held.get("email"),
            session_id=held.get("sid"),
        ),
        until=held["until"],
        checked_at=held["checked_at"],
    )
    try:
        now = confirmed(
            sign_in, wiring().directory(), now=time.time(), check_every=wiring().settings.page_session_check_seconds
        )
    except DirectoryUnavailable:
        # Fail closed: not signed in for this request; the session stays, to be asked again.
        current_app.logger.warning("page sign-in not confirmed: the identity provider did not answer")
        return None
    if now is None:
        session.clear()  # ended: the row goes, and the browser's cookie with it
        return None
    if now is not sign_in:
        held.update(roles=sorted(now.caller.roles), checked_at=now.checked_at)
        session.modified = True
    return now.caller


def server_sessions() -> ServerSideSessionInterface:
    """The pages' sessions on the server (Flask-Session's interface), as register() installed them."""
    sessions = current_app.session_interface
    if not isinstance(sessions, ServerSideSessionInterface):
        raise RuntimeError("the pages' sessions are kept on the server (decision 0130)")
    return sessions


def page_sessions() -> PageSessions:
    """The same, as the use cases know them (ending the sessions a logout names)."""
    sessions = current_app.session_interface
    if not isinstance(sessions, PageSessions):
        raise RuntimeError("the pages' sessions are kept on the server (decision 0130)")
    return sessions


def signed_in_caller() -> Caller:
    """The signed-in person of a page behind `signed_in` or `reviewer_only` (the sign-in page otherwise)."""
    who = caller()
    if who is None:
        raise SignInRequired("auth.sign_in_required", "請先登入", "Sign in first")
    return who


def sign_in_as(c: Caller, until: float, id_token: str | None) -> None:
    """A fresh session at sign-in (a new id: nothing carried over, no fixation)."""
    session.clear()
    server_sessions().regenerate(session)
    session["signin"] = {
        "subject": c.subject,
        "username": c.username,
        "roles": sorted(c.roles),
        "email": c.email,
        "sid": c.session_id,
        "until": until,
        "checked_at": time.time(),
        # For RP-initiated logout (id_token_hint); on the server, never in the cookie.
        "id_token": id_token,
    }
    g.who = c


def sign_out() -> str | None:
    """End the page session; the ID token to name at the realm's logout, if there was one."""
    id_token = (session.get("signin") or {}).get("id_token")
    session.clear()
    g.who = None
    return id_token


def remembered_references() -> set[str]:
    return set(session.get("references", []))


def remember_reference(reference: str) -> None:
    refs = [r for r in session.get("references", []) if r != reference] + [reference]
    session["references"] = refs[-MAX_REMEMBERED:]


def wiring():
    return current_app.extensions["sync"]


def wiring_of(app):
    return app.extensions["sync"]


def viewer() -> lookup.Viewer:
    """Who this browser is, for the use cases that decide what it may see: the signed-in
    person's account is read from Keycloak once per request (reviewers need none)."""
    if "viewer" not in g:
        who = caller()
        holder = people.signed_in_account(wiring().directory(), who) if who and not who.is_staff else None
        g.viewer = lookup.Viewer(who, frozenset(remembered_references()), holder)
    return g.viewer


def visible_application(reference: str):
    """The application this browser may see, else a 404 page (services/lookup.py decides)."""
    return lookup.visible_application(wiring().uow(), reference, viewer())


def signed_in(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if caller() is None:
            return redirect(url_for("signin.sign_in", next=request.full_path))
        return view(*args, **kwargs)

    return wrapper


def reviewer_only(view):
    """A reviewers' page: the sign-in page without a session, a 403 page for anyone else
    (services/review.py decides)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        review.require_reviewer(caller())
        return view(*args, **kwargs)

    return wrapper


def staff_only(view):
    """A page HPA's reviewers and the vendor's staff share (R-VEN-1): the sign-in page without a
    session, a 403 page for anyone else (services/review.py decides)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        review.require_staff_page(caller())
        return view(*args, **kwargs)

    return wrapper


def field_errors(e: DomainError) -> dict[str, tuple[str, str]]:
    if isinstance(e, FormInvalid):
        return {err.field: (err.zh, err.en) for err in e.errors}
    if isinstance(e, FieldError):
        return {e.field: (e.zh, e.en)}
    return {}


def status_label(status) -> tuple[str, str]:
    return STATUS_LABELS[Status(status)]


def _error_page(status: int, zh: str, en: str):
    return render_template("error.html", status=status, zh=zh, en=en), status


def use_page_errors(bp: Blueprint) -> None:
    """Errors on a page are a page (the JSON API keeps its JSON errors)."""

    @bp.errorhandler(NotFound)
    def not_found(e):
        return _error_page(404, e.zh, e.en)

    @bp.errorhandler(Forbidden)
    def forbidden(e):
        return _error_page(403, e.zh, e.en)

    @bp.errorhandler(SignInRequired)
    def sign_in_required(e):
        return redirect(url_for("signin.sign_in", next=request.full_path))

    @bp.errorhandler(CSRFError)
    def csrf_failed(e):
        return _error_page(
            400,
            "表單已逾時或來源不明，請重新整理頁面後再送出一次",
            "The form has expired or did not come from this site; reload the page and send it again",
        )

    @bp.errorhandler(404)
    def no_page(e):
        return _error_page(404, "找不到此頁", "Page not found")

    @bp.errorhandler(413)
    def too_large(e):
        return _error_page(413, "上傳的檔案過大", "The upload is too large")


def register(app) -> None:
    csrf.init_app(app)
    # The cookie holds the session's id only (decision 0130); Secure when served over TLS
    # (adapters/page_sessions.py), a browser-session cookie, the row written when it changes.
    # (Flask's defaults hold these keys already, so a setdefault would change nothing: it did
    # not, and the cookie had no SameSite; issue 19.)
    app.config.update(
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_REFRESH_EACH_REQUEST=False,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
    )
    app.session_interface = wiring_of(app).page_sessions(app)
    csp = CONTENT_SECURITY_POLICY.format(realm=realm_origin(wiring_of(app).settings))
    # The form's CSRF token lives as long as the session; a long form must not expire under the typist.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)

    app.jinja_env.globals["status_label"] = status_label
    # Names instead of codes, Taipei time instead of UTC (domain/words.py, issue 21 points 3, 4).
    catalogue = policies.load()
    app.jinja_env.filters.update(
        taipei=words.taipei_text,
        taipei_iso=lambda at: (t := words.taipei(at)) and t.isoformat(),
        action_words=words.action_words,
        actor_words=words.actor_words,
        detail_items=lambda details: words.detail_items(details, catalogue),
        profile_items=words.profile_items,
        category_words=lambda category: words.category_words(category, catalogue.categories),
        level_words=words.level_words,
        change_words=lambda kind: words.CHANGE_KINDS.get(str(kind), (str(kind), str(kind))),
        outbox_state=lambda state: words.OUTBOX_STATES.get(state, (state, state)),
        request_state=lambda state: REQUEST_LABELS[RequestStatus(str(getattr(state, "value", state)))],
    )
    app.jinja_env.globals["time_label"] = words.TIME_LABEL

    @app.context_processor
    def shared():
        from ..domain import taiwan_date
        from ..services.clock import utcnow
        from ..services.printing import PRINTABLE
        from ..services.scans import MAX_SCAN_BYTES
        from ..services.suspensions import notices_for

        who = caller()
        return {
            "today": taiwan_date(utcnow()),  # Taipei's calendar day: notices count in it (R-MGR-6)
            # R-SUS-1: a manager of a suspended institution is told on every page they open.
            "suspension_notices": notices_for(wiring().uow(), wiring().directory, who)
            if who and not who.is_staff
            else [],
            "desk": policies.load().help_desk,
            "who": who,
            "status_label": status_label,
            "policies": policies.load(),
            "departures": policies.departures(),
            "letters": policies.letters(),
            "printable": PRINTABLE,
            "scan_limit_mb": MAX_SCAN_BYTES // 1024 // 1024,
        }

    @app.after_request
    def headers(response):
        if response.mimetype == "text/html" or request.blueprint in PAGE_BLUEPRINTS:
            response.headers["Content-Security-Policy"] = csp
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "same-origin")
            if "signin" in session or request.blueprint in ("review", "signin", "personal_data"):
                response.headers["Cache-Control"] = "no-store"
        return response


PAGE_BLUEPRINTS = {
    "public",
    "review",
    "signin",
    "scans",
    "personal_data",
    "access_reviews",
    "pair_users",
    "suspensions",
}
