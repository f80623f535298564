"""The review queue: flagged clusters loudest first, by tab, filtered, searched, paged by keyset.

Order: priority in force (a reviewer's over the analysis's), then distinct authors (more first),
then recency (`last_seen_at`, newest first), then id. The generated column `clusters.queue_key`
spells that order as one string, so a page is "the next `limit` keys after the cursor" on an index:
no OFFSET anywhere, page 500 costs what page 1 costs. Search is FTS5 with the trigram tokenizer
(any 3+ character substring, Chinese or English); a 1-2 character term is looked up among each
cluster's characters, character pairs and words (`cluster_grams`), else read with LIKE.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

from store.database import Store
from store.facets import from_set, short_query
from store.reviews import CATEGORIES, PRIORITIES, ReviewError, ReviewState, reviews

TABS = ("pending", "confirmed", "dismissed", "exported", "all")
STATES = TABS[:-1]
MIN_MATCH_CHARS = 3
"""The trigram tokenizer matches substrings of at least three characters."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
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


_FTS = "SELECT rowid FROM cluster_fts WHERE cluster_fts MATCH ?"
_GRAMS = "SELECT rowid FROM cluster_grams WHERE cluster_grams MATCH ?"
_LIKE = "SELECT rowid FROM cluster_fts WHERE body LIKE ? ESCAPE '\\'"
WALK_ABOVE = 400
"""A search matching more clusters than this is paged by walking the queue's index in order and
probing the matches (a page costs ~limit/density rows); fewer are fetched and sorted."""


def _search_parts(q: str) -> list[tuple[str, str]]:
    """(subquery, parameter) per condition: FTS5 MATCH for terms of 3+ characters (each a quoted
    phrase: no query syntax from users), the character-pair index for shorter ones, LIKE on the
    indexed text for what neither answers."""
    terms = _CONTROL.sub(" ", q).split()  # a NUL would end the query string inside SQLite
    parts: list[tuple[str, str]] = []
    long_terms = [t for t in terms if len(t) >= MIN_MATCH_CHARS]
    if long_terms:
        parts.append((_FTS, " ".join('"' + t.replace('"', '""') + '"' for t in long_terms)))
    for t in terms:
        if len(t) >= MIN_MATCH_CHARS:
            continue
        grams = short_query(t)
        if grams is not None:
            parts.append((_GRAMS, grams))
        else:
            parts.append((_LIKE, "%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"))
    return parts


def _search(q: str, params: list[Any], *, walk: bool = False) -> str:
    # `+c.id` keeps the planner from driving the query from the matches: it walks the queue index.
    column = "+c.id" if walk else "c.id"
    clauses = []
    for sub, param in _search_parts(q):
        params.append(param)
        clauses.append(f"{column} IN ({sub})")
    return " AND ".join(clauses) if clauses else "1"


def search_size(store: Store, q: str) -> int | None:
    """How many clusters the search's narrowest indexed condition matches (None: only LIKE)."""
    sizes = [
        int(store.conn.execute(f"SELECT count(*) FROM ({sub})", (param,)).fetchone()[0])
        for sub, param in _search_parts(q)
        if sub != _LIKE
    ]
    return min(sizes) if sizes else None


def _where(flt: QueueFilter, params: list[Any], *, tab: bool = True, walk: bool = False) -> str:
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
        clauses.append(_search(flt.q.strip(), params, walk=walk))
    return " AND ".join(clauses)


QUEUE_COLUMNS = (
    "c.id, c.intake_id, c.queue_priority, c.queue_category, c.distinct_authors, c.size, c.first_seen_at,"
    " c.last_seen_at, c.sources, c.products, c.queue_state, c.assignee, c.queue_key,"
    " p.title, substr(p.text, 1, 400) AS text, p.lang"
)


