from __future__ import annotations

from crawler.analysis import fingerprint, own_text, star_rating


def test_star_rating_read_from_raw_record():
    assert star_rating({"raw": {"rating": 1}}) == 1
    assert star_rating({"raw": {"rating": "5"}}) == 5
    assert star_rating({"raw": {"rating": 9}}) is None
    assert star_rating({"raw": {}}) is None and star_rating({}) is None


def test_comment_fingerprint_ignores_the_thread_title():
    comment = {"kind": "comment", "title": "声链推送失败，所有用户收不到消息", "text": "已知问题，正在处理"}
    assert own_text(comment) == "已知问题，正在处理"
    assert fingerprint(comment).content_key == fingerprint({"text": "已知问题，正在处理"}).content_key
    post = {"kind": "post", "title": "标题", "text": "正文"}
    assert own_text(post) == "标题\n正文"


def test_product_names_do_not_make_posts_alike():
    from sentiment.fingerprint import signature_from_bytes, similarity

    a = {"text": "About VoxLink: the dark mode is lovely"}
    b = {"text": "About VoxLink: battery drains fast"}

    def alike(x, y):
        return similarity(signature_from_bytes(x.minhash), signature_from_bytes(y.minhash))

    plain = alike(fingerprint(a), fingerprint(b))
    stripped = alike(fingerprint(a, ignore=["VoxLink"]), fingerprint(b, ignore=["voxlink"]))
    assert stripped < plain
    same = fingerprint({"text": "VoxLink 闪退"}, ignore=["VoxLink"]).content_key
    assert same == fingerprint({"text": "闪退"}).content_key
