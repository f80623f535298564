from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from exporter import review_states
from store import ReviewError, Store, add_review, cluster_state, reviews, undo_last
from store.database import _statements
from store.reviews import rebuild_review_cache
from store.schema import MIGRATIONS
from tests.store.review_support import post


def test_state_is_the_fold_of_the_log_and_undo_is_a_new_entry(tmp_path: Path):
    store = Store(tmp_path / "l.db")
    cid = post(store, "1")
    add_review(store, cid, "relabel", category="bug", priority="P1", reviewer="li")
    add_review(store, cid, "assign", assignee="wang", reviewer="li")
    add_review(store, cid, "note", note="问过用户了", reviewer="li")
    add_review(store, cid, "dismiss", reason="spam", reviewer="li")
    assert cluster_state(store, cid).verdict == "dismiss"
    undo_id = undo_last(store, "li")
    state = cluster_state(store, cid)
    assert (state.verdict, state.category, state.priority, state.assignee) == (None, "bug", "P1", "wang")
    log = reviews(store, cid)
    assert [r["decision"] for r in log] == ["relabel", "assign", "note", "dismiss", "undo"]
    assert log[-1]["id"] == undo_id and log[-1]["undoes"] == log[3]["id"]
    # the exporter's policy reads the same rows the same way
    assert review_states(reviews(store))[cid] == state
    # the cache the queue reads agrees with the fold
    row = store.cluster(cid)
    assert row is not None and (row["review_verdict"], row["review_category"], row["assignee"]) == (None, "bug", "wang")
    assert row["queue_state"] == "pending"


def test_undo_takes_the_reviewers_own_latest_decision_and_then_the_one_before(tmp_path: Path):
    store = Store(tmp_path / "l.db")
    a, b = post(store, "1"), post(store, "2")
    add_review(store, a, "confirm", reviewer="li")
    add_review(store, b, "dismiss", reason="not_complaint", reviewer="li")
    add_review(store, a, "dismiss", reason="spam", reviewer="zhao")
    undo_last(store, "li")
    assert cluster_state(store, b).verdict is None
    assert cluster_state(store, a).verdict == "dismiss"  # zhao's decision stands
    undo_last(store, "li")
    assert cluster_state(store, a).verdict == "dismiss"  # li's confirm undone; zhao's dismiss is later
    assert undo_last(store, "li") is None
    assert undo_last(store, "zhao") is not None and cluster_state(store, a).verdict is None


def test_assign_and_note_leave_the_verdict(tmp_path: Path):
    store = Store(tmp_path / "l.db")
    cid = post(store, "1")
    add_review(store, cid, "confirm", reviewer="li")
    add_review(store, cid, "assign", assignee="wang", reviewer="li")
    add_review(store, cid, "note", note="n", reviewer="li")
    assert review_states(reviews(store))[cid].verdict == "confirm"
    add_review(store, cid, "assign", assignee="", reviewer="li")
    assert cluster_state(store, cid).assignee is None


def test_the_log_is_append_only(tmp_path: Path):
    store = Store(tmp_path / "l.db")
    cid = post(store, "1")
    add_review(store, cid, "confirm", reviewer="li")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE reviews SET decision = 'dismiss'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM reviews")


@pytest.mark.parametrize(
    ("decision", "kwargs", "message"),
    [
        ("dismiss", {"reason": "boring"}, "reason 'boring'"),
        ("confirm", {"reason": "spam"}, "a dismiss takes"),
        ("assign", {}, "assign needs an assignee"),
        ("note", {"note": "  "}, "a note needs some text"),
        ("undo", {}, "unknown action"),
        ("approve", {}, "unknown action"),
    ],
)
def test_bad_decisions_are_refused_and_nothing_is_written(tmp_path: Path, decision: str, kwargs: dict, message: str):
    store = Store(tmp_path / "l.db")
    cid = post(store, "1")
    with pytest.raises(ReviewError, match=message):
        add_review(store, cid, decision, **kwargs)
    assert reviews(store) == []


def test_migration_6_keeps_the_old_reviews_and_their_state(tmp_path: Path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:5]:
        for statement in _statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 5")
    conn.execute(
        "INSERT INTO clusters (id, intake_id, seed_post_id, size, distinct_authors, flagged, priority, category,"
        " first_seen_at, last_seen_at) VALUES (1, 'lt-1', 1, 1, 1, 1, 'P2', 'functional', 'T', '2026-11-24T10:00:00Z')"
    )
    conn.execute(
        "INSERT INTO posts (id, source, source_post_id, url, kind, title, text, content_key, minhash, cluster_id,"
        " analysis, first_seen_at, updated_at, lang) VALUES (1, 'v2ex', '1', 'u', 'post', '标题', '推送一直失败', 'k',"
        " x'', 1, '{\"relevance_terms\": [\"声链\"]}', 'T', 'T', 'zh')"
    )
    conn.execute(
        "INSERT INTO reviews (cluster_id, decision, category, priority, reviewer, created_at)"
        " VALUES (1, 'confirm', NULL, NULL, 'li', 'T'), (1, 'relabel', 'bug', 'P1', 'li', 'T')"
    )
    conn.close()
    store = Store(path)
    assert store.schema_version == len(MIGRATIONS)
    assert [(r["id"], r["decision"], r["category"]) for r in reviews(store)] == [
        (1, "confirm", None),
        (2, "relabel", "bug"),
    ]
    row = store.cluster(1)
    assert row is not None
    assert (row["review_verdict"], row["review_category"], row["queue_priority"]) == ("confirm", "bug", "P1")
    assert (row["sources"], row["langs"], row["products"]) == (",v2ex,", ",zh,", ",声链,")
    assert store.query("SELECT rowid FROM cluster_fts WHERE cluster_fts MATCH '推送一直'") == [{"rowid": 1}]
    assert rebuild_review_cache(store) == 1
