from __future__ import annotations

from sentiment.fingerprint import content_key, minhash, near_duplicate_score, shingle_count

ORIGINAL = "声链 IM 安卓端消息推送失败，所有用户都收不到消息，线上业务已经受影响，急！"
LONG_UNRELATED = (
    "I have been using this app for a while and the interface is clean, the notifications work most of the "
    "time, and the support team answered my email within a day. The only thing I would change is the dark "
    "mode, which is a little too dark on my phone, and the settings page which is hard to find."
)


def score(a: str, b: str) -> float:
    return near_duplicate_score(
        minhash(a), shingle_count(a), minhash(b), shingle_count(b), jaccard=0.5, containment=0.6
    )


def test_copies_with_added_words_are_near_duplicates():
    repost = "转发微博 //@小刘: 我们也一样 " + ORIGINAL + " 求官方尽快处理，已经两个小时了"
    assert content_key(ORIGINAL) == content_key("  " + ORIGINAL.replace("，", ", ") + " https://t.cn/x")
    assert score(ORIGINAL, repost) > 0


def test_short_text_is_not_a_copy_of_a_long_unrelated_one():
    for short in ("The app crashes all the time", "Great app, love the dark mode", "notifications do not work"):
        assert score(short, LONG_UNRELATED) == 0.0


def test_unrelated_texts_of_similar_length_do_not_match():
    assert score(ORIGINAL, "声链的客服工单三天没人回复，扣费也不透明，这个月账单多了两千块") == 0.0
