"""What the review queue filters and searches a flagged cluster by, kept as its posts arrive.

`sources`, `langs` and `products` (the product names and aliases its posts matched) are stored as
`,a,b,` so that a filter is one `instr` on the row the queue index already reached, and the
cluster's searchable text goes to `cluster_fts`: the seed post and a few other distinct texts,
bounded, since copies add nothing to find and a cluster of thousands must not cost thousands.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from typing import Any

SEARCH_POSTS = 6
"""Distinct texts (the seed first) that make a cluster's searchable body."""
SEARCH_CHARS = 4000


_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[0-9a-z]+")


def short_grams(text: str | None) -> str:
    """The tokens a search of one or two characters is answered from: every distinct Chinese
    character and pair of neighbouring characters, and every distinct Latin word or number,
    lowercased. (The trigram index needs three characters; these make a 2-character query an
    index lookup with the same meaning as a substring search.)"""
    tokens: dict[str, None] = {}
    for run in _CJK_RUN.findall(text or ""):
        for i, ch in enumerate(run):
            tokens[ch] = None
            if i + 1 < len(run):
                tokens[run[i : i + 2]] = None
    for word in _WORD.findall((text or "").casefold()):
        tokens[word] = None
    return " ".join(tokens)


def short_query(term: str) -> str | None:
    """The grams-index query for a 1-2 character term: the pair or character itself, or a Latin
    word prefix; None for a term it cannot answer (mixed scripts, punctuation)."""
    if _CJK_RUN.fullmatch(term):
        return f'"{term}"'
    lowered = term.casefold()
    if _WORD.fullmatch(lowered):
        return f'"{lowered}"*'
    return None


def as_set(values: Iterable[str | None]) -> str:
    """`,a,b,` for the distinct non-empty values, in first-seen order."""
    kept = list(dict.fromkeys(v.replace(",", " ").strip() for v in values if v and v.strip()))
    return "," + "".join(f"{v}," for v in kept)


def from_set(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def search_body(rows: Iterable[tuple[str | None, str | None]]) -> str:
    """Titles and texts, distinct, the first SEARCH_POSTS of them, at most SEARCH_CHARS long;
    parts end with a record separator (U+001E), so one more can be appended without a re-read."""
    parts: list[str] = []
    for title, text in rows:
        part = "\n".join(t for t in (title, text) if t)
        if part and part not in parts:
            parts.append(part)
        if len(parts) >= SEARCH_POSTS:
            break
    return "\n\x1e".join(parts)[:SEARCH_CHARS]


def _products(analysis: str | None) -> list[str]:
    try:
        terms = json.loads(analysis or "{}").get("relevance_terms") or []
    except (ValueError, AttributeError):
        return []
    return [str(t) for t in terms]


def keep_facets(conn: sqlite3.Connection, cluster_id: int, post: dict[str, Any] | None, *, recompute: bool) -> None:
    """After `post` was stored in the cluster (or, with `recompute`, its posts changed otherwise):
    only flagged clusters are in the queue, so only they are kept; one that has just become flagged
    is computed from all its posts, one already kept takes in the new post."""
    row = conn.execute(
        "SELECT flagged, EXISTS (SELECT 1 FROM cluster_fts WHERE rowid = clusters.id) FROM clusters WHERE id = ?",
        (cluster_id,),
    ).fetchone()
    if row is None or not row[0]:
        return
    if recompute or not row[1] or post is None:
        refresh_facets(conn, cluster_id)
    else:
        add_post_facets(conn, cluster_id, post)


def add_post_facets(conn: sqlite3.Connection, cluster_id: int, post: dict[str, Any]) -> None:
    """Fold one newly stored post (a row as `Store` writes it) into its cluster's filter sets and
    searchable text; a few reads of the cluster, whatever its size."""
    current = conn.execute("SELECT sources, langs, products FROM clusters WHERE id = ?", (cluster_id,)).fetchone()
    if current is None:
        return
    sources = as_set([*from_set(current[0]), post.get("source")])
    langs = as_set([*from_set(current[1]), post.get("lang")])
    products = as_set([*from_set(current[2]), *_products(post.get("analysis"))])
    _write_sets(conn, cluster_id, (sources, langs, products), tuple(current))
    old = conn.execute("SELECT body FROM cluster_fts WHERE rowid = ?", (cluster_id,)).fetchone()
    part = "\n".join(t for t in (post.get("title"), post.get("text")) if t)
    if old is None or (part and old[0].count("\x1e") + 1 < SEARCH_POSTS and part not in old[0]):
        body = part if old is None or not old[0] else f"{old[0]}\n\x1e{part}"
        write_search_body(conn, cluster_id, body[:SEARCH_CHARS])


def refresh_facets(conn: sqlite3.Connection, cluster_id: int) -> None:
    """Recompute a cluster's filter sets and searchable text from all its posts (after a merge,
    a split, a changed text or a reanalysis), inside the caller's transaction."""
    current = conn.execute("SELECT sources, langs, products FROM clusters WHERE id = ?", (cluster_id,)).fetchone()
    if current is None:
        return
    rows = conn.execute("SELECT source, lang, analysis FROM posts WHERE cluster_id = ? ORDER BY id", (cluster_id,))
    found: tuple[list[str], list[str], list[str]] = ([], [], [])
    for source, lang, analysis in rows:
        found[0].append(source)
        found[1].append(lang)
        found[2].extend(_products(analysis))
    _write_sets(conn, cluster_id, (as_set(found[0]), as_set(found[1]), as_set(found[2])), tuple(current))
    texts = conn.execute(
        "SELECT p.title, p.text FROM clusters c JOIN posts p ON p.id = c.seed_post_id WHERE c.id = ?"
        " UNION ALL SELECT * FROM (SELECT title, text FROM posts WHERE cluster_id = ? ORDER BY id LIMIT ?)",
        (cluster_id, cluster_id, SEARCH_POSTS * 5),
    ).fetchall()
    write_search_body(conn, cluster_id, search_body(texts))


def _write_sets(
    conn: sqlite3.Connection, cluster_id: int, sets: tuple[str, str, str], current: tuple[str, ...]
) -> None:
    if sets == current:
        return
    conn.execute("UPDATE clusters SET sources = ?, langs = ?, products = ? WHERE id = ?", (*sets, cluster_id))
    remember_values(conn, dict(zip(("sources", "langs", "products"), sets, strict=True)))


def remember_values(conn: sqlite3.Connection, sets: dict[str, str]) -> None:
    """Note the values a filter can offer (kept, not recounted: a value may outlive its clusters)."""
    conn.executemany(
        "INSERT OR IGNORE INTO facet_values (kind, value) VALUES (?, ?)",
        [(kind, value) for kind, joined in sets.items() for value in from_set(joined)],
    )


def write_search_body(conn: sqlite3.Connection, cluster_id: int, body: str) -> None:
    old = conn.execute("SELECT body FROM cluster_fts WHERE rowid = ?", (cluster_id,)).fetchone()
    if old is not None and old[0] == body:
        return
    if old is not None:
        conn.execute("DELETE FROM cluster_fts WHERE rowid = ?", (cluster_id,))
        conn.execute("DELETE FROM cluster_grams WHERE rowid = ?", (cluster_id,))
    conn.execute("INSERT INTO cluster_fts (rowid, body) VALUES (?, ?)", (cluster_id, body))
    conn.execute("INSERT INTO cluster_grams (rowid, grams) VALUES (?, ?)", (cluster_id, short_grams(body)))
