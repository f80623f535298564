"""Crawl runs: per run and per source, what was requested, parsed, stored, what went wrong, and the verdict.

`health` is one of "ok", "unhealthy" (the source answered but yields nothing it used to, or too
many parse errors), "blocked" (403/429, captcha or login wall) and "backoff" (skipped: a block
earlier asked to wait); `health_reason` says why in words. The limits hit are counted: `refused`
(requests to places a source may not go), `too_large` (answers dropped for their size),
`cut_posts` (posts cut to their head) and `capped_evidence` (posts whose analysis lists only the
first of its many evidence terms).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from store.database import Store

_COUNTS = (
    "requests",
    "responses",
    "not_modified",
    "posts_parsed",
    "new_posts",
    "flagged",
    "errors",
    "parse_errors",
    "skipped",
    "blocked",
    "refused",
    "too_large",
    "cut_posts",
    "capped_evidence",
)
HEALTH = ("ok", "unhealthy", "blocked", "backoff")


def record_run(store: Store, run: Mapping[str, Any]) -> None:
    """Insert or replace the row of (run_id, source_name)."""
    row: dict[str, Any] = {k: int(run.get(k, 0) or 0) for k in _COUNTS}
    row |= {k: run[k] for k in ("run_id", "source_name", "source", "started_at", "finished_at")}
    row["duration_seconds"] = round(float(run.get("duration_seconds", 0.0)), 3)
    row["status_codes"] = json.dumps(run.get("status_codes", {}), sort_keys=True)
    row["error_samples"] = json.dumps(list(run.get("error_samples", []))[:20], ensure_ascii=False)
    row["blocked_reason"] = run.get("blocked_reason")
    row["health"] = run.get("health", "ok")
    if row["health"] not in HEALTH:
        raise ValueError(f"health must be one of {', '.join(HEALTH)}, not {row['health']!r}")
    row["health_reason"] = run.get("health_reason")
    cols = ", ".join(row)
    marks = ", ".join(f":{k}" for k in row)
    with store.transaction():
        store.conn.execute(f"INSERT OR REPLACE INTO crawl_runs ({cols}) VALUES ({marks})", row)


def runs_of(store: Store, run_id: str) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM crawl_runs WHERE run_id = ? ORDER BY source_name", (run_id,))


def source_runs(store: Store, source_name: str, limit: int = 10) -> list[dict[str, Any]]:
    """The latest runs of one source, newest first."""
    return store.query(
        "SELECT * FROM crawl_runs WHERE source_name = ? ORDER BY finished_at DESC, id DESC LIMIT ?",
        (source_name, limit),
    )


def last_success(store: Store, source_name: str) -> dict[str, Any] | None:
    """The latest run of a source that was healthy."""
    rows = store.query(
        "SELECT * FROM crawl_runs WHERE source_name = ? AND health = 'ok' ORDER BY finished_at DESC, id DESC LIMIT 1",
        (source_name,),
    )
    return rows[0] if rows else None


def ever_yielded(store: Store, source_name: str, before_run: str | None = None) -> bool:
    """Whether an earlier run of the source parsed any post (so none now is a symptom, not a quiet source)."""
    row = store.conn.execute(
        "SELECT 1 FROM crawl_runs WHERE source_name = ? AND posts_parsed > 0 AND run_id != ? LIMIT 1",
        (source_name, before_run or ""),
    ).fetchone()
    return row is not None
