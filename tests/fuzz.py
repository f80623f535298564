"""How the fuzz tests run: bounded and seeded by default, so `make test` is fast and repeatable;
`LINGTING_FUZZ_EXAMPLES=500` runs that many random examples per test instead."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings


def fuzz_settings(default_examples: int) -> settings:
    """Hypothesis settings for a fuzz test that tries `default_examples` unless the environment asks for more."""
    return settings(
        max_examples=int(os.environ.get("LINGTING_FUZZ_EXAMPLES", str(default_examples))),
        deadline=None,
        derandomize="LINGTING_FUZZ_EXAMPLES" not in os.environ,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
