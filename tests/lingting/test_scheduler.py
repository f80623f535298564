"""The scheduler on an injected clock, with real child processes and a real SQLite file.

The clock is the test's: a child's run takes no scheduled time unless the test moves the clock.
Children are tiny Python processes; the test waits for them to end (a condition, not a timing).
"""

from __future__ import annotations

import itertools
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.service import ServiceSettings
from lingting.service.jobs import Cadence, Job
from lingting.service.scheduler import Outcome, Scheduler
from store import Store, crawl_state
from store import schedule as state
from store.outbox import moment

T0 = 1_800_000_000.0
QUICK = (sys.executable, "-c", "pass")
SLEEPY = (sys.executable, "-c", "import time; time.sleep(60)")
STUBBORN = (
    sys.executable,
    "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)",
)


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "lingting.db")
    yield opened
    opened.close()


def scheduler_of(store: Store, tmp_path: Path, jobs: list[Job], clock: Clock, **service: object) -> Scheduler:
    settings = ServiceSettings.model_validate({"crawl_timeout_minutes": 1, "stop_grace_seconds": 5, **service})
    finished: list[Outcome] = []
    scheduler = Scheduler(
        store,
        jobs,
        settings,
        lock_dir=tmp_path / "locks",
        log_dir=tmp_path / "logs",
        cadence=Cadence.of(settings, random.Random(7)),
        clock=clock,
        on_finish=finished.append,
    )
    scheduler.finished = finished  # type: ignore[attr-defined]
    return scheduler


def wait_children(scheduler: Scheduler) -> None:
    for run in scheduler.running.values():
        run.process.wait(timeout=60)


def job_state(store: Store, name: str) -> state.JobState:
    return state.job_states(store)[name]


def run_once_at(scheduler: Scheduler, clock: Clock, at: float) -> None:
    """Move the clock to `at`, start what is due, let it finish, reap it."""
    clock.now = at
    scheduler.tick()
    wait_children(scheduler)
    scheduler.tick()


def test_jitter_stays_within_its_bound_and_is_capped():
    cadence = Cadence(0.1, 120.0, random.Random(1))
    hourly = Job("hourly", 3600.0, QUICK)
    daily = Job("daily", 86400.0, QUICK)
    assert cadence.jitter_bound(hourly) == 120.0  # 10 % of an hour is 360 s, capped at 120
    assert cadence.jitter_bound(Job("fast", 60.0, QUICK)) == pytest.approx(6.0)
    for job in (hourly, daily):
        slots = [cadence.next_after(job, T0) - T0 - job.interval_seconds for _ in range(2000)]
        assert 0.0 <= min(slots) < 0.05 * 120 and 0.95 * 120 < max(slots) <= 120.0
    assert Cadence(0.0, 120.0, random.Random(1)).next_after(hourly, T0) == T0 + 3600.0


def test_a_job_runs_every_interval_plus_bounded_jitter(store: Store, tmp_path: Path):
    clock = Clock()
    job = Job("every-minute", 60.0, QUICK)
    scheduler = scheduler_of(store, tmp_path, [job], clock)
    scheduler.prepare()
    first = job_state(store, job.name).next_run_at
    assert first is not None and T0 <= first <= T0 + 6.0  # the first slot is spread by the jitter too

    starts = []
    at = first
    for _ in range(5):
        clock.now = at - 0.001
        scheduler.tick()
        assert not scheduler.running, "nothing starts before its slot"
        run_once_at(scheduler, clock, at)
        row = job_state(store, job.name)
        assert row.last_outcome == "ok" and row.last_started_at == pytest.approx(at, abs=0.001)
        starts.append(at)
        assert row.next_run_at is not None
        at = row.next_run_at
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(60.0 <= gap <= 66.0 for gap in gaps), gaps
    assert len(set(gaps)) > 1, "the jitter varies"
    assert job_state(store, job.name).runs == 5


