"""What the review queue filters and searches a cluster by, kept on the cluster as its posts arrive.

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

SEARCH_POSTS = 6
"""Distinct texts (the seed first) that make a cluster's searchable body."""
SEARCH_CHARS = 4000
RECENT_POSTS = 5
"""A refresh after a post is stored reads this many last-written posts (that one among them); the
sets only grow, so every post is seen by the refresh that follows its write (a split recomputes
them in full)."""


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
    """Titles and texts, distinct, the first SEARCH_POSTS of them, at most SEARCH_CHARS long."""
    parts: list[str] = []
    for title, text in rows:
        part = "\n".join(t for t in (title, text) if t)
        if part and part not in parts:
            parts.append(part)
        if len(parts) >= SEARCH_POSTS:
            break
    return "\n".join(parts)[:SEARCH_CHARS]


def _products(analysis: str | None) -> list[str]:
    try:
        terms = json.loads(analysis or "{}").get("relevance_terms") or []
    except (ValueError, AttributeError):
        return []
    return [str(t) for t in terms]


def refresh_facets(conn: sqlite3.Connection, cluster_id: int, *, full: bool = False) -> None:
    """Bring a cluster's filter sets and search text up to date (inside the caller's transaction)."""
    current = conn.execute("SELECT sources, langs, products FROM clusters WHERE id = ?", (cluster_id,)).fetchone()
    if current is None:
        return
    limit = -1 if full else RECENT_POSTS
    rows = conn.execute(
        "SELECT source, lang, analysis FROM posts WHERE cluster_id = ? ORDER BY updated_at DESC, id DESC LIMIT ?",
        (cluster_id, limit),
    ).fetchall()
    keep = ("", "", "") if full else (current[0], current[1], current[2])
    sources = as_set([*from_set(keep[0]), *(r[0] for r in reversed(rows))])
    langs = as_set([*from_set(keep[1]), *(r[1] for r in reversed(rows))])
    products = as_set([*from_set(keep[2]), *(p for r in reversed(rows) for p in _products(r[2]))])
    if (sources, langs, products) != tuple(current):
        conn.execute(
            "UPDATE clusters SET sources = ?, langs = ?, products = ? WHERE id = ?",
            (sources, langs, products, cluster_id),
        )
        remember_values(conn, {"sources": sources, "langs": langs, "products": products})
    texts = conn.execute(
        "SELECT p.title, p.text FROM clusters c JOIN posts p ON p.id = c.seed_post_id WHERE c.id = ?"
        " UNION ALL SELECT * FROM (SELECT title, text FROM posts WHERE cluster_id = ? ORDER BY id LIMIT ?)",
        (cluster_id, cluster_id, SEARCH_POSTS * 5),
    ).fetchall()
    write_search_body(conn, cluster_id, search_body(texts))


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
