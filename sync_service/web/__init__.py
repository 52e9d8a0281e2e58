"""The Flask application factory: thin blueprints over the service layer."""

from __future__ import annotations

import secrets

from flask import Flask, Request
from flask.json.provider import DefaultJSONProvider

from ..services import scans as use_scans
from . import (
    access_reviews,
    api,
    audit_export,
    errors,
    health,
    limits,
    openapi,
    page_support,
    pair_users,
    personal_data,
    printed,
    public,
    review,
    scans,
    signin,
    suspensions,
    timing,
)
from .headers import secure_headers

FORM_LIMIT = 64 * 1024  # a form 1 is small; every route but the scans' upload keeps this limit
# Routes that take a larger body, and how large. Known from the matched route, before anything
# reads the body (the CSRF check reads the form first, so a hook after it would come too late).
LARGER_BODIES = {
    "scans.upload": use_scans.MAX_SCAN_BYTES + FORM_LIMIT,
    # a written personal-data request carries its letter's scan (R-PD-2)
    "review.written_request": use_scans.MAX_SCAN_BYTES + FORM_LIMIT,
}


class SizedRequest(Request):
    """A request whose body limit is its route's: a scan up to the documented size, else 64 KB."""

    # werkzeug declares an attribute; Flask's own Request overrides it with a property too.
    @property  # type: ignore[misc]
    def max_content_length(self) -> int | None:  # type: ignore[override]
        return LARGER_BODIES.get(self.endpoint or "", FORM_LIMIT)


class JsonProvider(DefaultJSONProvider):
    """JSON nested thousands deep makes the parser recurse until Python stops
    it (RecursionError, a 500): here it is just a body that is not valid JSON (400)."""

    ensure_ascii = False

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deep") from None


def create_app(wiring) -> Flask:
    """`wiring` is what `sync_service.bootstrap.bootstrap` returns: the web
    layer is handed its adapters, it never builds them (no import of them)."""
    settings = wiring.settings
    if not 0 <= settings.page_session_check_seconds <= 60:
        raise ValueError("SYNC_PAGE_SESSION_CHECK_SECONDS must be between 0 and 60 (decision 0130)")
    app = Flask(__name__)
    app.request_class = SizedRequest
    app.json = JsonProvider(app)
    # Without a configured key the pages' sessions last as long as this process.
    app.config["SECRET_KEY"] = settings.secret_key or secrets.token_bytes(32)
    # A form 1 is small; a scan (only on its upload route, SizedRequest) is bounded by the scans use case.
    app.config["MAX_CONTENT_LENGTH"] = FORM_LIMIT
    app.config["MAX_FORM_MEMORY_SIZE"] = FORM_LIMIT
    if settings.proxy_hops:
        # Behind nginx (or a load balancer and nginx): the client and scheme as the proxies saw them.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
    # One bootstrap wired the adapters; nothing connects until a request needs it.
    app.extensions["sync"] = wiring
    timing.register(app)
    limits.init_app(app, settings)
    secure_headers(app)
    errors.register(app)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(openapi.blueprint)
    app.register_blueprint(api.blueprint)
    # The pages: applicants' and reviewers', signed in through the realm.
    page_support.register(app)
    page_support.csrf.exempt(api.blueprint)  # bearer tokens, no cookies: nothing to forge
    signin.register(app)
    for blueprint in (
        public.blueprint,
        review.blueprint,
        scans.blueprint,
        printed.blueprint,
        personal_data.blueprint,
        audit_export.blueprint,
        access_reviews.blueprint,
        suspensions.blueprint,
        pair_users.blueprint,
    ):
        app.register_blueprint(blueprint)

    return app
