"""`Service`: the scheduler and the delivery worker in one thread, for `lingting schedule` and `lingting serve`.

One loop: reap and start crawls (the scheduler), export after each crawl, deliver what the
outbox owes as it falls due, and beat a heartbeat. `start()` runs it in a thread, `stop()` ends
the running crawls (SIGTERM: they checkpoint), records them as interrupted so the next start runs
them again, and joins the thread. `running()` does both around a block and turns SIGTERM and
Ctrl-C into `stop()`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from config.settings import Settings
from exporter import (
    ExportBusy,
    ExportConfigError,
    ExportLock,
    build_bots,
    build_sinks,
    deliver_all,
    export,
    retry_policy,
)
from lingting.service.jobs import Job, crawl_jobs, report_jobs
from lingting.service.scheduler import Outcome, Scheduler
from store import Outbox, Store
from store import schedule as state
from store.schedule import seconds

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10.0
STALE_AFTER_SECONDS = 600.0
"""A loop that has not gone round for this long (a stuck delivery, a hung export) is not healthy."""


def lock_dir(settings: Settings) -> Path:
    """Where the per-job locks live: beside the database."""
    return Path(f"{settings.database_path}.locks")


class Service:
    def __init__(self, settings: Settings, config_path: Path, *, jobs: Sequence[Job] | None = None) -> None:
        self.settings = settings
        self.jobs = (
            list(jobs) if jobs is not None else crawl_jobs(settings, config_path) + report_jobs(settings, config_path)
        )
        # Built here, so a missing secret stops the start with a clear message (ExportConfigError).
        self.sinks = build_sinks(settings)
        self.bots = build_bots(settings)
        self.retry = retry_policy(settings)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_tick: float | None = None
        self.error: str | None = None
        """Why the loop ended by itself (a bug: its traceback is in the log)."""

    # -- life -------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the service is already started")
        self._thread = threading.Thread(target=self._run, name="lingting-service")
        self._thread.start()

    def request_stop(self) -> None:
        """Ask the loop to stop (safe from a signal handler); `wait()` or `stop()` waits for it."""
        self._stop.set()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def stop(self) -> None:
        """End the running crawls (they checkpoint), record them, and wait for the loop to end."""
        self.request_stop()
        self.wait()

    @contextmanager
    def running(self) -> Iterator[Service]:
        """Run the service around a block; SIGTERM or Ctrl-C (in the main thread) stops it."""
        previous: dict[signal.Signals, Any] = {}
        if threading.current_thread() is threading.main_thread():

            def on_signal(signum: int, frame: FrameType | None) -> None:
                log.info("signal %s: stopping / 正在停止", signal.Signals(signum).name)
                self.request_stop()

            for sig in (signal.SIGTERM, signal.SIGINT):
                previous[sig] = signal.signal(sig, on_signal)
        self.start()
        try:
            yield self
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def health(self) -> str | None:
        """None while the loop runs and goes round; else why not, in words."""
        if self.error is not None:
            return f"the scheduler stopped: {self.error} / 调度器已停止"
        if self._thread is None or not self._thread.is_alive():
            return "the scheduler is not running / 调度器未运行"
        if self.last_tick is None or time.time() - self.last_tick > STALE_AFTER_SECONDS:
            return f"the scheduler has not gone round for {STALE_AFTER_SECONDS:g}s / 调度器无响应"
        return None

    # -- the loop ---------------------------------------------------------------------------------

    def _run(self) -> None:
        store = Store(self.settings.database_path)
        scheduler = Scheduler(
            store,
            self.jobs,
            self.settings.service,
            lock_dir=lock_dir(self.settings),
            log_dir=self.settings.path(self.settings.service.log_dir),
            on_finish=lambda outcome: self._after(store, outcome),
        )
        log.info("service started: %d job(s) / 服务已启动", len(self.jobs), extra={"jobs": [j.name for j in self.jobs]})
        last_beat = 0.0
        try:
            self._warn_of_another_scheduler(store)
            scheduler.prepare()
            self._export(store)  # what an earlier life stored or decided but did not send
            while not self._stop.is_set():
                wait = scheduler.tick()
                wait = min(wait, self._deliver_due(store))
                self.last_tick = now = time.time()
                if now - last_beat >= HEARTBEAT_SECONDS:
                    state.beat(store, "scheduler", pid=os.getpid(), at=now)
                    last_beat = now
                self._stop.wait(wait)
            scheduler.stop()
            state.beat(store, "scheduler", pid=os.getpid(), at=time.time(), state="stopped")
            log.info("service stopped / 服务已停止")
        except BaseException as exc:  # a bug: logged with its traceback; /healthz and the exit code say so
            self.error = f"{type(exc).__name__}: {exc}"
            log.exception("the service loop failed / 服务循环出错")
            scheduler.stop()
            with contextlib.suppress(Exception):
                state.beat(store, "scheduler", pid=os.getpid(), at=time.time(), state="failed")
        finally:
            store.close()

    @staticmethod
    def _warn_of_another_scheduler(store: Store) -> None:
        other = state.heartbeats(store).get("scheduler")
        if other is None or other.state != "running" or other.pid == os.getpid():
            return
        if time.time() - other.at <= 3 * HEARTBEAT_SECONDS:
            # Harmless (each job is locked) but wasteful: both would export and deliver.
            log.warning("another scheduler (pid %d) runs on this database / 另一个调度器正在使用该数据库", other.pid)

    def _after(self, store: Store, outcome: Outcome) -> None:
        """After a crawl that was not interrupted: decide and deliver what it found."""
        if outcome.job.source is not None and outcome.outcome != "interrupted":
            self._export(store)

    def _export(self, store: Store) -> None:
        try:
            summary = export(store, self.settings, sinks=self.sinks, bots=self.bots, retry=self.retry)
        except (ExportBusy, ExportConfigError) as exc:
            log.warning("export skipped: %s", exc)
            return
        if summary.planned or summary.delivered or summary.failed or summary.dead:
            log.info(
                "export: %d new revision(s), %d delivered, %d to retry, %d dead",
                len(summary.planned), summary.delivered, summary.failed, summary.dead,
                extra={"planned": len(summary.planned), "delivered": summary.delivered,
                       "failed": summary.failed, "dead": summary.dead},
            )  # fmt: skip

    def _deliver_due(self, store: Store) -> float:
        """Deliver what is due now; returns the seconds until the next row falls due (or the poll)."""
        poll = self.settings.service.delivery_poll_seconds
        upcoming = Outbox(store).next_attempt()
        now = time.time()
        if upcoming is None or (seconds(upcoming) or 0.0) > now:
            return poll if upcoming is None else min(poll, (seconds(upcoming) or now) - now)
        try:
            with ExportLock(store.path, wait=0.0):
                counts = deliver_all(store, self.sinks, self.bots, retry=self.retry)
        except ExportBusy:
            return 1.0  # an export holds the lock; it delivers too
        if counts.delivered or counts.failed or counts.dead or counts.alerted:
            log.info(
                "delivery: %d delivered, %d alerted, %d to retry, %d dead",
                counts.delivered, counts.alerted, counts.failed, counts.dead,
            )  # fmt: skip
        upcoming = Outbox(store).next_attempt()
        if upcoming is None:
            return poll
        return min(poll, max((seconds(upcoming) or 0.0) - time.time(), 0.05))
