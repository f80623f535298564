"""The outbox: export decisions and the deliveries they owe, written in one transaction.

A decision to export revision N of an intake record and the rows that owe its delivery to each
sink (and chat alert) are committed together, so a crash can never leave a decision without its
deliveries or a delivery without its decision. Delivery then walks `due()` rows and marks each one.

Rows hold the event only; requests are rendered (signed, authorised) at delivery time, so no
header, signature or token is ever written here. Times are ISO 8601 UTC with milliseconds, which
sort as text; the older second-precision values sort at most a second late.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from store.database import Store, StoreError

STATUSES = ("pending", "delivered", "failed", "dead")


class RevisionTaken(StoreError):
    """Another writer decided this revision of the record first (a reviewer's confirm beside an export)."""


def moment(seconds: float) -> str:
    """A Unix time as the outbox writes it: `2026-11-24T10:00:00.123Z`."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _now() -> str:
    return moment(datetime.now(UTC).timestamp())


def _in(column: str, values: Sequence[str] | None) -> tuple[str, list[str]]:
    if values is None:
        return "1", []
    return f"{column} IN ({','.join('?' * len(values))})" if values else "0", list(values)


class Outbox:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- decisions --------------------------------------------------------------------------------

    def last_revision(self, intake_id: str) -> dict[str, Any] | None:
        rows = self.store.query(
            "SELECT * FROM exports WHERE intake_id = ? ORDER BY revision DESC LIMIT 1", (intake_id,)
        )
        return rows[0] if rows else None

    def last_revisions(self) -> dict[str, dict[str, Any]]:
        """The latest decided revision of every intake record, in one query."""
        rows = self.store.query(
            "SELECT e.* FROM exports e JOIN (SELECT intake_id, max(revision) AS revision FROM exports"
            " GROUP BY intake_id) m ON m.intake_id = e.intake_id AND m.revision = e.revision"
        )
        return {r["intake_id"]: r for r in rows}

    def external_refs(self, intake_id: str | None = None) -> dict[str, list[dict[str, str]]]:
        """Per intake id (every one, or `intake_id`), what each destination answered for its
        latest delivered revision."""
        only = "" if intake_id is None else " AND o.intake_id = :intake_id"
        rows = self.store.query(
            "SELECT intake_id, sink, external_ref FROM outbox o WHERE status = 'delivered'"
            " AND external_ref IS NOT NULL AND revision = (SELECT max(revision) FROM outbox"
            f" WHERE intake_id = o.intake_id AND sink = o.sink AND status = 'delivered'){only}"
            " ORDER BY intake_id, sink",
            {"intake_id": intake_id},
        )
        refs: dict[str, list[dict[str, str]]] = {}
        for r in rows:
            refs.setdefault(r["intake_id"], []).append({"system": r["sink"], "ref": r["external_ref"]})
        return refs

    def decide(
        self,
        *,
        intake_id: str,
        cluster_id: int,
        revision: int,
        state: Mapping[str, Any],
        events: Mapping[str, Mapping[str, Any]],
        now: str | None = None,
        not_before: Mapping[str, str] | None = None,
    ) -> None:
        """Record revision `revision` of `intake_id` and one pending delivery per destination,
        due now or at `not_before[destination]` (a digest waits for its window)."""
        now = now or _now()
        not_before = not_before or {}
        with self.store.transaction():
            try:
                self.store.conn.execute(
                    "INSERT INTO exports (intake_id, revision, cluster_id, state, decided_at) VALUES (?, ?, ?, ?, ?)",
                    (intake_id, revision, cluster_id, json.dumps(dict(state), ensure_ascii=False), now),
                )
            except sqlite3.IntegrityError:
                raise RevisionTaken(f"{intake_id} revision {revision} is already decided / 该修订已决定") from None
            self.store.conn.executemany(
                "INSERT INTO outbox (intake_id, revision, sink, event, created_at, next_attempt_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        intake_id,
                        revision,
                        sink,
                        json.dumps(dict(event), ensure_ascii=False),
                        now,
                        not_before.get(sink, now),
                    )
                    for sink, event in events.items()
                ],
            )

    # -- delivery ---------------------------------------------------------------------------------

    def due(self, now: str | None = None, limit: int = 500, sinks: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Rows to deliver now, oldest first, each with `previous_ref`: what this destination
        answered for an earlier revision of the same record (the ticket to update).

        A revision waits while an earlier one of the same record to the same destination is still
        owed, so an update never overtakes the ticket it updates.
        """
        where, params = _in("o.sink", sinks)
        return self.store.query(
            "SELECT o.*, (SELECT p.external_ref FROM outbox p WHERE p.intake_id = o.intake_id AND p.sink = o.sink"
            "  AND p.revision < o.revision AND p.status = 'delivered' ORDER BY p.revision DESC LIMIT 1) AS previous_ref"
            " FROM outbox o WHERE o.status IN ('pending', 'failed') AND coalesce(o.next_attempt_at, '') <= ?"
            f" AND {where} AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.intake_id = o.intake_id AND e.sink = o.sink"
            "  AND e.revision < o.revision AND e.status IN ('pending', 'failed'))"
            " ORDER BY o.id LIMIT ?",
            [now or _now(), *params, limit],
        )

    def next_attempt(self, sinks: Sequence[str] | None = None) -> str | None:
        """When the earliest owed delivery is due (None when nothing is owed)."""
        where, params = _in("sink", sinks)
        row = self.store.conn.execute(
            f"SELECT min(coalesce(next_attempt_at, '')) FROM outbox WHERE status IN ('pending', 'failed') AND {where}",
            params,
        ).fetchone()
        return None if row[0] is None else str(row[0])

    def postpone(self, row_ids: Sequence[int], until: str) -> None:
        """Not now (a robot's rate limit): due again at `until`, no attempt counted."""
        with self.store.transaction():
            self.store.conn.executemany(
                "UPDATE outbox SET next_attempt_at = ? WHERE id = ?", [(until, row_id) for row_id in row_ids]
            )

    def mark_delivered(self, row_id: int, external_ref: str, now: str | None = None) -> None:
        with self.store.transaction():
            self.store.conn.execute(
                "UPDATE outbox SET status = 'delivered', attempts = attempts + 1, external_ref = ?,"
                " delivered_at = ?, last_error = NULL, response = NULL WHERE id = ?",
                (external_ref, now or _now(), row_id),
            )

    def mark_failed(self, row_id: int, error: str, next_attempt_at: str, response: str | None = None) -> None:
        with self.store.transaction():
            self.store.conn.execute(
                "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?,"
                " next_attempt_at = ?, response = ? WHERE id = ?",
                (error, next_attempt_at, response, row_id),
            )

    def mark_dead(self, row_id: int, error: str, response: str | None = None) -> None:
        with self.store.transaction():
            self.store.conn.execute(
                "UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = ?, response = ? WHERE id = ?",
                (error, response, row_id),
            )

    def replay_dead(self, sinks: Sequence[str] | None = None, now: str | None = None) -> int:
        """Owe every dead delivery again, due now, with a fresh count of attempts."""
        where, params = _in("sink", sinks)
        with self.store.transaction():
            cur = self.store.conn.execute(
                "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?"
                f" WHERE status = 'dead' AND {where}",
                [now or _now(), *params],
            )
        return int(cur.rowcount)

    # -- reporting --------------------------------------------------------------------------------

    def status_counts(self) -> dict[str, int]:
        rows = self.store.conn.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()
        return {status: int(n) for status, n in rows}

    def status_by_sink(self) -> dict[str, dict[str, int]]:
        rows = self.store.conn.execute("SELECT sink, status, count(*) FROM outbox GROUP BY sink, status").fetchall()
        counts: dict[str, dict[str, int]] = {}
        for sink, status, n in rows:
            counts.setdefault(sink, dict.fromkeys(STATUSES, 0))[status] = int(n)
        return counts

    def rows(self, status: str, limit: int = 50) -> list[dict[str, Any]]:
        """Rows in `status`, newest first, without their events (for reports)."""
        return self.store.query(
            "SELECT id, intake_id, revision, sink, status, attempts, next_attempt_at, last_error, external_ref,"
            " response, created_at, delivered_at FROM outbox WHERE status = ? ORDER BY id DESC LIMIT ?",
            (status, limit),
        )

    # -- chat alerts ------------------------------------------------------------------------------

    def record_alert(self, bot: str, kind: str, row_ids: Sequence[int], now: str | None = None) -> int:
        """One message went out to `bot` carrying these rows: note it and mark them delivered together."""
        now = now or _now()
        with self.store.transaction():
            cur = self.store.conn.execute(
                "INSERT INTO alert_messages (bot, kind, items, sent_at) VALUES (?, ?, ?, ?)",
                (bot, kind, len(row_ids), now),
            )
            message = int(cur.lastrowid or 0)
            self.store.conn.executemany(
                "UPDATE outbox SET status = 'delivered', attempts = attempts + 1, external_ref = ?, delivered_at = ?,"
                " last_error = NULL, response = NULL WHERE id = ?",
                [(f"message:{message}", now, row_id) for row_id in row_ids],
            )
        return message

    def alert_sends_since(self, bot: str, since: str) -> list[str]:
        """When messages went to `bot` since `since`, oldest first (for its rate limit)."""
        rows = self.store.conn.execute(
            "SELECT sent_at FROM alert_messages WHERE bot = ? AND sent_at >= ? ORDER BY sent_at", (bot, since)
        ).fetchall()
        return [str(r[0]) for r in rows]
