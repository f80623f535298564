from __future__ import annotations

from pathlib import Path

import numpy as np

from sentiment.fingerprint import content_key, minhash, near_duplicate_score, near_duplicate_scores, shingle_count

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


def test_scoring_candidates_at_once_gives_each_pair_s_score(shared: Path) -> None:
    # Real texts, their lightly edited copies and their cut copies: every kind of pair the store scores.
    lines = (shared / "data" / "weibo2018_train.txt").read_text(encoding="utf-8").splitlines()[1:400]
    texts = [line.split(",", 2)[-1] for line in lines]
    texts += [t[: len(t) // 2] for t in texts[:100]] + [t + " 同样的问题" for t in texts[100:200]]
    signatures = np.stack([minhash(t) for t in texts])
    sizes = np.array([shingle_count(t) for t in texts], dtype=np.int64)
    for i in range(0, len(texts), 37):
        at_once = near_duplicate_scores(signatures[i], int(sizes[i]), signatures, sizes, jaccard=0.5, containment=0.6)
        one_by_one = [
            near_duplicate_score(signatures[i], int(sizes[i]), s, int(n), jaccard=0.5, containment=0.6)
            for s, n in zip(signatures, sizes, strict=True)
        ]
        assert list(at_once) == one_by_one
        assert sum(1 for score in one_by_one if score > 0) >= 1  # itself, at least
