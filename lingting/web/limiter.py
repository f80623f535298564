"""Login attempts: after 10 wrong passwords in a minute, per user name and per client, the next is refused."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

MAX_FAILURES = 10
WINDOW_SECONDS = 60.0


class LoginLimiter:
    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        cutoff = self.clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        return times

    @staticmethod
    def _keys(name: str, client: str) -> tuple[str, str]:
        return f"user:{name.strip().lower()}", f"client:{client}"

    def blocked(self, name: str, client: str) -> bool:
        return any(len(self._recent(key)) >= self.max_failures for key in self._keys(name, client))

    def failed(self, name: str, client: str) -> None:
        now = self.clock()
        for key in self._keys(name, client):
            self._recent(key).append(now)
        if len(self._failures) > 10_000:  # names tried once long ago: forget them
            for key in [k for k, v in self._failures.items() if not v]:
                del self._failures[key]