def test_never_two_runs_of_one_job_not_even_from_a_second_scheduler(store: Store, tmp_path: Path):
    clock = Clock()
    job = Job("slow", 60.0, SLEEPY)
    first = scheduler_of(store, tmp_path, [job], clock, jitter_fraction=0)
    first.prepare()
    first.tick()
    assert list(first.running) == ["slow"]
    pid = first.running["slow"].process.pid

    clock.now += 59.0  # within the time limit but past the next slot
    first.tick()
    assert first.running["slow"].process.pid == pid

    # A second service on the same database (started twice by mistake) cannot take the job.
    second_store = Store(store.path)
    second = scheduler_of(second_store, tmp_path, [job], clock, jitter_fraction=0)
    second.prepare()
    second.tick()
    assert not second.running
    assert job_state(store, "slow").running_pid == pid

    first.stop(grace=5)
    assert job_state(store, "slow").last_outcome == "interrupted"
    second.tick()  # the lock is free now: the second one takes the job
    assert list(second.running) == ["slow"]
    second.stop(grace=5)
    second_store.close()


def test_downtime_gives_one_coalesced_run_then_the_schedule_goes_on(store: Store, tmp_path: Path):
    clock = Clock()
    job = Job("hourly", 3600.0, QUICK)
    before = scheduler_of(store, tmp_path, [job], clock)
    before.prepare()
    first = job_state(store, job.name).next_run_at
    assert first is not None
    run_once_at(before, clock, first)

    clock.now = first + 10 * 3600.0 + 5.0  # the service was down for ten slots
    after = scheduler_of(store, tmp_path, [job], clock)
    after.prepare()
    after.tick()
    assert list(after.running) == ["hourly"]
    wait_children(after)
    after.tick()
    resumed = job_state(store, job.name)
    assert resumed.runs == 2
    assert resumed.next_run_at is not None
    assert clock.now + 3600.0 <= resumed.next_run_at <= clock.now + 3600.0 + 300.0
    for step in (1.0, 600.0, 3599.0):
        clock.now = first + 10 * 3600.0 + 5.0 + step
        after.tick()
        assert not after.running, "the missed slots are not run one by one"
    assert job_state(store, job.name).runs == 2


def test_a_backing_off_source_waits_for_the_end_of_its_back_off(store: Store, tmp_path: Path):
    clock = Clock()
    job = Job("crawl:forum", 600.0, QUICK, source="forum")
    scheduler = scheduler_of(store, tmp_path, [job], clock)
    scheduler.prepare()
    until = T0 + 1800.0
    crawl_state.set_backoff(store, "forum", until=moment(until)[:19] + "Z", reason="HTTP 429 / 被限流")
    due = job_state(store, job.name).next_run_at
    assert due is not None
    clock.now = due
    scheduler.tick()
    assert not scheduler.running
    skipped = job_state(store, job.name)
    assert skipped.last_outcome == "backoff" and skipped.last_error == "HTTP 429 / 被限流" and skipped.runs == 0
    assert skipped.next_run_at is not None and until <= skipped.next_run_at <= until + 60.0
    for at in (T0 + 600.0, T0 + 1200.0, until - 1.0):
        clock.now = at
        scheduler.tick()
        assert not scheduler.running
    clock.now = skipped.next_run_at
    scheduler.tick()
    assert list(scheduler.running) == ["crawl:forum"]
    wait_children(scheduler)
    scheduler.tick()
    # Not a crawl that recorded its run: a scheduled crawl that leaves no record is a failure, not a success.
    assert job_state(store, job.name).last_outcome == "failed"


def test_a_hanging_child_is_ended_at_its_deadline_and_retried_at_its_next_slot(store: Store, tmp_path: Path):
    clock = Clock()
    job = Job("hangs", 600.0, STUBBORN)
    scheduler = scheduler_of(store, tmp_path, [job], clock, jitter_fraction=0, stop_grace_seconds=10)
    scheduler.prepare()
    scheduler.tick()
    run = scheduler.running["hangs"]
    log_path = tmp_path / "logs" / "hangs.log"
    while b"ready" not in log_path.read_bytes():
        assert run.process.poll() is None
        time.sleep(0.01)
    clock.now = T0 + 59.0
    scheduler.tick()
    assert run.ending is None
    clock.now = T0 + 60.0  # the limit: SIGTERM, which this child ignores
    scheduler.tick()
    assert run.ending == "timeout" and run.process.poll() is None
    clock.now = T0 + 70.0  # the grace is over: SIGKILL
    scheduler.tick()
    run.process.wait(timeout=30)
    scheduler.tick()
    ended = job_state(store, "hangs")
    assert ended.last_outcome == "timeout" and ended.failures == 1 and ended.running_pid is None
    assert "1 min" in (ended.last_error or "")
    assert ended.next_run_at == pytest.approx(T0 + 600.0)
    assert scheduler.finished[-1].outcome == "timeout"  # type: ignore[attr-defined]


