"""Re-analysis of stored posts (`lingting reanalyze`): read them in pages, write new analyses back.

A post's cluster does not change here (its text did not); clusters are re-triaged afterwards with
`Store.retriage_all`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from store.database import Store, utc_now

PAGE = 500


@dataclass(frozen=True)
class AnalysisChanges:
    posts: int
    """Posts whose analysis was written."""
    complaint_changed: int
    category_changed: int
    priority_changed: int


def posts_for_analysis(store: Store, page: int = PAGE) -> Iterator[list[dict[str, Any]]]:
    """Every stored post (raw record and current analysis decoded), in pages of `page`, by id."""
    last = 0
    while True:
        rows = store.query("SELECT * FROM posts WHERE id > ? ORDER BY id LIMIT ?", (last, page))
        if not rows:
            return
        yield rows
        last = int(rows[-1]["id"])


def write_analyses(store: Store, updates: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> AnalysisChanges:
    """Write `(post row, new analysis dict)` pairs in one transaction; count what changed."""
    complaint = category = priority = 0
    now = utc_now()
    with store.transaction():
        for row, analysis in updates:
            complaint += int(bool(row["complaint"])) != int(bool(analysis.get("complaint")))
            category += row["category"] != analysis.get("category")
            priority += row["priority"] != analysis.get("priority")
            store.conn.execute(
                "UPDATE posts SET relevant = ?, complaint = ?, category = ?, priority = ?, sentiment = ?,"
                " lang = coalesce(?, lang), analysis = ?, updated_at = ? WHERE id = ?",
                (
                    int(bool(analysis.get("relevant"))),
                    int(bool(analysis.get("complaint"))),
                    analysis.get("category"),
                    analysis.get("priority"),
                    analysis.get("sentiment"),
                    analysis.get("lang"),
                    json.dumps(dict(analysis), ensure_ascii=False),
                    now,
                    row["id"],
                ),
            )
    return AnalysisChanges(len(updates), complaint, category, priority)
