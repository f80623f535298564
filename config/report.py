"""Report settings (`[report]`): demand signals, spike detection and the weekly digest."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from config.base import _Model


class ReportSettings(_Model):
    demand_threshold: int = Field(default=10, ge=1)
    """A wish asked for by at least this many distinct people within `demand_days` is one to act on."""
    demand_days: int = Field(default=90, ge=1)
    spike_k: float = Field(default=4.0, gt=0)
    """An hour is a spike past median + k x max(MAD, sqrt(median)) of its baseline."""
    spike_min_authors: int = Field(default=5, ge=1)
    """And with at least this many distinct authors."""
    spike_baseline_days: int = Field(default=14, ge=3)
    spike_cooldown_hours: int = Field(default=24, ge=1)
    """A spike starting within this many hours of the last one's end is the same spike (one alert)."""
    spike_alert_max_age_hours: int = Field(default=6, ge=1)
    """Only a spike whose last hour is this recent is alerted (an old one found late is reported only)."""
    lang: Literal["zh", "en"] = "zh"
    """The default language of the report and the digest."""
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    """Where the report page is served (the workspace's /report): the digest links to it."""
    every_days: float = Field(default=7, ge=0)
    """The scheduler writes the report of the last this many days to `[service] log_dir` and sends the
    chat digest (when robots are configured) this often; 0: never."""
