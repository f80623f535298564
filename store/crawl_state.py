"""What earlier crawls left for the next one: listing marks, thread visits, cached responses, back-offs.

A listing (one query of one source, e.g. a search for "VoxLink") keeps a high-water mark: the
newest position an earlier *complete* pass over it reached. A thread keeps the reply count and
cursor of its last visit. Both advance only through `commit_listing` and `commit_thread`, which
first check that every post the pass or visit covered is stored: a crawl killed half-way leaves
the old state, and the next crawl redoes the work (the store dedups what was already saved).

Responses that carried an ETag or Last-Modified are kept with those validators, so the next
crawl can ask "has it changed?" and, on 304 Not Modified, re-read the stored body.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from store.database import Store, utc_now

PostKey = tuple[str, str]
"""(source, source_post_id): how the store identifies a post."""

_CHUNK = 400  # well under SQLite's limit on host parameters


@dataclass(frozen=True)
class CachedResponse:
    url: str
    status: int
    headers: dict[str, list[str]]
    body: bytes
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class ThreadState:
    replies: int | None
    """The thread's reply count when it was last visited."""
    cursor: str | None
    """Where the last visit stopped (e.g. the highest post number fetched), for fetching only new replies."""
    visited_at: str


@dataclass(frozen=True)
class StoredPost:
    id: int
    content_key: str
    likes: int | None
    replies: int | None
    title: str | None
    text: str


@dataclass(frozen=True)
class Backoff:
    until: str
    reason: str
    since: str


# -- cached responses ---------------------------------------------------------------------------


def cached_response(store: Store, url: str) -> CachedResponse | None:
    row = store.conn.execute(
        "SELECT url, status, headers, body, etag, last_modified FROM http_cache WHERE url = ?", (url,)
    ).fetchone()
    if row is None:
        return None
    return CachedResponse(row[0], int(row[1]), json.loads(row[2]), bytes(row[3]), row[4], row[5])


def save_response(
    store: Store,
    *,
    url: str,
    source_name: str | None,
    status: int,
    headers: Mapping[str, list[str]],
    body: bytes,
    etag: str | None,
    last_modified: str | None,
) -> None:
    with store.transaction():
        store.conn.execute(
            "INSERT OR REPLACE INTO http_cache (url, source_name, etag, last_modified, status, headers, body,"
            " stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (url, source_name, etag, last_modified, status, json.dumps(dict(headers)), body, utc_now()),
        )


def prune_responses(store: Store, older_than: str) -> int:
    """Forget cached responses stored before `older_than` (ISO time); returns how many."""
    with store.transaction():
        cur = store.conn.execute("DELETE FROM http_cache WHERE stored_at < ?", (older_than,))
    return int(cur.rowcount or 0)


# -- posts ----------------------------------------------------------------------------------------


def stored_post(store: Store, source: str, source_post_id: str) -> StoredPost | None:
    row = store.conn.execute(
        "SELECT id, content_key, likes, replies, title, text FROM posts WHERE source = ? AND source_post_id = ?",
        (source, source_post_id),
    ).fetchone()
    return StoredPost(int(row[0]), row[1], row[2], row[3], row[4], row[5] or "") if row else None


def update_post_counts(store: Store, post_id: int, *, likes: int | None, replies: int | None) -> None:
    """Likes and replies of a post whose text is unchanged (no new analysis needed)."""
    with store.transaction():
        store.conn.execute(
            "UPDATE posts SET likes = coalesce(?, likes), replies = coalesce(?, replies), updated_at = ? WHERE id = ?",
            (likes, replies, utc_now(), post_id),
        )


def stored_keys(store: Store, keys: Iterable[PostKey]) -> set[PostKey]:
    """The subset of `keys` that the store holds."""
    wanted = sorted(set(keys))
    found: set[PostKey] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        clause = " OR ".join(["(source = ? AND source_post_id = ?)"] * len(chunk))
        params = [value for key in chunk for value in key]
        rows = store.conn.execute(f"SELECT source, source_post_id FROM posts WHERE {clause}", params).fetchall()
        found.update((r[0], r[1]) for r in rows)
    return found


