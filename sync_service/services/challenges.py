"""The captcha of the public intake (decision 0060): a picture of characters
drawn on the server, answered once, within a few minutes.

Kept on the server, never in the browser's cookie (an answer there could be read):
in the service's database (`ChallengeStore`, decision 0133), so that the form, its
picture and the answer may each reach a different web process (gunicorn x2 on the
production shape). One answer, one submission: a challenge is closed as soon as it
is checked, right or wrong, by whichever process checks it, so a script cannot try
answers against it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from .clock import utcnow
from .ports import ChallengeStore, OpenChallenge

# Letters and digits nobody confuses when drawn (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"


class Challenges:
    def __init__(
        self,
        store: ChallengeStore,
        draw: Callable[[str], bytes],
        *,
        length: int = 5,
        lifetime: timedelta = timedelta(minutes=10),
        sweep_every: int = 100,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store, self.draw, self.length, self.lifetime, self.clock = store, draw, length, lifetime, clock
        # Expired challenges are forgotten every `sweep_every` issues of this process: the table
        # stays about as large as ten minutes of issuing (which the budgets bound).
        self.sweep_every, self._issued = sweep_every, 0

    def issue(self) -> str:
        answer = "".join(secrets.choice(ALPHABET) for _ in range(self.length))
        challenge_id = secrets.token_urlsafe(16)
        now = self.clock()
        self.store.put(challenge_id, OpenChallenge(answer, now + self.lifetime))
        self._issued += 1
        if self._issued % self.sweep_every == 0:
            self.store.sweep(now)
        return challenge_id

    def _open(self, held: OpenChallenge | None) -> OpenChallenge | None:
        return held if held is not None and held.expires_at > self.clock() else None

    def image(self, challenge_id: str) -> bytes | None:
        held = self._open(self.store.peek(challenge_id))
        return None if held is None else self.draw(held.answer)

    def check(self, challenge_id: str, answer: str) -> bool:
        held = self._open(self.store.take(challenge_id)) if challenge_id else None
        if held is None:
            return False
        typed = (answer or "").strip().upper().replace(" ", "")
        return secrets.compare_digest(typed.encode(), held.answer.encode())

    def answer_for_tests(self, challenge_id: str) -> str | None:
        """Test seam: the browser tests and the perfect-solver bench read the picture's text
        here (an in-process wiring of the same database); nothing in the web layer calls it."""
        held = self._open(self.store.peek(challenge_id))
        return held.answer if held else None