def test_a_failing_child_is_recorded_with_its_output(store: Store, tmp_path: Path):
    clock = Clock()
    job = Job("fails", 60.0, (sys.executable, "-c", "import sys; sys.exit('no such source / 没有该数据源')"))
    scheduler = scheduler_of(store, tmp_path, [job], clock, jitter_fraction=0)
    scheduler.prepare()
    run_once_at(scheduler, clock, T0)
    failed = job_state(store, "fails")
    assert failed.last_outcome == "failed" and failed.failures == 1
    assert "exit code 1" in (failed.last_error or "") and "没有该数据源" in (failed.last_error or "")
    assert failed.next_run_at == pytest.approx(T0 + 60.0)


def test_parallel_crawls_are_bounded(store: Store, tmp_path: Path):
    clock = Clock()
    jobs = [Job(f"j{i}", 60.0, SLEEPY) for i in range(3)]
    scheduler = scheduler_of(store, tmp_path, jobs, clock, jitter_fraction=0, max_parallel_crawls=2)
    scheduler.prepare()
    scheduler.tick()
    assert sorted(scheduler.running) == ["j0", "j1"]
    scheduler.stop(grace=5)
    assert {job_state(store, j.name).last_outcome for j in jobs[:2]} == {"interrupted"}
    # An interrupted run keeps its slot: the next start runs it at once.
    assert all((job_state(store, j.name).next_run_at or 0) <= T0 for j in jobs)


def test_a_lowered_interval_takes_effect_at_the_next_start(store: Store, tmp_path: Path):
    clock = Clock()
    daily = Job("report", 86400.0, QUICK)
    before = scheduler_of(store, tmp_path, [daily], clock, jitter_fraction=0)
    before.prepare()
    run_once_at(before, clock, T0)
    assert job_state(store, "report").next_run_at == pytest.approx(T0 + 86400.0)

    clock.now = T0 + 600.0
    hourly = Job("report", 3600.0, QUICK)  # the config now says every 60 minutes
    after = scheduler_of(store, tmp_path, [hourly], clock, jitter_fraction=0)
    after.prepare()
    assert job_state(store, "report").next_run_at == pytest.approx(T0 + 3600.0)


def test_the_periodic_report_is_a_job_of_the_same_schedule(tmp_path: Path):
    from config import settings_from_toml
    from lingting.service.jobs import crawl_jobs, report_jobs

    base = 'database = "x.db"\n[[products]]\nname = "VoxLink"\n[[sources]]\nname = "hn"\ntype = "hackernews"\n'
    robot = '[[export.alerts]]\ntype = "slack"\nurl_env = "SLACK_URL"\n'
    plain = settings_from_toml(base, base_dir=tmp_path)
    (job,) = report_jobs(plain, tmp_path / "lingting.toml")
    assert job.name == "report:digest" and job.source is None and job.interval_seconds == 7 * 86400
    assert "--send-digest" not in job.argv and str(tmp_path / "logs" / "report-latest.html") in job.argv
    assert job.argv[job.argv.index("--since") : job.argv.index("--since") + 2] == ("--since", "7d")
    with_robot = settings_from_toml(base + robot, base_dir=tmp_path)
    assert "--send-digest" in report_jobs(with_robot, tmp_path / "lingting.toml")[0].argv
    off = settings_from_toml(base + "[report]\nevery_days = 0\n", base_dir=tmp_path)
    assert report_jobs(off, tmp_path / "lingting.toml") == []
    assert [j.name for j in crawl_jobs(plain, tmp_path / "lingting.toml")] == ["crawl:hn"]
