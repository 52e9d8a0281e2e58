"""Serving the WSGI application without gunicorn (development, `make up`, the tests).

werkzeug's development server announces itself (`Server: Werkzeug/… Python/…`)
and logs every request line with its query string, which may hold a national
ID (`?national_id=`). This handler sends no banner and logs the path only.
"""

from __future__ import annotations

import logging

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler
from werkzeug.serving import make_server as _werkzeug_server

log = logging.getLogger("sync_service.requests")


class QuietRequestHandler(WSGIRequestHandler):
    def version_string(self) -> str:
        return ""

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() == "server" and not value:
            return
        super().send_header(keyword, value)

    def log_request(self, code="-", size="-") -> None:
        # The path without its query string: queries may carry personal data.
        path = self.path.split("?", 1)[0]
        log.info('%s "%s %s" %s', self.address_string(), self.command, path, getattr(code, "value", code))

    def log_error(self, format: str, *args) -> None:
        log.warning("%s %s", self.address_string(), format % args if args else format)


def make_server(app, host: str, port: int) -> BaseWSGIServer:
    return _werkzeug_server(host, port, app, threaded=True, request_handler=QuietRequestHandler)


def serve(app, host: str, port: int) -> None:
    server = make_server(app, host, port)
    log.info("serving on http://%s:%d/", host, server.server_port)
    server.serve_forever()
