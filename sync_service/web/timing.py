"""Every request's time and status, to the operators' metrics (the Telemetry port the bootstrap
wired; adapters/metrics.py). Routes are counted by their rule (`/applications/<reference>`),
never by the URL a person asked for."""

from __future__ import annotations

import time

from flask import Flask, g, request


def register(app: Flask) -> None:
    """Registered before the limits, so a request a budget refuses (429) is timed and counted too."""

    @app.before_request
    def started() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def served(response):
        telemetry = app.extensions["sync"].telemetry
        began = g.pop("request_started", None)
        if telemetry is not None and began is not None:
            route = request.url_rule.rule if request.url_rule is not None else "(no route)"
            telemetry.request_served(route, request.method, response.status_code, time.perf_counter() - began)
        return response
