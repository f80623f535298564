"""The scheduler's state: one row per job (last run, next run, outcome, the child running it).

Times go in as Unix seconds and are written as ISO 8601 UTC with milliseconds (as the outbox
writes them), so an operator can read the table with `sqlite3` and a restart computes the same
schedule. The heartbeats say when the service's loop last went round and when /healthz last wrote.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from store.crawl_state import Backoff
from store.database import Store
from store.outbox import moment

FAILED_OUTCOMES = ("failed", "timeout")
"""Outcomes that count as a failure of the job (a crawl's own health verdicts are in crawl_runs)."""


def seconds(iso: str | None) -> float | None:
    """Unix seconds of an ISO time written by `moment` (or the store's second-precision times)."""
    if not iso:
        return None
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _iso(at: float | None) -> str | None:
    return None if at is None else moment(at)


@dataclass(frozen=True)
class JobState:
    name: str
    next_run_at: float | None
    last_started_at: float | None
    last_finished_at: float | None
    last_outcome: str | None
    last_error: str | None
    running_pid: int | None
    """The child running the job now, as the last scheduler to start it recorded (None when idle)."""
    running_pid_start: int | None
    """That child's start time in clock ticks since boot, to tell it from a later process with its pid."""
    running_deadline: float | None
    runs: int
    failures: int


def job_states(store: Store) -> dict[str, JobState]:
    rows = store.conn.execute(
        "SELECT name, next_run_at, last_started_at, last_finished_at, last_outcome, last_error, running_pid,"
        " running_pid_start, running_deadline, runs, failures FROM scheduled_jobs ORDER BY name"
    ).fetchall()
    return {
        r[0]: JobState(
            r[0], seconds(r[1]), seconds(r[2]), seconds(r[3]), r[4], r[5], r[6], r[7], seconds(r[8]), r[9], r[10]
        )
        for r in rows
    }


def plan_first_run(store: Store, name: str, at: float) -> bool:
    """Give a job never seen before its first slot; returns False (and changes nothing) if it has one."""
    with store.transaction():
        cur = store.conn.execute(
            "INSERT INTO scheduled_jobs (name, next_run_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            (name, moment(at)),
        )
    return bool(cur.rowcount)


def set_next_run(store: Store, name: str, at: float) -> None:
    with store.transaction():
        store.conn.execute("UPDATE scheduled_jobs SET next_run_at = ? WHERE name = ?", (moment(at), name))


def record_start(store: Store, name: str, *, at: float, pid: int, pid_start: int | None, deadline: float) -> None:
    with store.transaction():
        store.conn.execute(
            "UPDATE scheduled_jobs SET last_started_at = ?, running_pid = ?, running_pid_start = ?,"
            " running_deadline = ? WHERE name = ?",
            (moment(at), pid, pid_start, moment(deadline), name),
        )


def record_finish(
    store: Store, name: str, *, at: float, outcome: str, error: str | None, next_run_at: float | None
) -> None:
    """A run ended; `next_run_at` None keeps the slot it had (an interrupted run is due again at once)."""
    failed = 1 if outcome in FAILED_OUTCOMES else 0
    with store.transaction():
        store.conn.execute(
            "UPDATE scheduled_jobs SET last_finished_at = ?, last_outcome = ?, last_error = ?,"
            " next_run_at = coalesce(?, next_run_at), running_pid = NULL, running_pid_start = NULL,"
            " running_deadline = NULL, runs = runs + 1, failures = failures + ? WHERE name = ?",
            (moment(at), outcome, error, _iso(next_run_at), failed, name),
        )


def record_skip(store: Store, name: str, *, outcome: str, error: str | None, next_run_at: float) -> None:
    """A due run that did not start (the source is backing off): no run counted, a later slot set."""
    with store.transaction():
        store.conn.execute(
            "UPDATE scheduled_jobs SET last_outcome = ?, last_error = ?, next_run_at = ? WHERE name = ?",
            (outcome, error, moment(next_run_at), name),
        )


def clear_running(store: Store, name: str) -> None:
    """Forget the child a previous life of the service recorded (it has ended)."""
    with store.transaction():
        store.conn.execute(
            "UPDATE scheduled_jobs SET running_pid = NULL, running_pid_start = NULL, running_deadline = NULL"
            " WHERE name = ?",
            (name,),
        )


def active_backoffs(store: Store, now: float) -> dict[str, Backoff]:
    """Every source back-off still in force at `now`, by source name."""
    rows = store.conn.execute(
        "SELECT source_name, until, reason, since FROM source_backoff WHERE until > ?", (moment(now)[:19] + "Z",)
    ).fetchall()
    return {r[0]: Backoff(r[1], r[2], r[3]) for r in rows}


# -- heartbeats -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heartbeat:
    pid: int
    at: float
    state: str
    """"running"; "stopped" once the service ended cleanly, "failed" if its loop died of a bug."""


def beat(store: Store, name: str, *, pid: int, at: float, state: str = "running") -> None:
    with store.transaction():
        store.conn.execute(
            "INSERT OR REPLACE INTO service_heartbeats (name, pid, at, state) VALUES (?, ?, ?, ?)",
            (name, pid, moment(at), state),
        )


def heartbeats(store: Store) -> dict[str, Heartbeat]:
    rows = store.conn.execute("SELECT name, pid, at, state FROM service_heartbeats").fetchall()
    return {r[0]: Heartbeat(int(r[1]), seconds(r[2]) or 0.0, r[3]) for r in rows}


def probe_write(path: str | Path, *, pid: int, at: float, timeout: float = 2.0) -> str | None:
    """Write one row in a short transaction of a fresh connection; None if it worked, else why not.

    A held write lock (another process in a long transaction), a read-only file or directory, a
    full disk: anything that would stop the service from recording its work shows up here.
    """
    try:
        # mode=rw: a missing database is an error here, not a new empty file.
        uri = Path(path).resolve().as_uri() + "?mode=rw"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout)
    except sqlite3.Error as exc:
        return f"cannot open the database {path}: {exc}"
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT OR REPLACE INTO service_heartbeats (name, pid, at) VALUES ('healthz', ?, ?)", (pid, moment(at))
        )
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        return f"the database is not writable: {exc}"
    finally:
        conn.close()
    return None


def backup(store: Store, destination: str | Path) -> None:
    """An online copy of the database (SQLite's backup API): consistent while others write."""
    target = sqlite3.connect(str(destination))
    try:
        store.conn.backup(target)
    finally:
        target.close()
