"""Weibo and Bilibili answers beyond the shared fixtures: search nesting, long texts, errors, sub-replies."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.parsers import ParseError, parse
from crawler.parsers.weibo import count_value, weibo_text

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
FETCHED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SEARCH_URL = "https://m.weibo.cn/api/container/getIndex?containerid=100103type%3D61%26q%3D%E5%A3%B0%E9%93%BE&page=1"


def status(mid: str, text: str, created: str, author: str = "直播课老师Lily", **extra: Any) -> dict[str, Any]:
    user = {"id": 2283907368, "screen_name": author, "followers_count": "1.2万"}
    return {"created_at": created, "id": mid, "mid": mid, "bid": f"B{mid[-4:]}", "text": text, "user": user,
            "reposts_count": 3, "comments_count": 5, "attitudes_count": 21, "isLongText": False, **extra}  # fmt: skip


ORIGINAL = status(
    "5140000000148924",
    '声链的云端录制又出问题了 <span class="url-icon"><img alt=[泪] src="x.png"></span>',
    "昨天 16:00",
)
REPOST = status(
    "5140000000186155",
    "我们也一样，<a href='/n/声链VoxLink'>@声链VoxLink</a> 再不解决只能换掉了",
    "23小时前",
    author="教育SaaS老周",
    retweeted_status=ORIGINAL,
)
LONG = status(
    "5140000000111693",
    '声链 IM SDK 接入一个月的真实体验 ...<a href="/status/5140000000111693">全文</a>',
    "02-27",
    isLongText=True,
)
SEARCH = {
    "ok": 1,
    "data": {
        "cardlistInfo": {"containerid": "100103type=61&q=声链", "total": 11, "page": 2},
        "cards": [
            {"card_type": 11, "card_group": [{"card_type": 9, "mblog": REPOST}, {"card_type": 10, "user": {"id": 1}}]},
            {"card_type": 58, "desc": "以下是实时微博"},
            {"card_type": 9, "mblog": ORIGINAL},
            {"card_type": 9, "mblog": LONG},
        ],
    },
}


def weibo(data: Any, url: str = SEARCH_URL) -> Any:
    return parse("weibo", json.dumps(data, ensure_ascii=False).encode(), url, FETCHED)


def test_weibo_search_nesting_repost_and_original_once() -> None:
    result = weibo(SEARCH)
    assert result.kind == "weibo/search" and result.has_more and result.skipped == []
    assert [p.source_post_id for p in result.posts] == ["5140000000186155", "5140000000148924", "5140000000111693"]
    repost, original, long = result.posts
    assert repost.parent_id == original.source_post_id == repost.thread_id
    assert repost.text == "我们也一样，@声链VoxLink 再不解决只能换掉了"
    assert original.text == "声链的云端录制又出问题了 [泪]"
    assert original.author_followers == 12000
    assert repost.created_at == "2026-03-01T10:30:00Z" and original.created_at == "2026-03-01T08:00:00Z"
    assert long.text == "声链 IM SDK 接入一个月的真实体验 ..." and long.raw["isLongText"] is True
    assert repost.url == "https://m.weibo.cn/status/B6155"


def test_weibo_original_only_inside_a_repost_is_a_post_too() -> None:
    data = {
        "ok": 1,
        "data": {
            "cardlistInfo": {"containerid": "100103type=61&q=x", "page": None},
            "cards": [{"card_type": 9, "mblog": REPOST}],
        },
    }
    result = weibo(data)
    assert [p.source_post_id for p in result.posts] == ["5140000000186155", "5140000000148924"]
    assert not result.has_more


def test_weibo_deleted_original_is_skipped_with_its_reason() -> None:
    gone = {"id": "5140000000000001", "text": "抱歉，此微博已被作者删除。", "user": None, "deleted": "1"}
    data = {"ok": 1, "data": {"cards": [{"card_type": 9, "mblog": {**REPOST, "retweeted_status": gone}}]}}
    result = weibo(data)
    assert [p.source_post_id for p in result.posts] == ["5140000000186155"]
    assert result.posts[0].parent_id == "5140000000000001"
    assert len(result.skipped) == 1 and "deleted" in result.skipped[0]


def test_weibo_long_text_takes_its_id_from_the_url() -> None:
    body = {
        "ok": 1,
        "data": {"ok": 1, "longTextContent": "第一行<br />第二行 <img alt=[赞] src=x>", "attitudes_count": 66},
    }
    result = weibo(body, "https://m.weibo.cn/statuses/extend?id=5140000000111693")
    assert result.kind == "weibo/long_text"
    (post,) = result.posts
    assert (post.source_post_id, post.text, post.likes) == ("5140000000111693", "第一行\n第二行 [赞]", 66)
    assert post.url == "https://m.weibo.cn/detail/5140000000111693"
    saved = weibo(body, "")
    assert saved.posts == [] and "statuses/extend?id=" in saved.skipped[0]


@pytest.mark.parametrize(
    "body",
    [
        b'{"ok":-100,"url":"https://passport.weibo.cn/signin/welcome?entry=mweibo&r=https%3A%2F%2Fm.weibo.cn%2F"}',
        b"<!DOCTYPE html><html><head><title>Sina Visitor System</title></head><body></body></html>",
        "<html><head><title>微博-登录</title></head><body>请登录</body></html>".encode(),
    ],
)
def test_weibo_login_wall_says_the_cookie_expired(body: bytes) -> None:
    with pytest.raises(ParseError, match="cookie is missing or has expired") as info:
        parse("weibo", body, SEARCH_URL, FETCHED)
    assert "Cookie 缺失或已过期" in str(info.value)


def test_weibo_past_the_last_page_is_empty_but_other_ok_0_is_an_error() -> None:
    empty = weibo({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
    assert (empty.kind, empty.posts, empty.has_more) == ("weibo/search", [], False)
    with pytest.raises(ParseError, match="Weibo answered with an error: 请求过于频繁"):
        weibo({"ok": 0, "msg": "请求过于频繁"})
    with pytest.raises(ParseError, match="never serves this shape"):
        weibo({"ok": 1, "data": {"something": []}})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, 12),
        ("12", 12),
        ("1.2万", 12000),
        ("3亿", 300_000_000),
        ("100万+", 1_000_000),
        ("", None),
        (True, None),
        (None, None),
    ],
)
def test_weibo_counts(value: object, expected: int | None) -> None:
    assert count_value(value) == expected


def test_weibo_text_keeps_emoticons_and_drops_the_full_text_link() -> None:
    assert (
        weibo_text('好<span class="url-icon"><img alt="[doge]" src="d.png" /></span> ...<a href="/status/1">全文</a>')
        == "好[doge] ..."
    )
    assert weibo_text("&lt;script&gt;x") == "<script>x"  # entities decoded to plain text, never markup


# ---------------------------------------------------------------------------- Bilibili


def bili(data: Any, url: str = "https://api.bilibili.com/x/v2/reply/reply?type=1&oid=2&root=104192624480&pn=1") -> Any:
    return parse("bilibili", json.dumps(data, ensure_ascii=False).encode(), url, FETCHED)


def reply(rpid: int, root: int, parent: int, message: str, ctime: int = 1772400000) -> dict[str, Any]:
    member = {"mid": "7", "uname": "小鹿不跑路"}
    return {"rpid": rpid, "oid": 2, "type": 1, "root": root, "parent": parent, "ctime": ctime, "like": 1,
            "member": member, "content": {"message": message}, "replies": None}  # fmt: skip


def test_bilibili_sub_replies_link_to_root_or_the_reply_they_answer() -> None:
    root = reply(104192624480, 0, 0, "根评论")
    subs = [reply(9001, 104192624480, 104192624480, "回复根"), reply(9002, 104192624480, 9001, "回复 @x :回复楼中")]
    data = {
        "code": 0,
        "message": "0",
        "data": {"page": {"count": 12, "num": 1, "size": 10}, "root": root, "replies": subs},
    }
    result = bili(data)
    assert result.kind == "bilibili/sub_replies" and result.has_more
    assert [(p.source_post_id, p.parent_id, p.thread_id) for p in result.posts] == [
        ("9001", "104192624480", "av2"),
        ("9002", "9001", "av2"),
    ]
    assert result.posts[0].created_at == "2026-03-01T21:20:00Z" and result.posts[0].replies is None


def test_bilibili_root_comments_bring_their_previews_and_pinned() -> None:
    root = {**reply(1, 0, 0, "置顶"), "rcount": 0}
    listed = {**reply(2, 0, 0, "有回复"), "rcount": 5, "replies": [reply(3, 2, 2, "预览一")]}
    data = {
        "code": 0,
        "data": {"page": {"num": 1, "size": 20, "count": 2}, "replies": [listed, root], "upper": {"top": root}},
    }
    result = bili(data, "https://api.bilibili.com/x/v2/reply?type=1&oid=2&sort=0&pn=1")
    assert [p.source_post_id for p in result.posts] == ["1", "2", "3"]
    assert result.posts[1].replies == 5 and result.posts[2].parent_id == "2" and not result.has_more
    assert "replies" not in result.posts[1].raw


def test_bilibili_empty_comment_page_has_null_replies() -> None:
    result = bili({"code": 0, "data": {"page": {"num": 3, "size": 20, "count": 40}, "replies": None}})
    assert result.posts == [] and not result.has_more


def test_bilibili_all_search_groups_results() -> None:
    video = json.loads((FIXTURES / "bilibili/search_type_video_example.json").read_bytes())["data"]["result"][0]
    data = {"code": 0, "data": {"page": 1, "numPages": 1, "result": [
        {"result_type": "bili_user", "data": [{"mid": 1}]}, {"result_type": "video", "data": [video]}]}}  # fmt: skip
    result = bili(data, "")
    assert [p.source_post_id for p in result.posts] == ["av243082173"] and not result.has_more


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": 0, "message": "0", "ttl": 1, "data": {"v_voucher": "voucher_abc"}}, "wbi signature"),
        ({"code": -412, "message": "请求被拦截", "ttl": 1}, r"error -412 \(请求被拦截\): request blocked"),
        ({"code": -352, "message": "风控校验失败", "ttl": 1}, "risk control"),
        ({"code": -404, "message": "啥都木有", "ttl": 1}, "not found"),
        ({"code": 75001, "message": "奇怪的错误"}, r"error 75001 \(奇怪的错误\) / B站返回错误 75001"),
        ({"code": 0, "data": {"nothing": 1}}, "never serves this shape"),
        ({"result": []}, "never serves this shape"),
    ],
)
def test_bilibili_errors_in_words(data: Any, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        bili(data)


def test_bilibili_closed_comments_and_nav_are_not_errors() -> None:
    closed = bili({"code": 12002, "message": "评论区已关闭", "ttl": 1})
    assert (closed.kind, closed.posts) == ("bilibili/replies", [])
    nav = {
        "code": -101,
        "message": "账号未登录",
        "data": {"isLogin": False, "wbi_img": {"img_url": "a", "sub_url": "b"}},
    }
    assert bili(nav).kind == "bilibili/nav"


def test_bilibili_pages_of_a_mirror_stay_on_the_mirror() -> None:
    data = json.loads((FIXTURES / "bilibili/reply_list_example.json").read_bytes())
    result = bili(data, "http://127.0.0.1:8765/bilibili/x/v2/reply?type=1&oid=2&sort=0&pn=1")
    assert result.posts[0].url == "http://127.0.0.1:8765/bilibili/video/av2#reply104192624480"


@pytest.mark.parametrize(
    "rel", ["weibo/getIndex_user_weibo_container_1076035529945701_page2.json", "bilibili/reply_list_example.json"]
)
def test_truncated_fixtures(rel: str) -> None:
    body = (FIXTURES / rel).read_bytes()
    with pytest.raises(ParseError, match="truncated"):
        parse(rel.split("/")[0], body[: len(body) // 2])
