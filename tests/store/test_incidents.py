from __future__ import annotations

from config.settings import Product, Settings
from crawler.analysis import analyze_post, store_analyzed
from sentiment import Analyzer
from store import Store

SETTINGS = Settings(products=[Product(name="VoxLink", aliases=["声链"])], database=":memory:")


def test_one_incident_in_three_sources_and_a_me_too_reply_is_one_cluster_of_four_authors() -> None:
    store = Store(":memory:")
    analyzer = Analyzer(SETTINGS.products, SETTINGS.analysis)
    posts = [
        (
            "discourse",
            "t:1",
            "post",
            "t:1",
            "ops_dana",
            "Production down: VoxLink push not delivering to any Android users",
        ),
        (
            "discourse",
            "p:2",
            "comment",
            "t:1",
            "pete",
            "Same here since roughly the same time. Production down for us too.",
        ),
        ("github", "i:3", "post", "i:3", "mia", "VoxLink IM push not delivered to Android devices since 08:00 UTC"),
        ("weibo", "w:4", "post", "w:4", "老陈", "声链 IM 安卓端消息推送失败，所有用户都收不到消息，线上业务已经受影响"),
        ("reddit", "r:5", "post", "r:5", "kat", "VoxLink SDK crashes on Android 14 when joining a channel"),
    ]
    for minute, (source, pid, kind, thread, author, text) in enumerate(posts):
        post = {
            "source": source, "source_post_id": pid, "url": f"http://x/{pid}", "kind": kind, "thread_id": thread,
            "author": author, "text": text, "created_at": f"2026-12-04T08:{minute:02d}:00Z",
        }  # fmt: skip
        store_analyzed(post, analyze_post(analyzer, post), store=store, settings=SETTINGS, source_name=source)
    clusters = {r["source_post_id"]: r["cluster_id"] for r in store.query("SELECT * FROM posts")}
    assert len({clusters[p] for p in ("t:1", "p:2", "i:3", "w:4")}) == 1
    assert clusters["r:5"] != clusters["t:1"]
    cluster = store.cluster(clusters["t:1"]) or {}
    assert cluster["distinct_authors"] == 4 and cluster["priority"] == "P0"
    store.close()
