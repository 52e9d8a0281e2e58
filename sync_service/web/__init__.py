"""The Flask application factory: thin blueprints over the service layer."""
from __future__ import annotations

from flask import Flask

from . import api, errors, health, openapi
from .ratelimit import limiter_for


def create_app(wiring) -> Flask:
    """`wiring` is what `sync_service.bootstrap.bootstrap` returns: the web
    layer is handed its adapters, it never builds them (no import of them)."""
    settings = wiring.settings
    app = Flask(__name__)
    app.config["SECRET_KEY"] = settings.secret_key or None
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # a form 1 is small; bigger bodies are refused (413)
    app.json.ensure_ascii = False
    # One bootstrap wired the adapters; nothing connects until a request needs it.
    app.extensions["sync"] = wiring
    app.extensions["submit_limiter"] = limiter_for(settings.submit_rate_per_hour, settings.ratelimit_storage_uri)
    errors.register(app)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(openapi.blueprint)
    app.register_blueprint(api.blueprint)
    return app
