"""A sliding-window rate limit: at most `limit` messages in any `period` seconds."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable


class SlidingWindow:
    def __init__(self, limit: int, period: float = 60.0, sent: Iterable[float] = ()) -> None:
        self.limit = limit
        self.period = period
        self._sent = deque(sorted(sent))

    def _forget(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self.period:
            self._sent.popleft()

    def remaining(self, now: float) -> int:
        self._forget(now)
        return max(self.limit - len(self._sent), 0)

    def wait(self, now: float) -> float:
        """Seconds until one more message may go."""
        self._forget(now)
        if len(self._sent) < self.limit:
            return 0.0
        return self._sent[len(self._sent) - self.limit] + self.period - now

    def note(self, now: float) -> None:
        self._sent.append(now)
