"""When to try a failed delivery again: exponential backoff with jitter, or the receiver's wish."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field


@dataclass
class RetryPolicy:
    """Attempt n (1-based) failed: wait about `base * 2**(n-1)`, at most `cap`.

    "Equal jitter": half the delay is fixed, half drawn from `rng`, so that the deliveries that
    failed together (an intake that was down) do not all come back together. A `Retry-After`
    from the receiver is followed up to `retry_after_max` seconds: a receiver asking for years
    (or an HTTP date far ahead) is tried again after that. Pass a seeded `rng` to make it repeatable.
    """

    base: float = 30.0
    cap: float = 3600.0
    max_attempts: int = 12
    rng: random.Random = field(default_factory=random.Random)
    retry_after_max: float = 24 * 3600.0

    def delay(self, attempts: int, retry_after: float | None = None) -> float:
        """Seconds to wait after `attempts` failed attempts."""
        ceiling = min(self.cap, self.base * 2 ** max(attempts - 1, 0))
        jittered = ceiling / 2 + self.rng.uniform(0, ceiling / 2)
        if retry_after is not None and not math.isnan(retry_after):
            return min(max(retry_after, 0.0), self.retry_after_max)
        return jittered

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts
