"""Limits on submitting applications (Flask-Limiter).

- A short burst limit per client address counts every try, accepted or not:
  it slows down guessing and floods.
- An hourly limit per client address and per applicant e-mail counts only
  accepted submissions (201): a person correcting typing errors is not locked out.
- Reviewers (who file on people's behalf) are not limited.

The counters live in `SYNC_RATELIMIT_STORAGE_URI`: `memory://` (the default)
is right for one process; where several processes or hosts serve the API, they
must share one store, e.g. `redis://host:6379` (install `limits[redis]`),
otherwise each counts on its own and the limit multiplies by their number.
Behind a proxy, the client address is the proxy's unless `X-Forwarded-For`
is trusted (werkzeug's ProxyFix, set up where the proxy is known).

The `pages` blueprint applies the same limits to its type A form through
`intake_limits`.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from .auth import caller_is_reviewer

limiter = Limiter(key_func=get_remote_address, strategy="moving-window", headers_enabled=True)


def init_app(app: Flask, settings) -> None:
    app.config["RATELIMIT_STORAGE_URI"] = settings.ratelimit_storage_uri
    app.config["SUBMIT_RATE_PER_HOUR"] = settings.submit_rate_per_hour
    app.config["SUBMIT_BURST_PER_MINUTE"] = settings.submit_burst_per_minute
    limiter.init_app(app)


def _hourly() -> str:
    return f"{current_app.config['SUBMIT_RATE_PER_HOUR']} per hour"


def _burst() -> str:
    return f"{current_app.config['SUBMIT_BURST_PER_MINUTE']} per minute"


def applicant_email() -> str:
    """The e-mail on the submitted form (JSON or HTML form), lower-cased; the
    address when there is none, so every submission is counted somewhere."""
    data = (request.get_json(silent=True) if request.is_json else request.form) or {}
    email = data.get("email") if isinstance(data, dict) or hasattr(data, "get") else None
    if isinstance(email, str) and 3 <= len(email) <= 254:
        return "email:" + email.strip().lower()
    return "address:" + (get_remote_address() or "?")


def _accepted(response) -> bool:
    return response.status_code == 201 or (response.status_code in (302, 303) and request.method == "POST")


def intake_limits(view):
    """The limits of a view that takes submissions (JSON API and the HTML form)."""
    view = limiter.limit(
        _hourly, key_func=applicant_email, deduct_when=_accepted, exempt_when=caller_is_reviewer, scope="intake-email"
    )(view)
    view = limiter.limit(
        _hourly,
        key_func=get_remote_address,
        deduct_when=_accepted,
        exempt_when=caller_is_reviewer,
        scope="intake-address",
    )(view)
    return limiter.limit(_burst, key_func=get_remote_address, exempt_when=caller_is_reviewer, scope="intake-burst")(
        view
    )


def retry_after_seconds() -> int:
    """Seconds until the limit that was hit lets the next submission through."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def refusal_text(seconds: int, hourly: bool) -> tuple[str, str, str]:
    """(code, zh, en) for a 429: which limit, and when to try again."""
    minutes = max(1, math.ceil(seconds / 60))
    if hourly:
        return (
            "rate_limited.hourly",
            f"一小時內送件次數已達上限，請於 {minutes} 分鐘後再試",
            f"Too many applications within an hour; try again in {minutes} minute{'s' if minutes > 1 else ''}",
        )
    return (
        "rate_limited.burst",
        f"短時間內嘗試次數過多，請於 {seconds} 秒後再試",
        f"Too many tries in a short time; try again in {seconds} second{'s' if seconds > 1 else ''}",
    )
