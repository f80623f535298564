from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from config.settings import AnalysisSettings
from crawler.analysis import fingerprint, matcher
from store import ClusterTriage, Fingerprint, Store, StoreError

COMPLAINT = "声链 IM 安卓端消息推送失败，所有用户都收不到消息，线上业务已经受影响，急！"


def fp(text: str) -> Fingerprint:
    return fingerprint({"text": text})


MATCH = matcher(AnalysisSettings())


def triage(members: list[dict[str, Any]], authors: int, size: int) -> ClusterTriage:
    return ClusterTriage("P0" if authors >= 3 else "P2", "high", "high", "functional", [f"{authors} authors"])


def add(store: Store, pid: str, text: str, author: str, complaint: bool = True, source: str = "v2ex"):
    post = {"source": source, "source_post_id": pid, "url": f"http://x/{pid}", "text": text, "author": author}
    analysis = {"complaint": complaint, "relevant": True, "priority": "P1", "category": "functional"}
    return store.upsert_post(post, analysis, fp(text), triage=triage, match=MATCH)


def test_same_key_twice_adds_nothing(tmp_path: Path):
    store = Store(tmp_path / "l.db")
    first = add(store, "1", COMPLAINT, "a")
    again = add(store, "1", COMPLAINT, "a")
    assert first.new and not again.new and not again.changed
    assert store.count("posts") == 1 and store.count("clusters") == 1


def test_edited_text_updates_in_place(tmp_path: Path):
    store = Store(tmp_path / "l.db")
    add(store, "1", "VoxLink 很好用", "a", complaint=False)
    edited = add(store, "1", "VoxLink 很好用，但是文档太少了", "a", complaint=False)
    assert edited.changed and not edited.new
    assert store.count("posts") == 1
    assert store.posts()[0]["text"].endswith("文档太少了")


def test_copies_and_near_copies_join_one_cluster_with_distinct_authors(tmp_path: Path):
    store = Store(tmp_path / "l.db")
    a = add(store, "1", COMPLAINT, "alice")
    b = add(store, "2", "  " + COMPLAINT.replace("，", ", ") + " https://t.cn/x", "bob")  # exact after normalizing
    c = add(
        store,
        "w1",
        "转发微博：声链IM安卓端消息推送失败了，所有用户都收不到消息，线上业务受影响，急急急",
        "carol",
        source="weibo",
    )
    d = add(store, "3", "VoxLink 的音质很好，推荐大家使用", "dave", complaint=False)
    assert a.cluster_id == b.cluster_id == c.cluster_id != d.cluster_id
    cluster = store.cluster(a.cluster_id)
    assert cluster is not None
    assert cluster["size"] == 3 and cluster["distinct_authors"] == 3
    assert cluster["priority"] == "P0" and cluster["reasons"] == ["3 authors"]
    assert cluster["flagged"] == 1 and cluster["flagged_at"]
    assert [c["id"] for c in store.flagged_clusters()] == [a.cluster_id]


def test_intake_id_is_stable_across_databases(tmp_path: Path):
    ids = []
    for name in ("a.db", "b.db"):
        store = Store(tmp_path / name)
        ids.append(store.cluster(add(store, "1", COMPLAINT, "a").cluster_id)["intake_id"])  # type: ignore[index]
    assert ids[0] == ids[1] and ids[0].startswith("lt-")


def test_wal_and_schema_version(tmp_path: Path):
    store = Store(tmp_path / "l.db")
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    version = store.schema_version
    assert version >= 1
    store.close()
    again = Store(tmp_path / "l.db")  # reopening migrates nothing twice
    assert again.schema_version == version


def test_newer_database_is_refused(tmp_path: Path):
    path = tmp_path / "l.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(StoreError, match="newer lingting"):
        Store(path)


def test_failed_transaction_leaves_no_trace(tmp_path: Path):
    store = Store(tmp_path / "l.db")

    def broken(members: list[dict[str, Any]], authors: int, size: int) -> ClusterTriage:
        raise RuntimeError("boom")

    post = {"source": "v2ex", "source_post_id": "1", "url": "u", "text": COMPLAINT, "author": "a"}
    with pytest.raises(RuntimeError):
        store.upsert_post(post, {}, fp(COMPLAINT), triage=broken, match=MATCH)
    assert store.count("posts") == 0 and store.count("clusters") == 0


def test_a_post_bridging_two_clusters_merges_them_into_the_older(tmp_path: Path):
    store = Store(tmp_path / "l.db")
    left = (
        "声链 IM 安卓端消息推送失败，所有用户都收不到消息。"
        "我们用的是厂商通道和自有长连接，全部失效，查了一上午也没找到原因"
    )
    right = "声链的客服工单三天没人回复，扣费也不透明，这个月账单多了两千块，问了销售也说不清楚是怎么回事"
    a = add(store, "1", left, "alice")
    b = add(store, "2", right, "bob")
    assert a.cluster_id != b.cluster_id
    bridge = add(store, "3", left + "\n" + right, "carol")
    assert bridge.cluster_id == a.cluster_id
    merged = store.cluster(b.cluster_id)
    assert merged is not None and merged["merged_into"] == a.cluster_id and merged["size"] == 0
    assert {p["cluster_id"] for p in store.posts()} == {a.cluster_id}
    assert store.cluster(a.cluster_id)["distinct_authors"] == 3  # type: ignore[index]
    assert [c["id"] for c in store.flagged_clusters()] == [a.cluster_id]


def test_two_processes_opening_a_new_database_at_once_migrate_it_once(tmp_path: Path, monkeypatch):
    """`lingting serve` opens a new file from its scheduler and its web app at the same moment: the
    one that waited for the write lock must find the schema done, not run the migrations again."""
    from contextlib import contextmanager

    from store.schema import MIGRATIONS

    path = tmp_path / "new.db"
    original = Store.transaction
    raced: list[bool] = []

    @contextmanager
    def racing(self: Store) -> Any:
        if not raced:  # the other process migrates between this one's first look and its lock
            raced.append(True)
            Store(path).close()
        with original(self):
            yield

    monkeypatch.setattr(Store, "transaction", racing)
    store = Store(path)
    assert raced and store.schema_version == len(MIGRATIONS)
    store.close()
