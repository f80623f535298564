"""What the scheduler runs: a job is a name, an interval and the command of its child process.

A crawl of one source is the first kind; reports and chat digests will be jobs too, with their own
command and interval. A job that names a `source` is a crawl: its back-off is respected and an
export follows it.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

from config.service import ServiceSettings
from config.settings import Settings


@dataclass(frozen=True)
class Job:
    name: str
    interval_seconds: float
    argv: tuple[str, ...]
    source: str | None = None
    """The source this job crawls, if it is a crawl."""

    @property
    def file_stem(self) -> str:
        """The job's name as a file name (its lock and its log)."""
        return self.name.replace(":", "-")


def crawl_jobs(settings: Settings, config_path: Path) -> list[Job]:
    """One job per enabled source: `lingting crawl -c CONFIG --source NAME` every `every_minutes`."""
    config = str(config_path.resolve())
    return [
        Job(
            name=f"crawl:{source.name}",
            interval_seconds=source.every_minutes * 60.0,
            argv=(sys.executable, "-m", "lingting.cli", "crawl", "-c", config, "--source", source.name),
            source=source.name,
        )
        for source in settings.sources
        if source.enabled
    ]


def report_jobs(settings: Settings, config_path: Path) -> list[Job]:
    """The periodic report: `lingting report` of the last `[report] every_days` days written to the
    log folder, and its digest sent to the chat robots when there are any."""
    days = settings.report.every_days
    if days <= 0:
        return []
    out = settings.path(settings.service.log_dir) / "report-latest.html"
    argv = [sys.executable, "-m", "lingting.cli", "report", "-c", str(config_path.resolve())]
    argv += ["--since", f"{max(round(days), 1)}d", "--out", str(out)]
    if settings.export.alerts:
        argv.append("--send-digest")
    return [Job(name="report:digest", interval_seconds=days * 86400.0, argv=tuple(argv))]


@dataclass(frozen=True)
class Cadence:
    """When a job runs next: its interval after the run started, plus a bounded random jitter."""

    jitter_fraction: float
    max_jitter_seconds: float
    rng: random.Random

    @classmethod
    def of(cls, service: ServiceSettings, rng: random.Random | None = None) -> Cadence:
        return cls(service.jitter_fraction, service.max_jitter_seconds, rng or random.Random())

    def jitter_bound(self, job: Job) -> float:
        return min(job.interval_seconds * self.jitter_fraction, self.max_jitter_seconds)

    def jitter(self, job: Job) -> float:
        return self.rng.uniform(0.0, self.jitter_bound(job))

    def next_after(self, job: Job, started: float) -> float:
        """The slot after a run that started at `started`. Anchored on the run, not on the missed
        slots before it, so a service that was down runs a job once at start and then keeps time."""
        return started + job.interval_seconds + self.jitter(job)
