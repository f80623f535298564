"""The outbox: export decisions and the deliveries they owe, written in one transaction.

A decision to export revision N of an intake record and the rows that owe its delivery to each
sink are committed together, so a crash can never leave a decision without its deliveries or a
delivery without its decision. Delivery then walks `due()` rows and marks each one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from store.database import Store, utc_now


class Outbox:
    def __init__(self, store: Store) -> None:
        self.store = store

    def last_revision(self, intake_id: str) -> dict[str, Any] | None:
        rows = self.store.query(
            "SELECT * FROM exports WHERE intake_id = ? ORDER BY revision DESC LIMIT 1", (intake_id,)
        )
        return rows[0] if rows else None

    def decide(
        self,
        *,
        intake_id: str,
        cluster_id: int,
        revision: int,
        state: Mapping[str, Any],
        events: Mapping[str, Mapping[str, Any]],
    ) -> None:
        """Record revision `revision` of `intake_id` and one pending delivery per sink."""
        now = utc_now()
        with self.store.transaction():
            self.store.conn.execute(
                "INSERT INTO exports (intake_id, revision, cluster_id, state, decided_at) VALUES (?, ?, ?, ?, ?)",
                (intake_id, revision, cluster_id, json.dumps(dict(state), ensure_ascii=False), now),
            )
            self.store.conn.executemany(
                "INSERT INTO outbox (intake_id, revision, sink, event, created_at, next_attempt_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (intake_id, revision, sink, json.dumps(dict(event), ensure_ascii=False), now, now)
                    for sink, event in events.items()
                ],
            )

    def due(self, now: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT * FROM outbox WHERE status IN ('pending', 'failed') AND coalesce(next_attempt_at, '') <= ?"
            " ORDER BY id LIMIT ?",
            (now or utc_now(), limit),
        )

    def mark_delivered(self, row_id: int, external_ref: str) -> None:
        with self.store.transaction():
            self.store.conn.execute(
                "UPDATE outbox SET status = 'delivered', attempts = attempts + 1, external_ref = ?,"
                " delivered_at = ?, last_error = NULL WHERE id = ?",
                (external_ref, utc_now(), row_id),
            )

    def mark_failed(self, row_id: int, error: str, next_attempt_at: str) -> None:
        with self.store.transaction():
            self.store.conn.execute(
                "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?,"
                " next_attempt_at = ? WHERE id = ?",
                (error, next_attempt_at, row_id),
            )

    def mark_dead(self, row_id: int, error: str) -> None:
        with self.store.transaction():
            self.store.conn.execute(
                "UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = ? WHERE id = ?",
                (error, row_id),
            )

    def status_counts(self) -> dict[str, int]:
        rows = self.store.conn.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()
        return {status: int(n) for status, n in rows}
