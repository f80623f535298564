"""The scheduler: a small loop over the `scheduled_jobs` table, on a clock that tests can set.

Each `tick()` reaps the children that ended (recording how), ends the ones past their deadline,
and starts the jobs that are due, at most `max_parallel_crawls` at once and never two of one job
(its lock). A due crawl of a source that is backing off is skipped to the back-off's end. The
table holds every job's next slot, so a restart computes the same schedule; a slot missed while
the service was down is simply due, and runs once.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from config.service import ServiceSettings
from lingting.service.children import JobLock, log_tail, signal_group, spawn, start_ticks
from lingting.service.jobs import Cadence, Job
from store import Store, source_runs
from store import schedule as state
from store.schedule import seconds

log = logging.getLogger(__name__)

CHILD_POLL_SECONDS = 0.2
"""How soon the loop looks again while a child runs (to reap it and export promptly)."""
LOCK_POLL_SECONDS = 1.0
"""How soon the loop tries again for a due job whose lock another process holds."""
MAX_SLEEP_SECONDS = 30.0


@dataclass
class Running:
    job: Job
    process: subprocess.Popen[bytes]
    lock: JobLock
    log: IO[bytes]
    log_path: Path
    started: float
    deadline: float
    ending: str | None = None
    """Why we signalled it: "timeout" or "interrupted" (the service is stopping)."""
    signalled_at: float | None = None


@dataclass(frozen=True)
class Outcome:
    job: Job
    outcome: str
    """ok | unhealthy | blocked | backoff (a crawl's health) | failed | timeout | interrupted"""
    error: str | None
    started: float
    finished: float


class Scheduler:
    def __init__(
        self,
        store: Store,
        jobs: Sequence[Job],
        service: ServiceSettings,
        *,
        lock_dir: Path,
        log_dir: Path,
        cadence: Cadence | None = None,
        clock: Callable[[], float] = time.time,
        on_finish: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.store = store
        self.jobs = {job.name: job for job in jobs}
        self.service = service
        self.lock_dir = lock_dir
        self.log_dir = log_dir
        self.cadence = cadence or Cadence.of(service)
        self.clock = clock
        self.on_finish = on_finish
        self.running: dict[str, Running] = {}

    # -- the loop ---------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Give new jobs their first slot (spread by the jitter) and forget children of a previous
        life of the service that have ended; a still-running one keeps its job locked."""
        now = self.clock()
        states = state.job_states(self.store)
        for job in self.jobs.values():
            if state.plan_first_run(self.store, job.name, now + self.cadence.jitter(job)):
                continue
            previous = states[job.name]
            self._follow_a_shorter_interval(job, previous, now)
            if previous.running_pid is None:
                continue
            lock = JobLock(self._lock_path(job))
            if lock.acquire():
                log.warning("%s: the run a previous service started did not finish; it runs again", job.name,
                            extra={"job": job.name, "pid": previous.running_pid})  # fmt: skip
                state.clear_running(self.store, job.name)
                lock.release()

    def _follow_a_shorter_interval(self, job: Job, previous: state.JobState, now: float) -> None:
        """A slot further off than the job's interval allows (its `every_minutes` was lowered)
        moves to where the new interval puts it."""
        since = previous.last_started_at or now
        latest = max(since + job.interval_seconds + self.cadence.jitter_bound(job), now + 1.0)
        if previous.next_run_at is None or previous.next_run_at <= latest:
            return
        if job.source is None or job.source not in state.active_backoffs(self.store, now):
            state.set_next_run(self.store, job.name, self.cadence.next_after(job, since))

    def tick(self) -> float:
        """Do what is due now; returns how many seconds may pass before the next tick."""
        now = self.clock()
        self._reap(now)
        self._enforce_deadlines(now)
        self._start_due(now)
        return self._idle_seconds(self.clock())

    def stop(self, grace: float | None = None) -> None:
        """SIGTERM every child, give them `grace` seconds (real time) to checkpoint and end, then SIGKILL."""
        grace = self.service.stop_grace_seconds if grace is None else grace
        for run in self.running.values():
            if run.ending is None:
                run.ending = "interrupted"
            signal_group(run.process.pid, signal.SIGTERM)
        until = time.monotonic() + grace
        for run in self.running.values():
            try:
                run.process.wait(timeout=max(until - time.monotonic(), 0.0))
            except subprocess.TimeoutExpired:
                log.warning("%s: no exit %gs after SIGTERM; killed", run.job.name, grace, extra={"job": run.job.name})
                signal_group(run.process.pid, signal.SIGKILL)
                run.process.wait()
        self._reap(self.clock())

    # -- steps ------------------------------------------------------------------------------------

    def _reap(self, now: float) -> None:
        for name, run in list(self.running.items()):
            code = run.process.poll()
            if code is None:
                continue
            del self.running[name]
            run.log.close()
            # The child's copy of the lock closed when it exited; closing ours frees the job.
            run.lock.release()
            outcome = self._outcome(run, code, now)
            state.record_finish(
                self.store, name, at=now, outcome=outcome.outcome, error=outcome.error,
                next_run_at=None if outcome.outcome == "interrupted" else self._next_slot(run.job, run.started),
            )  # fmt: skip
            took = round(now - run.started, 3)
            detail = f" ({outcome.error[-200:]})" if outcome.error else ""
            extra = {"job": name, "outcome": outcome.outcome, "seconds": took}
            log.log(logging.WARNING if outcome.error else logging.INFO, "%s: %s in %.1fs%s", name,
                    outcome.outcome, took, detail, extra=extra)  # fmt: skip
            if self.on_finish is not None:
                self.on_finish(outcome)

    def _outcome(self, run: Running, code: int, now: float) -> Outcome:
        minutes = self.service.crawl_timeout_minutes
        if run.ending == "timeout":
            error = f"ran past {minutes:g} min and was ended / 运行超过 {minutes:g} 分钟, 已终止"
            return Outcome(run.job, "timeout", error, run.started, now)
        if run.ending == "interrupted":
            return Outcome(run.job, "interrupted", "the service stopped / 服务停止", run.started, now)
        if code != 0:
            error = f"exit code {code}: {log_tail(run.log_path)}"
            return Outcome(run.job, "failed", error, run.started, now)
        if run.job.source is None:
            return Outcome(run.job, "ok", None, run.started, now)
        latest = source_runs(self.store, run.job.source, limit=1)
        # The crawl's own verdict on the source; its times have whole seconds.
        if latest and (seconds(latest[0]["started_at"]) or 0.0) >= int(run.started) - 1:
            health = str(latest[0]["health"])
            return Outcome(run.job, health, latest[0].get("health_reason"), run.started, now)
        return Outcome(run.job, "failed", "the crawl recorded no run / 抓取未留下记录", run.started, now)

    def _next_slot(self, job: Job, started: float) -> float:
        slot = self.cadence.next_after(job, started)
        if job.source is not None:
            backoff = state.active_backoffs(self.store, self.clock()).get(job.source)
            if backoff is not None:
                slot = max(slot, (seconds(backoff.until) or 0.0) + self.cadence.jitter(job))
        return slot

    def _enforce_deadlines(self, now: float) -> None:
        for run in self.running.values():
            if run.ending is None and now >= run.deadline:
                log.warning("%s: past its %g min limit; SIGTERM", run.job.name, self.service.crawl_timeout_minutes,
                            extra={"job": run.job.name})  # fmt: skip
                run.ending, run.signalled_at = "timeout", now
                signal_group(run.process.pid, signal.SIGTERM)
            elif run.signalled_at is not None and now >= run.signalled_at + self.service.stop_grace_seconds:
                signal_group(run.process.pid, signal.SIGKILL)

    def _start_due(self, now: float) -> None:
        states = state.job_states(self.store)
        backoffs = state.active_backoffs(self.store, now)
        due = [
            job
            for job in self.jobs.values()
            if job.name not in self.running and (states[job.name].next_run_at or 0.0) <= now
        ]
        for job in sorted(due, key=lambda j: (states[j.name].next_run_at or 0.0, j.name)):
            backoff = backoffs.get(job.source) if job.source is not None else None
            if backoff is not None:
                until = (seconds(backoff.until) or now) + self.cadence.jitter(job)
                state.record_skip(self.store, job.name, outcome="backoff", error=backoff.reason, next_run_at=until)
                log.info("%s: backing off until %s (%s)", job.name, backoff.until, backoff.reason,
                         extra={"job": job.name, "outcome": "backoff"})  # fmt: skip
                continue
            if len(self.running) >= self.service.max_parallel_crawls:
                return
            lock = JobLock(self._lock_path(job))
            if not lock.acquire():
                self._end_orphan_past_deadline(job, states[job.name], now)
                continue
            self._start(job, lock, now)

    def _start(self, job: Job, lock: JobLock, now: float) -> None:
        log_path = self.log_dir / f"{job.file_stem}.log"
        try:
            process, output = spawn(job.argv, lock=lock, log_path=log_path)
        except BaseException:
            lock.release()
            raise
        deadline = now + self.service.crawl_timeout_minutes * 60.0
        self.running[job.name] = Running(job, process, lock, output, log_path, now, deadline)
        state.record_start(
            self.store, job.name, at=now, pid=process.pid, pid_start=start_ticks(process.pid), deadline=deadline
        )
        log.info("%s: started (pid %d)", job.name, process.pid, extra={"job": job.name, "pid": process.pid})

    def _end_orphan_past_deadline(self, job: Job, previous: state.JobState, now: float) -> None:
        """Someone else holds the job: most likely the crawl of a service that was killed. Past its
        deadline and grace it is ended, if it is still the very process that was recorded."""
        pid, deadline = previous.running_pid, previous.running_deadline
        if pid is None or deadline is None or now < deadline + self.service.stop_grace_seconds:
            return
        if previous.running_pid_start is not None and start_ticks(pid) == previous.running_pid_start:
            log.warning("%s: the crawl a previous service left (pid %d) is past its deadline; killed", job.name, pid,
                        extra={"job": job.name, "pid": pid})  # fmt: skip
            signal_group(pid, signal.SIGKILL)

    def _idle_seconds(self, now: float) -> float:
        idle = [
            s.next_run_at or 0.0
            for s in state.job_states(self.store).values()
            if s.name in self.jobs.keys() - self.running.keys()
        ]
        wait = min((at - now for at in idle), default=MAX_SLEEP_SECONDS)
        if wait <= 0:  # due but its lock is held elsewhere, or every crawl slot is taken
            wait = LOCK_POLL_SECONDS
        if self.running:
            wait = min(wait, CHILD_POLL_SECONDS)
        return min(wait, MAX_SLEEP_SECONDS)

    def _lock_path(self, job: Job) -> Path:
        return self.lock_dir / f"{job.file_stem}.lock"
