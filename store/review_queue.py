"""The review queue: flagged clusters loudest first, by tab, filtered, searched, paged by keyset.

Order: priority in force (a reviewer's over the analysis's), then distinct authors (more first),
then recency (`last_seen_at`, newest first), then id. The generated column `clusters.queue_key`
spells that order as one string, so a page is "the next `limit` keys after the cursor" on an index:
no OFFSET anywhere, page 500 costs what page 1 costs. Search is FTS5 with the trigram tokenizer
(any 3+ character substring, Chinese or English); a shorter query reads the indexed text with LIKE.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

from store.database import Store
from store.facets import from_set
from store.reviews import ReviewError, ReviewState, reviews

TABS = ("pending", "confirmed", "dismissed", "exported", "all")
STATES = TABS[:-1]
MIN_MATCH_CHARS = 3
"""The trigram tokenizer matches substrings of at least three characters."""
_KEY = re.compile(r"P\d\.\d{10}\.\d{10}\.\d{12}")
"""`clusters.queue_key`: priority, inverted authors, inverted last-seen time, id."""


@dataclass(frozen=True)
class QueueFilter:
    tab: str = "pending"
    priorities: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    since: str | None = None
    """ISO date or time, compared with `last_seen_at`."""
    until: str | None = None
    assignee: str | None = None
    q: str | None = None


@dataclass(frozen=True)
class QueueItem:
    cluster_id: int
    intake_id: str
    priority: str | None
    category: str | None
    distinct_authors: int
    size: int
    first_seen_at: str
    last_seen_at: str
    title: str
    excerpt: str
    sources: list[str]
    products: list[str]
    lang: str | None
    state: str
    assignee: str | None


@dataclass(frozen=True)
class QueuePage:
    items: list[QueueItem]
    next_cursor: str | None
    prev_cursor: str | None = None


@dataclass(frozen=True)
class ClusterDetail:
    """Everything the cluster page shows. Posts carry their analysis decoded."""

    cluster: dict[str, Any]
    posts: list[dict[str, Any]]
    history: list[dict[str, Any]]
    deliveries: list[dict[str, Any]]
    """Outbox rows of this cluster's intake id, newest revision first (no event bodies)."""
    review: ReviewState
    state: str | None
    """pending | confirmed | dismissed | exported; None for a cluster not in the queue."""
    merged_into: int | None = None
    sources: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)


