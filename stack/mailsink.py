"""A local SMTP sink: every message Keycloak or the sync service sends lands as an
.eml file in one folder, readable by tests (`MailSink.wait_for`) and by people
(`python -m stack mail` or the small listing page served beside it).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import html
import threading
import time
import uuid
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller

from .waiting import TimedOut, wait_until


class _StoreHandler:
    def __init__(self, folder: Path):
        self.folder = folder
        # Seconds the sink takes to accept a message, as a slow mail server would (tests set it).
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        # Time first so the folder lists in arrival order; the uuid keeps names unique.
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        tmp = self.folder / (name + ".part")
        tmp.write_bytes(envelope.original_content or envelope.content)
        tmp.rename(self.folder / name)  # readers never see half a message
        return "250 Message accepted for delivery"


def read_message(path: Path) -> EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


class MailSink:
    def __init__(self, folder: Path, port: int = 2525, host: str = "127.0.0.1"):
        self.folder = folder
        self.host = host
        self.port = port
        self._controller: Controller | None = None
        self._handler = _StoreHandler(folder)

    @property
    def delay(self) -> float:
        """Seconds each message takes to be accepted (0: at once)."""
        return self._handler.delay

    @delay.setter
    def delay(self, seconds: float) -> None:
        self._handler.delay = seconds

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._controller = Controller(self._handler, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller:
            self._controller.stop()
            self._controller = None

    def files(self) -> list[Path]:
        return sorted(self.folder.glob("*.eml"))

    def messages(self, to: str | None = None) -> list[EmailMessage]:
        out = [read_message(p) for p in self.files()]
        if to:
            out = [m for m in out if to.lower() in str(m.get("To", "")).lower()]
        return out

    def wait_for(self, to: str, timeout: float = 30, count: int = 1) -> list[EmailMessage]:
        """The first `count` messages to this address, waiting for them to arrive."""
        found: list[EmailMessage] = []

        def arrived() -> bool:
            found[:] = self.messages(to)
            return len(found) >= count

        try:
            wait_until(arrived, timeout, f"mail to {to}", interval=0.2)
        except TimedOut:
            raise TimedOut(f"no mail to {to} within {timeout} s ({len(found)} of {count})") from None
        return found


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part else ""


def serve_listing(folder: Path, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A page listing the sink's messages, newest first, each readable in full."""

    class Page(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            files = sorted(folder.glob("*.eml"), reverse=True)
            if self.path.startswith("/m/"):
                target = folder / Path(self.path[3:]).name
                if not target.exists():
                    self.send_error(404)
                    return
                msg = read_message(target)
                body = (
                    f"<h1>{html.escape(str(msg['Subject']))}</h1><p>To: {html.escape(str(msg['To']))}"
                    f"<br>Date: {html.escape(str(msg['Date']))}</p><pre>{html.escape(body_text(msg))}</pre>"
                    '<p><a href="/">← 郵件列表 / all mail</a></p>'
                )
            else:
                rows = "".join(
                    f"<tr><td>{html.escape(str(m['Date']))}</td><td>{html.escape(str(m['To']))}</td>"
                    f'<td><a href="/m/{f.name}">{html.escape(str(m["Subject"]))}</a></td></tr>'
                    for f, m in ((f, read_message(f)) for f in files)
                )
                body = (
                    "<h1>測試郵件匣 / Mail sink</h1>"
                    f"<p>{len(files)} 封郵件 / messages in {html.escape(str(folder))}</p>"
                    "<table border=1 cellpadding=4><tr><th>時間 Date</th><th>收件者 To</th>"
                    f"<th>主旨 Subject</th></tr>{rows}</table>"
                )
            data = f'<!doctype html><meta charset="utf-8"><title>Mail sink</title>{body}'.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer((host, port), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
