"""What every page shares: the signed-in person, CSRF, the strict content
security policy (R-PD-3: only 'self'), HTML error pages, and the help desk."""

from __future__ import annotations

import time
from functools import wraps

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect

import policies

from ..domain import STATUS_LABELS, DomainError, FieldError, FormInvalid, Status, words
from ..domain.personal_data import STATUS_LABELS as REQUEST_LABELS
from ..domain.personal_data import RequestStatus
from ..services import lookup, people, review
from ..services.errors import Forbidden, NotFound, SignInRequired
from ..services.ports import Caller

csrf = CSRFProtect()

# Everything from this service, nothing else: no inline script or style, no
# other origin, no framing, forms post only here.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
# Applications an anonymous browser filed or proved (reference + e-mail): it may see those.
MAX_REMEMBERED = 20


def caller() -> Caller | None:
    held = session.get("caller")
    if not held or held.get("until", 0) < time.time():
        return None
    return Caller(
        subject=held["subject"], username=held["username"], roles=frozenset(held["roles"]), email=held.get("email")
    )


def signed_in_caller() -> Caller:
    """The signed-in person of a page behind `signed_in` or `reviewer_only` (the sign-in page otherwise)."""
    who = caller()
    if who is None:
        raise SignInRequired("auth.sign_in_required", "請先登入", "Sign in first")
    return who


def sign_in_as(c: Caller, until: float) -> None:
    session.clear()  # a fresh session at sign-in: nothing carried over from before
    session["caller"] = {
        "subject": c.subject,
        "username": c.username,
        "roles": sorted(c.roles),
        "email": c.email,
        "until": until,
    }


def remembered_references() -> set[str]:
    return set(session.get("references", []))


def remember_reference(reference: str) -> None:
    refs = [r for r in session.get("references", []) if r != reference] + [reference]
    session["references"] = refs[-MAX_REMEMBERED:]


def wiring():
    return current_app.extensions["sync"]


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
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    # The form's CSRF token lives as long as the session; a long form must not expire under the typist.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)

    app.jinja_env.globals["status_label"] = status_label
    # Names instead of codes, Taipei time instead of UTC (domain/words.py, issue 21 points 3, 4).
    app.jinja_env.filters.update(
        taipei=words.taipei_text,
        taipei_iso=lambda at: (t := words.taipei(at)) and t.isoformat(),
        action_words=words.action_words,
        actor_words=words.actor_words,
        detail_items=words.detail_items,
        profile_items=words.profile_items,
        category_words=words.category_words,
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

        return {
            "today": taiwan_date(utcnow()),  # Taipei's calendar day: notices count in it (R-MGR-6)
            "desk": policies.load().help_desk,
            "who": caller(),
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
            response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "same-origin")
            if "caller" in session or request.blueprint in ("review", "signin", "personal_data"):
                response.headers["Cache-Control"] = "no-store"
        return response


PAGE_BLUEPRINTS = {"public", "review", "signin", "scans", "personal_data", "access_reviews", "pair_users"}