def queue_sql(
    flt: QueueFilter, *, after: str | None = None, limit: int = 50, walk: bool = False
) -> tuple[str, list[Any]]:
    """The one query behind a queue page (exposed so tests and the bench can read its plan).
    The page's clusters are chosen first and only they are joined to their seed posts; the caller
    puts those few rows back in key order."""
    params: list[Any] = []
    where = _where(flt, params, walk=walk)
    if after:
        params.append(_decode(after))
        where += " AND c.queue_key > ?"
    params.append(limit + 1)
    sql = (
        f"SELECT {QUEUE_COLUMNS} FROM (SELECT * FROM clusters c WHERE {where} ORDER BY c.queue_key LIMIT ?) c"
        " JOIN posts p ON p.id = c.seed_post_id"
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
    walk = bool(flt.q and flt.q.strip()) and (search_size(store, flt.q or "") or WALK_ABOVE + 1) > WALK_ABOVE
    sql, params = queue_sql(flt, after=after, limit=limit, walk=walk)
    rows = sorted(store.query(sql, params), key=lambda r: str(r["queue_key"]))
    more = len(rows) > limit
    rows = rows[:limit]
    return QueuePage([_item(r) for r in rows], _encode(rows[-1]["queue_key"]) if more and rows else None, None)


def cursor_of(store: Store, cluster_id: int) -> str | None:
    """The cursor at this cluster's own place in the order: `queue_page(after=cursor_of(id),
    limit=1)` is the item after it, even once a decision has moved it to another tab. None for an
    unknown cluster or one no longer in the queue (merged away, not flagged)."""
    row = store.conn.execute("SELECT queue_key FROM clusters WHERE id = ?", (cluster_id,)).fetchone()
    return _encode(row[0]) if row and row[0] else None


def _counted(flt: QueueFilter) -> str:
    """What a count reads: for a search, each match's entry in the narrow index by id (the planner
    would read each match's whole row, three times slower); else the table, as the planner likes."""
    if flt.q and flt.q.strip():
        return "clusters c INDEXED BY clusters_queue_by_id"
    return "clusters c"


def tab_counts(store: Store, flt: QueueFilter) -> dict[str, int]:
    """Clusters per tab, with the other filters applied (none: the counts the triggers keep)."""
    params: list[Any] = []
    where = _where(flt, params, tab=False)
    if where == "c.queue_key IS NOT NULL":
        rows = store.conn.execute("SELECT state, clusters FROM queue_counts").fetchall()
    else:
        rows = store.conn.execute(
            f"SELECT c.queue_state, count(*) FROM {_counted(flt)} WHERE {where} GROUP BY c.queue_state", params
        ).fetchall()
    counts = dict.fromkeys(TABS, 0)
    for state, n in rows:
        counts[state] = int(n)
    counts["all"] = sum(counts[s] for s in STATES)
    return counts


def count_matching(store: Store, flt: QueueFilter) -> int:
    params: list[Any] = []
    where = _where(flt, params)
    return int(store.conn.execute(f"SELECT count(*) FROM {_counted(flt)} WHERE {where}", params).fetchone()[0])


def matching_ids(store: Store, flt: QueueFilter) -> list[int]:
    """Every cluster id the filter matches, in queue order (for "all N matching this filter")."""
    params: list[Any] = []
    where = _where(flt, params)
    rows = store.conn.execute(f"SELECT c.id FROM clusters c WHERE {where} ORDER BY c.queue_key", params)
    return [int(r[0]) for r in rows]


def filter_options(store: Store) -> dict[str, list[str]]:
    """The values the queue's filters offer: every source, product and language seen on a
    flagged cluster, the assignees of clusters in the queue, the categories and priorities."""
    values: dict[str, list[str]] = {"sources": [], "products": [], "langs": []}
    for kind, value in store.conn.execute("SELECT kind, value FROM facet_values ORDER BY kind, value"):
        values.setdefault(kind, []).append(str(value))
    assignees = store.conn.execute(
        "SELECT DISTINCT assignee FROM clusters WHERE queue_key IS NOT NULL AND assignee IS NOT NULL ORDER BY 1"
    )
    return {
        **values,
        "assignees": [str(r[0]) for r in assignees],
        "categories": list(CATEGORIES),
        "priorities": list(PRIORITIES),
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