def _all_stored(store: Store, covered: Iterable[PostKey]) -> bool:
    wanted = set(covered)
    return len(stored_keys(store, wanted)) == len(wanted)


# -- per-source values ----------------------------------------------------------------------------


def source_value(store: Store, source_name: str, key: str, *, newer_than: str) -> str | None:
    """A value the source's spider kept, if it was written after `newer_than` (ISO UTC)."""
    row = store.conn.execute(
        "SELECT value FROM source_values WHERE source_name = ? AND key = ? AND updated_at > ?",
        (source_name, key, newer_than),
    ).fetchone()
    return str(row[0]) if row else None


def set_source_value(store: Store, source_name: str, key: str, value: str) -> None:
    with store.transaction():
        store.conn.execute(
            "INSERT INTO source_values (source_name, key, value, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (source_name, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (source_name, key, value, utc_now()),
        )


# -- listings -------------------------------------------------------------------------------------


def listing_mark(store: Store, source_name: str, query: str) -> str | None:
    row = store.conn.execute(
        "SELECT mark FROM crawl_listings WHERE source_name = ? AND query = ?", (source_name, query)
    ).fetchone()
    return row[0] if row else None


def listings(store: Store, source_name: str | None = None) -> list[dict[str, Any]]:
    where, params = ("WHERE source_name = ?", (source_name,)) if source_name else ("", ())
    return store.query(f"SELECT * FROM crawl_listings {where} ORDER BY source_name, query", params)


def commit_listing(store: Store, source_name: str, query: str, mark: str | None, covered: Sequence[PostKey]) -> bool:
    """Record a complete pass over a listing, if every post it covered is stored; returns whether it was."""
    with store.transaction():
        if not _all_stored(store, covered):
            return False
        store.conn.execute(
            "INSERT INTO crawl_listings (source_name, query, mark, passes, updated_at) VALUES (?, ?, ?, 1, ?)"
            " ON CONFLICT (source_name, query) DO UPDATE SET"
            " mark = CASE WHEN excluded.mark IS NULL OR (mark IS NOT NULL AND mark > excluded.mark)"
            " THEN mark ELSE excluded.mark END, passes = passes + 1, updated_at = excluded.updated_at",
            (source_name, query, mark, utc_now()),
        )
    return True


# -- threads --------------------------------------------------------------------------------------


def thread_state(store: Store, source_name: str, thread_id: str) -> ThreadState | None:
    row = store.conn.execute(
        "SELECT replies, cursor, visited_at FROM crawl_threads WHERE source_name = ? AND thread_id = ?",
        (source_name, thread_id),
    ).fetchone()
    return ThreadState(row[0], row[1], row[2]) if row else None


def commit_thread(
    store: Store,
    source_name: str,
    thread_id: str,
    *,
    replies: int | None,
    cursor: str | None,
    covered: Sequence[PostKey],
) -> bool:
    """Record a visit of a thread, if every post it fetched is stored; returns whether it was."""
    with store.transaction():
        if not _all_stored(store, covered):
            return False
        store.conn.execute(
            "INSERT OR REPLACE INTO crawl_threads (source_name, thread_id, replies, cursor, visited_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (source_name, thread_id, replies, cursor, utc_now()),
        )
    return True


# -- back-offs ------------------------------------------------------------------------------------


def backoff_of(store: Store, source_name: str, now: str | None = None) -> Backoff | None:
    """The back-off in force for a source (one that ends after `now`), if any."""
    row = store.conn.execute(
        "SELECT until, reason, since FROM source_backoff WHERE source_name = ? AND until > ?",
        (source_name, now or utc_now()),
    ).fetchone()
    return Backoff(row[0], row[1], row[2]) if row else None


def set_backoff(store: Store, source_name: str, *, until: str, reason: str) -> None:
    with store.transaction():
        store.conn.execute(
            "INSERT OR REPLACE INTO source_backoff (source_name, until, reason, since) VALUES (?, ?, ?, ?)",
            (source_name, until, reason, utc_now()),
        )


def clear_backoff(store: Store, source_name: str) -> bool:
    with store.transaction():
        cur = store.conn.execute("DELETE FROM source_backoff WHERE source_name = ?", (source_name,))
    return bool(cur.rowcount)
