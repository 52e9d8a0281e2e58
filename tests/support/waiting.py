"""Waiting for a state of the real stack, never for a fixed time."""

from __future__ import annotations

import time


def wait_until(predicate, timeout: float = 30, what: str = "the state"):
    """Poll `predicate` until it returns something true; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        time.sleep(0.1)  # polling interval; returns as soon as the state is there
