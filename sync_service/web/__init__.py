"""The Flask application factory: thin blueprints over the service layer."""

from __future__ import annotations

import secrets

from flask import Flask
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
    personal_data,
    printed,
    public,
    review,
    scans,
    signin,
)
from .headers import secure_headers


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
    app = Flask(__name__)
    app.json = JsonProvider(app)
    # Without a configured key the pages' sessions last as long as this process.
    app.config["SECRET_KEY"] = settings.secret_key or secrets.token_bytes(32)
    # A form 1 is small; a scan (only on its upload route) is bounded by the scans use case.
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    app.config["MAX_FORM_MEMORY_SIZE"] = 64 * 1024
    if settings.proxy_hops:
        # Behind nginx (or a load balancer and nginx): the client and scheme as the proxies saw them.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    # One bootstrap wired the adapters; nothing connects until a request needs it.
    app.extensions["sync"] = wiring
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
    ):
        app.register_blueprint(blueprint)

    @app.before_request
    def scans_may_be_larger():
        from flask import request

        if request.endpoint == "scans.upload":
            request.max_content_length = use_scans.MAX_SCAN_BYTES + 64 * 1024

    return app
