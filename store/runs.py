"""Crawl runs: per run and per source, what was requested, parsed, stored and what went wrong."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from store.database import Store

_COUNTS = ("requests", "responses", "posts_parsed", "new_posts", "flagged", "errors", "skipped")


def record_run(store: Store, run: Mapping[str, Any]) -> None:
    """Insert or replace the row of (run_id, source_name)."""
    row = {k: run.get(k, 0) for k in _COUNTS}
    row |= {k: run[k] for k in ("run_id", "source_name", "source", "started_at", "finished_at")}
    row["status_codes"] = json.dumps(run.get("status_codes", {}), sort_keys=True)
    row["error_samples"] = json.dumps(list(run.get("error_samples", []))[:20], ensure_ascii=False)
    cols = ", ".join(row)
    marks = ", ".join(f":{k}" for k in row)
    with store.transaction():
        store.conn.execute(f"INSERT OR REPLACE INTO crawl_runs ({cols}) VALUES ({marks})", row)


def runs_of(store: Store, run_id: str) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM crawl_runs WHERE run_id = ? ORDER BY source_name", (run_id,))
