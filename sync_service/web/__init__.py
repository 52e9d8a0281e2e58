"""The Flask application factory: thin blueprints over the service layer."""
from __future__ import annotations

from flask import Flask

from ..bootstrap import Wiring, bootstrap
from ..settings import Settings
from . import api, errors, health, openapi
from .ratelimit import limiter_for


def create_app(settings: Settings | None = None, wiring: Wiring | None = None) -> Flask:
    settings = wiring.settings if wiring else (settings or Settings())
    app = Flask(__name__)
    app.config["SECRET_KEY"] = settings.secret_key or None
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # a form 1 is small; bigger bodies are refused (413)
    app.json.ensure_ascii = False
    # One bootstrap wires the adapters; nothing connects until a request needs it.
    app.extensions["sync"] = wiring or bootstrap(settings)
    app.extensions["submit_limiter"] = limiter_for(settings.submit_rate_per_hour, settings.ratelimit_storage_uri)
    errors.register(app)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(openapi.blueprint)
    app.register_blueprint(api.blueprint)
    return app
