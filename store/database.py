"""`Store`: the SQLite database that holds posts, clusters, the outbox and crawl runs.

It is the one place with SQL. Writes that belong together happen in one transaction, so a crash
leaves either the old state or the new one.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from store.facets import keep_facets, short_grams
from store.schema import MIGRATIONS

PAGE_SIZE = 8192
TUNING = (
    "synchronous=NORMAL",
    "foreign_keys=ON",
    "cache_size=-65536",  # KiB: 64 MB of pages; the default 2 MB misses at every lookup at a million posts
    "mmap_size=268435456",  # reads of the first 256 MB straight from the page cache
    "temp_store=MEMORY",
    "journal_size_limit=67108864",  # the WAL is cut back to 64 MB after a checkpoint
)
JSON_COLUMNS = ("raw", "analysis", "reasons", "state", "event", "status_codes", "error_samples")


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class StoreError(Exception):
    """The database cannot be opened or is newer than this version of lingting."""


@dataclass(frozen=True)
class ClusterTriage:
    """What the analysis concluded about a whole cluster."""

    priority: str
    impact: str
    urgency: str
    category: str
    reasons: list[str] = field(default_factory=list)


TriageFn = Callable[[list[dict[str, Any]], int, int], ClusterTriage]
"""Given a cluster's lead posts (analysis decoded), distinct authors and size, decide its triage.

The lead posts are the cluster's most severe ones, complaints first, at most LEAD_POSTS of them."""
LEAD_POSTS = 20


@dataclass(frozen=True)
class Fingerprint:
    content_key: str
    minhash: bytes
    shingles: int
    bands: Sequence[str]


MatchFn = Callable[[bytes, int, bytes, int], float]
IncidentFn = Callable[[Mapping[str, Any], Mapping[str, Any]], bool]
"""(a new post, an earlier post; each a posts row with its analysis decoded) -> the same incident.
Asked with an empty earlier post: may the new post join near-copies at all (a reply that answers
rather than reports may quote the report's error message)."""
INCIDENT_CANDIDATES = 2000
"""At most this many earlier posts (its thread's, and complaints close in time) are asked."""
"""Near-duplicate score of two posts from (signature, shingle count) pairs; 0.0 means not a copy."""


@dataclass(frozen=True)
class UpsertResult:
    post_id: int
    cluster_id: int
    new: bool
    changed: bool
    """True when the post is new or its text changed since it was stored."""


def row_with(row: Mapping[str, Any], analysis: Mapping[str, Any]) -> dict[str, Any]:
    return {**row, "analysis": dict(analysis)}


