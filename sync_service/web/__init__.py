"""The Flask application factory: thin blueprints over the service layer."""
from __future__ import annotations

from flask import Flask

from ..bootstrap import bootstrap
from ..settings import Settings
from . import health


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings()
    app = Flask(__name__)
    app.config["SECRET_KEY"] = settings.secret_key or None
    # One bootstrap wires the adapters; nothing connects until a request needs it.
    app.extensions["sync"] = bootstrap(settings)
    app.register_blueprint(health.blueprint)
    return app
