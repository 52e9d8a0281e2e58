"""The Flask application factory: thin blueprints over the service layer."""
from __future__ import annotations

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from ..bootstrap import Wiring, bootstrap
from ..settings import Settings
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


def create_app(settings: Settings | None = None, wiring: Wiring | None = None) -> Flask:
    settings = wiring.settings if wiring else (settings or Settings())
    app = Flask(__name__)
    app.json = JsonProvider(app)
    app.config["SECRET_KEY"] = settings.secret_key or None
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # a form 1 is small; bigger bodies are refused (413)
    # One bootstrap wires the adapters; nothing connects until a request needs it.
    app.extensions["sync"] = wiring or bootstrap(settings)
    limits.init_app(app, settings)
    secure_headers(app)
    errors.register(app)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(openapi.blueprint)
    app.register_blueprint(api.blueprint)
    return app
