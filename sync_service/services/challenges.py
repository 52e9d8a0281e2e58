"""The captcha of the public intake (decision 0060): a picture of characters
drawn on the server, answered once, within a few minutes.

Kept in this process's memory, never in the browser's cookie (Flask's session
cookie is signed, not encrypted: an answer there could be read). One answer,
one submission: a challenge is forgotten as soon as it is checked, right or
wrong, so a script cannot try answers against it.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

# Letters and digits nobody confuses when drawn (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"


class Challenges:
    def __init__(
        self,
        draw: Callable[[str], bytes],
        *,
        length: int = 5,
        lifetime_seconds: float = 600,
        capacity: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.draw, self.length, self.lifetime, self.capacity, self.clock = (
            draw,
            length,
            lifetime_seconds,
            capacity,
            clock,
        )
        self._open: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def issue(self) -> str:
        answer = "".join(secrets.choice(ALPHABET) for _ in range(self.length))
        challenge_id = secrets.token_urlsafe(16)
        with self._lock:
            self._open[challenge_id] = (answer, self.clock() + self.lifetime)
            while len(self._open) > self.capacity:
                self._open.popitem(last=False)
        return challenge_id

    def image(self, challenge_id: str) -> bytes | None:
        with self._lock:
            held = self._open.get(challenge_id)
        if held is None or held[1] < self.clock():
            return None
        return self.draw(held[0])

    def check(self, challenge_id: str, answer: str) -> bool:
        with self._lock:
            held = self._open.pop(challenge_id, None)
        if held is None or held[1] < self.clock():
            return False
        typed = (answer or "").strip().upper().replace(" ", "")
        return secrets.compare_digest(typed.encode(), held[0].encode())

    def answer_for_tests(self, challenge_id: str) -> str | None:
        """Test seam: the browser tests read the picture's text here (they run the
        service in-process); nothing in the web layer calls it."""
        held = self._open.get(challenge_id)
        return held[0] if held else None
