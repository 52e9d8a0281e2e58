"""A progress line on stderr for long commands (reconcile): done of total, percent, rate and
time left, in zh-Hant and English. Counts only, never a name. On a terminal the line is
rewritten in place; in a log (cron, systemd) a line is written every `every` seconds and at
the end, so the log shows how far a run got."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressLine:
    def __init__(self, label: str, stream: TextIO | None = None, every: float = 5.0, clock=time.monotonic) -> None:
        self.label, self.stream, self.every, self.clock = label, stream or sys.stderr, every, clock
        self.started = self.clock()
        self.last = None
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        final = done >= total
        if not final and self.last is not None and now - self.last < (0.2 if self.live else self.every):
            return
        self.last = now
        end = "\n" if final or not self.live else ""
        self.stream.write(("\r" if self.live else "") + self.line(done, total, now - self.started) + end)
        self.stream.flush()

    def line(self, done: int, total: int, elapsed: float) -> str:
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate > 0 else None
        percent = 100.0 * done / total if total else 100.0
        eta = f"{left:.0f} s" if left is not None else "?"
        return (
            f"{self.label} {done:,}/{total:,} ({percent:.0f}%) {rate:,.0f}/s · "
            f"剩餘約 left ~{eta} · 已用 elapsed {elapsed:.0f} s"
        )
