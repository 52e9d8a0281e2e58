"""The usual security headers on every response, and no server banner.

The JSON API serves no scripts, styles or frames of its own: its policy
allows nothing. HTML pages pass their own policy (`content_security_policy`).
HSTS is sent only over TLS: on plain HTTP it means nothing, and a browser
would otherwise pin a development host to HTTPS.
"""

from __future__ import annotations

from flask import Flask, request

NOTHING = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
PAGES = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def secure_headers(app: Flask, content_security_policy: str = NOTHING) -> None:
    @app.after_request
    def add(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
