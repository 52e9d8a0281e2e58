"""The progress line of long commands: counts, rate and time left, in both languages."""

from __future__ import annotations

import io

from sync_service.adapters.progress import ProgressLine


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_log_gets_a_line_every_few_seconds_and_one_at_the_end():
    """Read in a terminal or a log, the line says how far, how fast and how long still."""
    clock, out = Clock(), io.StringIO()
    progress = ProgressLine("對帳 reconcile", out, every=5, clock=clock)
    progress(0, 1000)
    clock.now += 1
    progress(100, 1000)  # within 5 s of the last line: nothing
    clock.now += 9
    progress(500, 1000)
    clock.now += 10
    progress(1000, 1000)
    lines = out.getvalue().splitlines()
    assert lines[1] == "對帳 reconcile 500/1,000 (50%) 50/s · 剩餘約 left ~10 s · 已用 elapsed 10 s"
    assert lines[-1].startswith("對帳 reconcile 1,000/1,000 (100%) 50/s · 剩餘約 left ~0 s")
    assert len(lines) == 3
