from __future__ import annotations

from typing import Any

from sentiment import Analyzer
from sentiment.incident import same_incident, says_me_too

PRODUCT_OF = {"voxlink": "VoxLink", "声链": "VoxLink"}


def post(analyzer: Analyzer, text: str, **fields: Any) -> dict[str, Any]:
    row = {"source": "v2ex", "kind": "post", "created_at": "2026-12-04T08:00:00Z", "text": text, **fields}
    thread_title = "VoxLink push outage" if row["kind"] == "comment" else None  # as the pipeline gives a reply
    row["analysis"] = analyzer.analyze(text, title=row.get("title"), thread_title=thread_title).to_dict()
    return row


def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return same_incident(a, b, product_of=PRODUCT_OF, window_hours=24)


OUTAGE_ZH = "声链 IM 安卓端消息推送失败，所有用户都收不到消息，线上业务已经受影响，急！"
OUTAGE_EN = "VoxLink push not delivered to Android devices since 08:00 UTC, production down for all our users."


def test_me_too_phrases() -> None:
    assert all(says_me_too(t) for t in ("same here on android", "+1，我们也是", "同样遇到", "also seeing this"))
    assert not says_me_too("manifest 里加一下试试")


def test_a_me_too_reply_joins_its_thread(analyzer: Analyzer) -> None:
    topic = post(analyzer, OUTAGE_EN, source="discourse", source_post_id="t:442", thread_id="t:442")
    reply = post(analyzer, "Same here.", source="discourse", kind="comment", source_post_id="p:1", thread_id="t:442")
    elsewhere = post(analyzer, "Same here.", source="discourse", kind="comment", source_post_id="p:2", thread_id="t:9")
    assert same(reply, topic) and not same(elsewhere, topic)


def test_the_same_outage_in_two_languages_and_sources_is_one_incident(analyzer: Analyzer) -> None:
    zh = post(analyzer, OUTAGE_ZH, source="weibo", source_post_id="w1")
    en = post(analyzer, OUTAGE_EN, source="reddit", source_post_id="r1", created_at="2026-12-04T11:00:00Z")
    assert same(en, zh)


def test_other_platform_symptom_time_or_a_question_stay_apart(analyzer: Analyzer) -> None:
    zh = post(analyzer, OUTAGE_ZH, source="weibo", source_post_id="w1")
    ios = post(analyzer, OUTAGE_EN.replace("Android", "iOS"), source="reddit", source_post_id="r2")
    crash = post(
        analyzer, "VoxLink SDK crashes on Android 14 when joining a channel", source="reddit", source_post_id="r3"
    )
    later = post(analyzer, OUTAGE_EN, source="reddit", source_post_id="r4", created_at="2026-12-06T09:00:00Z")
    advice = post(analyzer, OUTAGE_EN, source="weibo", kind="comment", source_post_id="c1", thread_id="w9")
    assert not any(same(other, zh) for other in (ios, crash, later, advice))
