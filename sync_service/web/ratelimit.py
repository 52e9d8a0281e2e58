"""Per-client-IP limit on the public intake: a sliding window.

Kept in memory for one process (the default); several web processes share it
in the store `SYNC_RATELIMIT_STORAGE_URI` names (redis in the production-shaped
stack). Behind a proxy, `X-Forwarded-For` is then trusted via ProxyFix."""
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


class SharedLimiter:
    """The same limit kept in a store every web process shares (redis, memcached: any
    storage URI of the `limits` library), so N processes do not allow N times the limit."""

    def __init__(self, limit: int, storage_uri: str, window_seconds: int = 3600) -> None:
        from limits import RateLimitItemPerSecond, storage, strategies
        self._item = RateLimitItemPerSecond(limit, window_seconds)
        self._limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))

    def allow(self, key: str) -> tuple[bool, int]:
        if self._limiter.hit(self._item, "public-intake", key):
            return True, 0
        reset_at = self._limiter.get_window_stats(self._item, "public-intake", key).reset_time
        return False, max(1, int(reset_at - time.time()) + 1)


def limiter_for(limit: int, storage_uri: str):
    """In-process for one developer's server; shared when the settings name a store."""
    if not storage_uri or storage_uri.startswith("memory://"):
        return SlidingWindowLimiter(limit)
    return SharedLimiter(limit, storage_uri)