def _decode(row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for col in JSON_COLUMNS:
        if isinstance(out.get(col), str):
            out[col] = json.loads(out[col])
    return out


class Store:
    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            # A new file gets larger pages (fewer, shallower B-tree levels at a million posts); an
            # existing WAL database keeps its own page size, as SQLite requires.
            conn.execute(f"PRAGMA page_size={PAGE_SIZE}")  # the first statement opens the file
            conn.execute("PRAGMA journal_mode=WAL")
        except (OSError, sqlite3.Error) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise StoreError(
                f"cannot open the database {self.path} ({why}); check the `database` path in the config"
                " / 无法打开数据库, 请检查配置中的 database 路径"
            ) from None
        self.db = sqlite_utils.Database(conn)
        self.conn = conn
        for pragma in TUNING:
            conn.execute(f"PRAGMA {pragma}")
        conn.create_function("lingting_short_grams", 1, short_grams, deterministic=True)
        self._migrate()

    # -- plumbing -----------------------------------------------------------------------------

    def _migrate(self) -> None:
        while (version := self._schema_version()) < len(MIGRATIONS):
            with self.transaction():
                # Read again under the write lock: two processes opening a new file at once (the
                # service's loop and the web app) must not both run the same migration.
                version = self._schema_version()
                if version >= len(MIGRATIONS):
                    break
                for statement in _statements(MIGRATIONS[version]):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {version + 1}")

    def _schema_version(self) -> int:
        version = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{self.path} was written by a newer lingting (schema {version} > {len(MIGRATIONS)}); "
                "upgrade lingting / 数据库版本比程序新, 请升级"
            )
        return version

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE so that concurrent writers queue instead of failing mid-way."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A part of the current transaction that fails alone: one bad post of a batch, not the batch."""
        self.conn.execute("SAVEPOINT part")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO part")
            self.conn.execute("RELEASE part")
            raise
        self.conn.execute("RELEASE part")

    def maintain(self) -> None:
        """After a run of writes: fold the WAL back into the file and let SQLite refresh its statistics."""
        if self.conn.in_transaction:
            return
        self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        self.conn.execute("PRAGMA optimize")

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return [_decode(r) for r in self.db.query(sql, params)]

    def count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])

    def close(self) -> None:
        self.conn.close()

    # -- posts and clusters ---------------------------------------------------------------------

    def upsert_post(
        self,
        post: Mapping[str, Any],
        analysis: Mapping[str, Any],
        fingerprint: Fingerprint,
        *,
        triage: TriageFn,
        match: MatchFn,
        window_days: int = 14,
        source_name: str | None = None,
        incident: IncidentFn | None = None,
        incident_window_hours: float = 24 * 7,
    ) -> UpsertResult:
        """Insert or update one post keyed on (source, source_post_id) and keep its cluster current.

        A post already stored with the same text changes nothing (a re-crawl adds no row). A new
        post joins the cluster of an exact copy, else of the earlier post that `match` scores
        highest, else of the earliest cluster with a post `incident` says tells of the same
        incident (asked of its thread's posts and of complaints within `incident_window_hours`), else starts a
        cluster of its own.
        """
        now = utc_now()
        with self.transaction():
            existing = self.conn.execute(
                "SELECT id, cluster_id, content_key FROM posts WHERE source = ? AND source_post_id = ?",
                (post["source"], post["source_post_id"]),
            ).fetchone()
            if existing and existing[2] == fingerprint.content_key:
                self.conn.execute(
                    "UPDATE posts SET likes = coalesce(?, likes), replies = coalesce(?, replies) WHERE id = ?",
                    (post.get("likes"), post.get("replies"), existing[0]),
                )
                return UpsertResult(existing[0], existing[1], new=False, changed=False)
            merged = False
            row = self._post_row(post, analysis, fingerprint, source_name, now)
            if existing:
                post_id, cluster_id = existing[0], existing[1]
                sets = ", ".join(f"{k} = :{k}" for k in row if k != "first_seen_at")
                self.conn.execute(f"UPDATE posts SET {sets} WHERE id = :id", {**row, "id": post_id})
                self.conn.execute("DELETE FROM post_bands WHERE post_id = ?", (post_id,))
            else:
                near = incident is None or incident(row_with(row, analysis), {})
                matched = self._matching_clusters(fingerprint, match if near else None)
                if not matched and incident is not None:
                    matched = self._incident_clusters(row, analysis, incident, incident_window_hours)
                cluster_id = matched[0] if matched else self._new_cluster(post, now)
                row["cluster_id"] = cluster_id
                cols = ", ".join(row)
                marks = ", ".join(f":{k}" for k in row)
                post_id = int(self.conn.execute(f"INSERT INTO posts ({cols}) VALUES ({marks})", row).lastrowid or 0)
                self.conn.execute(
                    "UPDATE clusters SET seed_post_id = ? WHERE id = ? AND seed_post_id = 0", (post_id, cluster_id)
                )
                for absorbed in matched[1:]:
                    self._merge(absorbed, into=cluster_id)
                merged = len(matched) > 1
            self.conn.executemany(
                "INSERT OR IGNORE INTO post_bands (band, post_id) VALUES (?, ?)",
                [(b, post_id) for b in fingerprint.bands],
            )
            self._refresh_cluster(cluster_id, triage, window_days, now)
            keep_facets(self.conn, cluster_id, row, recompute=bool(existing) or merged)
            return UpsertResult(post_id, cluster_id, new=existing is None, changed=True)

    @staticmethod
    def _post_row(
        post: Mapping[str, Any],
        analysis: Mapping[str, Any],
        fingerprint: Fingerprint,
        source_name: str | None,
        now: str,
    ) -> dict[str, Any]:
        keys = (
            "source", "source_post_id", "url", "kind", "thread_id", "parent_id", "title", "text",
            "author", "author_id", "author_followers", "created_at", "likes", "replies", "lang", "fetched_at",
        )  # fmt: skip
        row: dict[str, Any] = {k: post.get(k) for k in keys}
        row["text"] = row["text"] or ""
        row["kind"] = row["kind"] or "post"
        row["lang"] = analysis.get("lang") or row["lang"]
        row["raw"] = json.dumps(post.get("raw") or {}, ensure_ascii=False, default=str)
        row["source_name"] = source_name
        row["content_key"] = fingerprint.content_key
        row["minhash"] = fingerprint.minhash
        row["shingles"] = fingerprint.shingles
        row["relevant"] = int(bool(analysis.get("relevant")))
        row["complaint"] = int(bool(analysis.get("complaint")))
        row["category"] = analysis.get("category")
        row["priority"] = analysis.get("priority")
        row["sentiment"] = analysis.get("sentiment")
        row["analysis"] = json.dumps(dict(analysis), ensure_ascii=False)
        row["first_seen_at"] = now
        row["updated_at"] = now
        return row

    def _matching_clusters(self, fp: Fingerprint, match: MatchFn | None) -> list[int]:
        """Every cluster holding a copy or near-copy of `fp`, oldest first (copies only without `match`)."""
        exact = self.conn.execute(
            "SELECT cluster_id FROM posts WHERE content_key = ? ORDER BY id LIMIT 1", (fp.content_key,)
        ).fetchone()
        found = {int(exact[0])} if exact else set()
        if fp.bands and match is not None:
            marks = ",".join("?" * len(fp.bands))
            candidates = self.conn.execute(
                "SELECT DISTINCT p.cluster_id, p.minhash, p.shingles"
                f" FROM post_bands b JOIN posts p ON p.id = b.post_id WHERE b.band IN ({marks})",
                list(fp.bands),
            ).fetchall()
            found |= _matched(fp, [c for c in candidates if c[0] not in found], match)
        return sorted(found)

    def _incident_clusters(
        self, row: Mapping[str, Any], analysis: Mapping[str, Any], incident: IncidentFn, hours: float
    ) -> list[int]:
        """The earliest cluster holding a post of the same incident as the new post `row`."""
        candidates = self.query(
            "SELECT id, cluster_id, source, kind, thread_id, source_post_id, author, author_id, created_at,"
            " first_seen_at, analysis FROM posts"
            " WHERE (:thread IS NOT NULL AND source = :source AND (thread_id = :thread OR source_post_id = :thread))"
            " OR (complaint = 1"
            " AND abs(julianday(coalesce(created_at, first_seen_at)) - julianday(:when)) * 24 <= :hours)"
            " ORDER BY cluster_id, id LIMIT :limit",
            {
                "thread": row.get("thread_id"),
                "source": row.get("source"),
                "when": row.get("created_at") or row["first_seen_at"],
                "hours": hours,
                "limit": INCIDENT_CANDIDATES,
            },
        )
        new = row_with(row, analysis)
        return next(([int(c["cluster_id"])] for c in map(_decode, candidates) if incident(new, c)), [])

    def _merge(self, absorbed: int, *, into: int) -> None:
        """A post that copies two clusters shows they are one: the older keeps its intake id."""
        self.conn.execute("UPDATE posts SET cluster_id = ? WHERE cluster_id = ?", (into, absorbed))
        self.conn.execute(
            "UPDATE clusters SET size = 0, distinct_authors = 0, flagged = 0, merged_into = ? WHERE id = ?",
            (into, absorbed),
        )
        self.conn.execute(
            "UPDATE clusters SET first_seen_at = min(first_seen_at, (SELECT first_seen_at FROM clusters WHERE id = ?))"
            " WHERE id = ?",
            (absorbed, into),
        )

    def _new_cluster(self, post: Mapping[str, Any], now: str) -> int:
        cur = self.conn.execute(
            "INSERT INTO clusters (intake_id, seed_post_id, first_seen_at, last_seen_at) VALUES (?, 0, ?, ?)",
            (intake_id_for(post["source"], post["source_post_id"]), now, now),
        )
        return int(cur.lastrowid or 0)

    def _refresh_cluster(self, cluster_id: int, triage: TriageFn, window_days: int, now: str) -> None:
        # Aggregates in SQL and only the lead posts decoded: a cluster of thousands of reposts
        # must not cost thousands of row decodes on every insert.
        size, newest, flagged = self.conn.execute(
            "SELECT count(*), max(coalesce(created_at, first_seen_at)), max(complaint) FROM posts WHERE cluster_id = ?",
            (cluster_id,),
        ).fetchone()
        if not size:
            return
        since = _days_before(newest or now, window_days)
        distinct = self.conn.execute(
            "SELECT count(*) FROM (SELECT DISTINCT source, coalesce(author_id, author) FROM posts"
            " WHERE cluster_id = ? AND coalesce(author_id, author) IS NOT NULL"
            " AND coalesce(created_at, first_seen_at) >= ?)",
            (cluster_id, since),
        ).fetchone()[0]
        distinct = max(int(distinct), 1)
        members = self.query(
            "SELECT * FROM posts WHERE cluster_id = ? ORDER BY complaint DESC, coalesce(priority, 'P3'), id LIMIT ?",
            (cluster_id, LEAD_POSTS),
        )
        size = int(size)
        flagged = int(flagged or 0)
        decision = triage(members, distinct, size)
        self.conn.execute(
            "UPDATE clusters SET size = ?, distinct_authors = ?, flagged = ?, priority = ?, impact = ?, urgency = ?,"
            " category = ?, reasons = ?, last_seen_at = ?,"
            " flagged_at = CASE WHEN ? AND flagged_at IS NULL THEN ? ELSE flagged_at END WHERE id = ?",
            (
                size, distinct, flagged, decision.priority, decision.impact, decision.urgency,
                decision.category, json.dumps(decision.reasons, ensure_ascii=False), now, flagged, now, cluster_id,
            ),
        )  # fmt: skip

    def retriage_all(self, triage: TriageFn, window_days: int = 14) -> int:
        """Recompute every cluster's triage (after `reanalyze` changed the posts' analyses)."""
        ids = [r[0] for r in self.conn.execute("SELECT id FROM clusters WHERE merged_into IS NULL").fetchall()]
        with self.transaction():
            for cid in ids:
                self._refresh_cluster(cid, triage, window_days, utc_now())
                keep_facets(self.conn, cid, None, recompute=True)  # the products found may have changed
        return len(ids)

    def cluster(self, cluster_id: int) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM clusters WHERE id = ?", (cluster_id,))
        return rows[0] if rows else None

    def cluster_posts(self, cluster_id: int) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM posts WHERE cluster_id = ? ORDER BY id", (cluster_id,))

    def flagged_clusters(self, cluster_id: int | None = None) -> list[dict[str, Any]]:
        """Flagged clusters (or the one `cluster_id` if flagged), loudest first: priority, then
        distinct authors, then size."""
        only = "" if cluster_id is None else " AND c.id = :id"
        return self.query(
            "SELECT c.*, p.source AS seed_source, p.title AS seed_title, p.text AS seed_text, p.url AS seed_url,"
            " (SELECT group_concat(DISTINCT source) FROM posts WHERE cluster_id = c.id) AS sources"
            " FROM clusters c JOIN posts p ON p.id = c.seed_post_id"
            f" WHERE c.flagged = 1 AND c.merged_into IS NULL{only}"
            " ORDER BY c.priority, c.distinct_authors DESC, c.size DESC, c.id",
            {"id": cluster_id},
        )

    def posts(self, where: str = "1", params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return self.query(f"SELECT * FROM posts WHERE {where} ORDER BY id", params)


def intake_id_for(source: str, source_post_id: str, salt: str = "") -> str:
    """Stable across databases: the same first post always names the same intake record."""
    digest = hashlib.sha1(f"{source}\x1f{source_post_id}{salt}".encode()).hexdigest()[:16]
    return f"lt-{digest}"


def _statements(script: str) -> Iterator[str]:
    """The statements of a migration script; a trigger's body keeps its own semicolons."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                yield pending
            pending = ""
    if pending.strip(" \n;"):
        yield pending


def _matched(fp: Fingerprint, candidates: list[tuple[int, bytes, int]], match: MatchFn) -> set[int]:
    """The clusters of the candidates that `match` scores as copies; all at once if it can."""
    many = getattr(match, "many", None)
    if many is None or not candidates:
        return {int(cid) for cid, blob, size in candidates if match(fp.minhash, fp.shingles, blob, size) > 0}
    scores = many(fp.minhash, fp.shingles, [c[1] for c in candidates], [c[2] for c in candidates])
    return {int(cid) for (cid, _, _), score in zip(candidates, scores, strict=True) if score > 0}


def _days_before(iso: str, days: int) -> str:
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return ""
    return (moment - timedelta(days=days)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
