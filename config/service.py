"""`[service]`: how `lingting schedule` and `lingting serve` run crawls, exports and deliveries unattended."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from config.base import _Model


class ServiceSettings(_Model):
    crawl_timeout_minutes: float = Field(default=30, gt=0)
    """A scheduled crawl still running after this long is ended (SIGTERM, then SIGKILL) and counted as failed."""
    stop_grace_seconds: float = Field(default=30, ge=0)
    """How long a crawl has to checkpoint and end after SIGTERM before it is killed."""
    max_parallel_crawls: int = Field(default=2, ge=1, le=32)
    """Crawls of different sources that may run at once (one crawl per source, always)."""
    jitter_fraction: float = Field(default=0.1, ge=0, le=0.5)
    """Each run waits up to this share of its interval more, so that sources do not fire together."""
    max_jitter_seconds: float = Field(default=300, ge=0)
    """The jitter never passes this many seconds."""
    delivery_poll_seconds: float = Field(default=30, gt=0)
    """The longest the delivery worker sleeps before looking at the outbox again."""
    log_format: Literal["text", "json"] = "text"
    """`json`: one JSON object per log line (for journald, Loki, Elasticsearch)."""
    log_dir: str = "logs"
    """Where each source's crawl output is appended (`crawl-<source>.log`), relative to the config file."""