def _encode(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def _decode(cursor: str) -> str:
    try:
        key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        key = ""
    if not _KEY.fullmatch(key):
        raise ReviewError(f"bad page cursor {cursor[:40]!r} / 分页标记无效")
    return key


def _in(column: str, values: tuple[str, ...], params: list[Any]) -> str:
    params.extend(values)
    return f"{column} IN ({','.join('?' * len(values))})"


def _any_of(column: str, values: tuple[str, ...], params: list[Any]) -> str:
    params.extend(f",{v},".casefold() if column == "c.products" else f",{v}," for v in values)
    target = f"lower({column})" if column == "c.products" else column
    return "(" + " OR ".join(f"instr({target}, ?) > 0" for _ in values) + ")"


def _search(q: str, params: list[Any]) -> str:
    """FTS5 MATCH for terms of 3+ characters (each a quoted phrase: no query syntax from users),
    LIKE on the indexed text for shorter ones."""
    terms = q.split()
    clauses: list[str] = []
    long_terms = [t for t in terms if len(t) >= MIN_MATCH_CHARS]
    if long_terms:
        params.append(" ".join('"' + t.replace('"', '""') + '"' for t in long_terms))
        clauses.append("c.id IN (SELECT rowid FROM cluster_fts WHERE cluster_fts MATCH ?)")
    for t in terms:
        if len(t) < MIN_MATCH_CHARS:
            params.append("%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
            clauses.append("c.id IN (SELECT rowid FROM cluster_fts WHERE body LIKE ? ESCAPE '\\')")
    return " AND ".join(clauses) if clauses else "1"


def _where(flt: QueueFilter, params: list[Any], *, tab: bool = True) -> str:
    clauses = ["c.queue_key IS NOT NULL"]
    if tab and flt.tab != "all":
        if flt.tab not in TABS:
            raise ReviewError(f"unknown tab {flt.tab!r}; one of {', '.join(TABS)} / 未知的标签页")
        params.append(flt.tab)
        clauses.append("c.queue_state = ?")
    if len(flt.priorities) == 1:
        # The key starts with the priority: a range on the index, not a filter after it.
        params.extend([flt.priorities[0] + ".", flt.priorities[0] + "/"])
        clauses.append("c.queue_key > ? AND c.queue_key < ?")
    elif flt.priorities:
        clauses.append(_in("c.queue_priority", flt.priorities, params))
    if flt.categories:
        clauses.append(_in("c.queue_category", flt.categories, params))
    if flt.sources:
        clauses.append(_any_of("c.sources", flt.sources, params))
    if flt.products:
        clauses.append(_any_of("c.products", flt.products, params))
    if flt.langs:
        clauses.append(_any_of("c.langs", flt.langs, params))
    if flt.since:
        params.append(flt.since)
        clauses.append("c.last_seen_at >= ?")
    if flt.until:
        # A bare date means the whole day.
        params.append(flt.until + ("T99" if len(flt.until) == 10 else ""))
        clauses.append("c.last_seen_at <= ?")
    if flt.assignee is not None:
        params.append(flt.assignee)
        clauses.append("c.assignee = ?")
    if flt.q and flt.q.strip():
        clauses.append(_search(flt.q.strip(), params))
    return " AND ".join(clauses)


QUEUE_COLUMNS = (
    "c.id, c.intake_id, c.queue_priority, c.queue_category, c.distinct_authors, c.size, c.first_seen_at,"
    " c.last_seen_at, c.sources, c.products, c.queue_state, c.assignee, c.queue_key,"
    " p.title, substr(p.text, 1, 400) AS text, p.lang"
)


def queue_sql(flt: QueueFilter, *, after: str | None = None, limit: int = 50) -> tuple[str, list[Any]]:
    """The one query behind a queue page (exposed so tests and the bench can read its plan)."""
    params: list[Any] = []
    where = _where(flt, params)
    if after:
        params.append(_decode(after))
        where += " AND c.queue_key > ?"
    params.append(limit + 1)
    sql = (
        f"SELECT {QUEUE_COLUMNS} FROM clusters c JOIN posts p ON p.id = c.seed_post_id"
        f" WHERE {where} ORDER BY c.queue_key LIMIT ?"
    )
    return sql, params


def _item(row: dict[str, Any]) -> QueueItem:
    text = " ".join((row["text"] or "").split())
    title = " ".join((row["title"] or "").split()) or text[:80]
    return QueueItem(
        cluster_id=row["id"],
        intake_id=row["intake_id"],
        priority=None if row["queue_priority"] == "P9" else row["queue_priority"],
        category=row["queue_category"],
        distinct_authors=row["distinct_authors"],
        size=row["size"],
        first_seen_at=row["first_seen_at"],
        last_seen_at=row["last_seen_at"],
        title=title[:150],
        excerpt=text[:200],
        sources=from_set(row["sources"]),
        products=from_set(row["products"]),
        lang=row["lang"],
        state=row["queue_state"],
        assignee=row["assignee"],
    )


def queue_page(store: Store, flt: QueueFilter, *, after: str | None = None, limit: int = 50) -> QueuePage:
    """One page of the queue after the cursor `after` (None: the first page)."""
    limit = max(1, min(limit, 500))
    sql, params = queue_sql(flt, after=after, limit=limit)
    rows = store.query(sql, params)
    more = len(rows) > limit
    rows = rows[:limit]
    return QueuePage([_item(r) for r in rows], _encode(rows[-1]["queue_key"]) if more and rows else None, None)


def cursor_of(store: Store, cluster_id: int) -> str | None:
    """The cursor at this cluster's own place in the order: `queue_page(after=cursor_of(id),
    limit=1)` is the item after it, even once a decision has moved it to another tab. None for an
    unknown cluster or one no longer in the queue (merged away, not flagged)."""
    row = store.conn.execute("SELECT queue_key FROM clusters WHERE id = ?", (cluster_id,)).fetchone()
    return _encode(row[0]) if row and row[0] else None


def tab_counts(store: Store, flt: QueueFilter) -> dict[str, int]:
    """Clusters per tab, with the other filters applied."""
    params: list[Any] = []
    where = _where(flt, params, tab=False)
    rows = store.conn.execute(
        f"SELECT c.queue_state, count(*) FROM clusters c WHERE {where} GROUP BY c.queue_state", params
    ).fetchall()
    counts = dict.fromkeys(TABS, 0)
    for state, n in rows:
        counts[state] = int(n)
    counts["all"] = sum(counts[s] for s in STATES)
    return counts


def count_matching(store: Store, flt: QueueFilter) -> int:
    params: list[Any] = []
    where = _where(flt, params)
    return int(store.conn.execute(f"SELECT count(*) FROM clusters c WHERE {where}", params).fetchone()[0])


def matching_ids(store: Store, flt: QueueFilter) -> list[int]:
    """Every cluster id the filter matches, in queue order (for "all N matching this filter")."""
    params: list[Any] = []
    where = _where(flt, params)
    rows = store.conn.execute(f"SELECT c.id FROM clusters c WHERE {where} ORDER BY c.queue_key", params)
    return [int(r[0]) for r in rows]


def filter_options(store: Store) -> dict[str, list[str]]:
    """The values the queue's filters can take: sources, products, langs, assignees, categories,
    priorities (those present in the queue)."""
    conn = store.conn
    sets: dict[str, set[str]] = {"sources": set(), "products": set(), "langs": set()}
    for column in sets:
        for (value,) in conn.execute(f"SELECT DISTINCT {column} FROM clusters WHERE queue_key IS NOT NULL"):
            sets[column].update(from_set(value))
    assignees = [
        str(r[0])
        for r in conn.execute(
            "SELECT DISTINCT assignee FROM clusters WHERE queue_key IS NOT NULL AND assignee IS NOT NULL"
            " ORDER BY assignee"
        )
    ]
    categories = [
        str(r[0])
        for r in conn.execute(
            "SELECT DISTINCT queue_category FROM clusters WHERE queue_key IS NOT NULL"
            " AND queue_category IS NOT NULL ORDER BY 1"
        )
    ]
    priorities = [
        str(r[0])
        for r in conn.execute("SELECT DISTINCT queue_priority FROM clusters WHERE queue_key IS NOT NULL ORDER BY 1")
        if r[0] != "P9"
    ]
    return {
        **{k: sorted(v) for k, v in sets.items()},
        "assignees": assignees,
        "categories": categories,
        "priorities": priorities,
    }


def cluster_detail(store: Store, cluster_id: int, *, max_posts: int = 200) -> ClusterDetail | None:
    """The cluster page: its row, its first `max_posts` posts, decision history, deliveries and
    the state in force."""
    cluster = store.cluster(cluster_id)
    if cluster is None:
        return None
    deliveries = store.query(
        "SELECT id, intake_id, revision, sink, status, attempts, next_attempt_at, last_error, external_ref,"
        " created_at, delivered_at FROM outbox WHERE intake_id = ? ORDER BY revision DESC, sink",
        (cluster["intake_id"],),
    )
    history = reviews(store, cluster_id)
    review = ReviewState(
        cluster["review_verdict"], cluster["review_category"], cluster["review_priority"], cluster["assignee"]
    )
    return ClusterDetail(
        cluster=cluster,
        posts=store.query("SELECT * FROM posts WHERE cluster_id = ? ORDER BY id LIMIT ?", (cluster_id, max_posts)),
        history=history,
        deliveries=deliveries,
        review=review,
        state=cluster["queue_state"],
        merged_into=cluster["merged_into"],
        sources=from_set(cluster["sources"]),
        products=from_set(cluster["products"]),
    )
