"""Budgets on what anyone can make the public pages do (Flask-Limiter; policies/budgets.toml,
decision 0131). Assume the captcha is solved every time: these bound what that gains.

- Filing an application (JSON API and the HTML form): tries of any outcome per client address
  and minute; accepted filings per address, per applicant e-mail, per account name, and for
  everyone together.
- Looking an application up by reference and e-mail (/status): tries per address, per
  reference, and for everyone together, right or wrong.
- Uploading scans: per application, per address, for everyone together; how many are kept per
  document is the scans use case's (services/scans.py).

Reviewers (who file on people's behalf) are not limited.

The counters live in `SYNC_RATELIMIT_STORAGE_URI`: `memory://` (the default) is right for one
process; where several processes or hosts serve the pages, they must share one store, e.g.
`redis://host:6379` (the production shape does), otherwise each counts on its own and every
budget multiplies by their number. Behind a proxy, the client address is the proxy's unless
`X-Forwarded-For` is trusted (werkzeug's ProxyFix, set up where the proxy is known).
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.datastructures import MultiDict

from ..domain import DomainError
from ..domain.references import parse_reference
from .auth import caller_is_reviewer

limiter = Limiter(key_func=get_remote_address, strategy="moving-window", headers_enabled=True)


def init_app(app: Flask, settings) -> None:
    app.config["RATELIMIT_STORAGE_URI"] = settings.ratelimit_storage_uri
    app.config["BUDGETS"] = settings.budgets
    limiter.init_app(app)


def _budget(name: str, period: str):
    """The limit string of one budget of policies/budgets.toml, read when the request comes."""
    return lambda: f"{getattr(current_app.config['BUDGETS'], name)} per {period}"


def _is_reviewer() -> bool:
    """A reviewer's bearer token, or a reviewer signed in to the pages."""
    if caller_is_reviewer():
        return True
    if request.blueprint == "api":
        return False
    from .page_support import caller

    who = caller()
    return who is not None and who.is_reviewer


def _field(name: str) -> str | None:
    data = request.get_json(silent=True) if request.is_json else request.form
    value = data.get(name) if isinstance(data, dict | MultiDict) else None
    return value.strip().lower() if isinstance(value, str) and 0 < len(value.strip()) <= 254 else None


def applicant_email() -> str:
    """The e-mail on the submitted form (JSON or HTML form), lower-cased; the
    address when there is none, so every submission is counted somewhere."""
    email = _field("email")
    return "email:" + email if email and len(email) >= 3 else "address:" + (get_remote_address() or "?")


def account_name() -> str:
    account = _field("account")
    return "account:" + account if account else "address:" + (get_remote_address() or "?")


def everyone() -> str:
    return "everyone"


def _accepted(response) -> bool:
    return response.status_code == 201 or (response.status_code in (302, 303) and request.method == "POST")


def intake_limits(view):
    """The budgets of a view that takes filings (JSON API and the HTML form)."""
    accepted = (
        ("type_a_accepted_per_email_per_hour", "hour", applicant_email, "intake-email"),
        ("type_a_accepted_per_address_per_hour", "hour", get_remote_address, "intake-address"),
        ("type_a_accepted_per_account_name_per_day", "day", account_name, "intake-account"),
        ("type_a_accepted_everyone_per_hour", "hour", everyone, "intake-everyone"),
    )
    for name, period, key, scope in accepted:
        view = limiter.limit(
            _budget(name, period), key_func=key, deduct_when=_accepted, exempt_when=_is_reviewer, scope=scope
        )(view)
    return limiter.limit(
        _budget("type_a_tries_per_address_per_minute", "minute"),
        key_func=get_remote_address,
        exempt_when=_is_reviewer,
        scope="intake-burst",
    )(view)


def captcha_limits(view):
    """Issuing captchas for the JSON intake: as many per address and minute as filing tries."""
    return limiter.limit(
        _budget("type_a_tries_per_address_per_minute", "minute"),
        key_func=get_remote_address,
        exempt_when=_is_reviewer,
        scope="captcha-issue",
    )(view)


def _reference() -> str:
    """The reference looked up, as the service reads it (case, dashes, O/0 forgiven)."""
    typed = (request.view_args or {}).get("reference") or request.form.get("reference") or ""
    try:
        return "reference:" + parse_reference(typed)
    except DomainError:
        return "reference:?"  # unreadable references share one budget


def status_limits(view):
    """Looking an application up by reference and e-mail: every try counts, right or wrong."""
    for name, period, key, scope in (
        ("status_tries_per_reference_per_hour", "hour", _reference, "status-reference"),
        ("status_tries_per_address_per_hour", "hour", get_remote_address, "status-address"),
        ("status_tries_everyone_per_minute", "minute", everyone, "status-everyone"),
    ):
        view = limiter.limit(
            _budget(name, period), key_func=key, methods=["POST"], exempt_when=_is_reviewer, scope=scope
        )(view)
    return view


def scan_limits(view):
    """Uploading scans: per application, per address, everyone together."""
    for name, period, key, scope in (
        ("scans_uploads_per_application_per_hour", "hour", _reference, "scans-application"),
        ("scans_uploads_per_address_per_hour", "hour", get_remote_address, "scans-address"),
        ("scans_uploads_everyone_per_hour", "hour", everyone, "scans-everyone"),
    ):
        view = limiter.limit(_budget(name, period), key_func=key, exempt_when=_is_reviewer, scope=scope)(view)
    return view


def retry_after_seconds() -> int:
    """Seconds until the limit that was hit lets the next request through."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def refusal_text(seconds: int, hourly: bool, what: tuple[str, str] = ("送件", "applications")) -> tuple[str, str, str]:
    """(code, zh, en) for a 429: which limit, and when to try again."""
    minutes = max(1, math.ceil(seconds / 60))
    zh_what, en_what = what
    if hourly:
        return (
            "rate_limited.hourly",
            f"{zh_what}次數已達上限，請於 {minutes} 分鐘後再試",
            f"Too many {en_what} for now; try again in {minutes} minute{'s' if minutes > 1 else ''}",
        )
    return (
        "rate_limited.burst",
        f"短時間內嘗試次數過多，請於 {seconds} 秒後再試",
        f"Too many tries in a short time; try again in {seconds} second{'s' if seconds > 1 else ''}",
    )
