"""The Flask application factory: thin blueprints over the service layer."""
from __future__ import annotations

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from . import api, errors, health, limits, openapi
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
    app.config["SECRET_KEY"] = settings.secret_key or None
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # a form 1 is small; bigger bodies are refused (413)
    # One bootstrap wired the adapters; nothing connects until a request needs it.
    app.extensions["sync"] = wiring
    limits.init_app(app, settings)
    secure_headers(app)
    errors.register(app)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(openapi.blueprint)
    app.register_blueprint(api.blueprint)
    return app
