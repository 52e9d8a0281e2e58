"""Waiting for a state of the real stack, never for a fixed time: the stack's own helper
(stack/waiting.py), shared with the benches."""

from stack.waiting import TimedOut, wait_until

__all__ = ["TimedOut", "wait_until"]
