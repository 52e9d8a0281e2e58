"""The captcha of the public intake (decision 0060): a picture of characters
drawn on the server, answered once, within a few minutes.

Kept on the server (the store: the sync service's database, so any web process
draws and checks what another issued; decision 0140), never in the browser's
cookie (Flask's session cookie is signed, not encrypted: an answer there could
be read). One answer, one submission: a challenge is forgotten as soon as it is
checked, right or wrong, so a script cannot try answers against it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from .ports import ChallengeStore

# Letters and digits nobody confuses when drawn (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"


def _now() -> datetime:
    return datetime.now(UTC)


class Challenges:
    def __init__(
        self,
        draw: Callable[[str], bytes],
        store: ChallengeStore,
        *,
        length: int = 5,
        lifetime_seconds: float = 600,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.draw, self.store, self.length, self.clock = draw, store, length, clock
        self.lifetime = timedelta(seconds=lifetime_seconds)

    def issue(self) -> str:
        answer = "".join(secrets.choice(ALPHABET) for _ in range(self.length))
        challenge_id = secrets.token_urlsafe(16)
        now = self.clock()
        self.store.purge(now)
        self.store.put(challenge_id, answer, now + self.lifetime)
        return challenge_id

    def image(self, challenge_id: str) -> bytes | None:
        answer = self.store.peek(challenge_id, self.clock())
        return None if answer is None else self.draw(answer)

    def check(self, challenge_id: str, answer: str) -> bool:
        held = self.store.take(challenge_id, self.clock())
        if held is None:
            return False
        typed = (answer or "").strip().upper().replace(" ", "")
        return secrets.compare_digest(typed.encode(), held.encode())

    def answer_for_tests(self, challenge_id: str) -> str | None:
        """Test seam: the browser tests read the picture's text here (from the store every web
        process shares); nothing in the web layer calls it."""
        return self.store.peek(challenge_id, self.clock())
