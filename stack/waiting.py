"""Waiting for a state, never for a fixed time: the one copy the stack, the tests and the
benches share (tests/support/waiting.py hands the tests this one)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal, TypeVar

from .network import answers

T = TypeVar("T")


class TimedOut(AssertionError):
    """The state did not come in time. An AssertionError, so that a test waiting for a
    state fails the way its asserts do."""


def wait_until(
    predicate: Callable[[], T | Literal[False] | None],
    timeout: float = 30,
    what: str = "the state",
    interval: float = 0.1,
) -> T:
    """Poll `predicate` until it returns something true; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimedOut(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)  # polling interval; returns as soon as the state is there


def wait_http(url: str, timeout: float = 60, what: str | None = None) -> None:
    """Until `url` answers with anything but a server error."""
    wait_until(lambda: answers(url, timeout=2), timeout, what or url, interval=0.2)
