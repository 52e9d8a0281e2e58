"""Per-client-IP limit on the public intake: a sliding window kept in memory.

Enough for one process; behind several processes or a proxy, the limit
belongs in the proxy (and `X-Forwarded-For` is then trusted via ProxyFix)."""
from __future__ import annotations

import threading
import time
from collections import deque


class SlidingWindowLimiter:
    def __init__(self, limit: int, window_seconds: float = 3600, clock=time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window_seconds, clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> tuple[bool, int]:
        """(allowed, seconds until the next request would be allowed)."""
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False, int(hits[0] + self.window - now) + 1
            hits.append(now)
            if len(self._hits) > 100_000:  # forget idle clients rather than grow without end
                for k in [k for k, v in self._hits.items() if not v]:
                    del self._hits[k]
            return True, 0
