"""Every recorded Weibo, Tieba and Bilibili response in ../shared/fixtures parses, with real values checked."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.parsers import ParseResult, parse

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
FETCHED = datetime(2026, 11, 25, 1, 2, 3, tzinfo=UTC)
FOLDERS = ("weibo", "tieba", "bilibili")
EXPECTED = {
    # file -> (kind, number of posts)
    "weibo/getIndex_user_weibo_container_1076035529945701_page2.json": ("weibo/cards", 12),
    "weibo/getIndex_userinfo_6100410734_raw.json": ("weibo/user", 0),
    "tieba/search_keyword_notes.html": ("tieba/search", 10),
    "bilibili/search_type_video_example.json": ("bilibili/search", 20),
    "bilibili/reply_list_example.json": ("bilibili/replies", 5),
}


def _files() -> list[object]:
    found: list[object] = [
        f"{folder}/{p.name}" for folder in FOLDERS for p in sorted((FIXTURES / folder).glob("*")) if p.is_file()
    ]
    return found or [pytest.param(None, id="shared-fixtures-missing")]


def _parse(rel: str, url: str = "") -> ParseResult:
    return parse(rel.split("/")[0], (FIXTURES / rel).read_bytes(), url=url, fetched_at=FETCHED)


@pytest.mark.parametrize("rel", _files())
def test_every_fixture_parses(rel: str | None) -> None:
    if rel is None:
        pytest.fail(f"shared fixtures missing at {FIXTURES}")
    assert rel in EXPECTED, f"new fixture {rel}: add its kind and post count to EXPECTED"
    kind, count = EXPECTED[rel]
    result = _parse(rel)
    assert result.kind == kind
    assert len(result.posts) == count
    assert result.skipped == []
    ids = [p.source_post_id for p in result.posts]
    assert len(ids) == len(set(ids))
    for post in result.posts:
        assert post.source == rel.split("/")[0]
        assert post.source_post_id and post.thread_id
        assert post.url.startswith("https://")
        # Every record of these files carries a time.
        assert post.created_at and post.created_at.endswith("Z") and len(post.created_at) == 20
        assert post.created_at <= "2026-11-25T01:02:03Z"
        assert post.fetched_at == "2026-11-25T01:02:03Z"
        assert post.text or post.title
        assert "<br" not in post.text and "<a " not in post.text and "<em" not in (post.title or "")
        json.dumps(post.raw)


def test_weibo_timeline_cards_reposts_and_relative_times() -> None:
    result = _parse("weibo/getIndex_user_weibo_container_1076035529945701_page2.json")
    by_id = {p.source_post_id: p for p in result.posts}
    repost, original = by_id["4387933362623405"], by_id["4387930325701338"]
    assert repost.parent_id == "4387930325701338" == repost.thread_id
    assert repost.url == "https://m.weibo.cn/status/HATy0b0sZ"
    assert (
        repost.text == "和平精英超话 暗夜危机7处规避丧尸的位置，记住就再也不用哭着喊妈妈了[doge]"
    )  # emoticon alt kept
    assert (repost.author, repost.author_id, repost.author_followers) == (
        "绝地求生刺激战场游戏攻略",
        "5529945701",
        586975,
    )
    assert (repost.likes, repost.replies) == (6, 3)
    assert repost.raw["retweeted_status_id"] == "4387930325701338" and "retweeted_status" not in repost.raw
    assert original.parent_id is None and original.author == "和平精英游戏攻略"
    assert original.author_followers == 101503 and (original.likes, original.replies) == (101, 59)
    assert original.text.startswith("#和平精英# 暗夜危机7大规避丧尸的位置：\n1.任何水域中，")
    # "06-27" is this year's 27 June in Beijing; "15小时前" counts back from the fetch.
    assert repost.created_at == "2026-06-26T16:00:00Z"
    assert by_id["4394384827138748"].created_at == "2026-11-24T10:02:03Z"
    long = by_id["4393264377139656"]
    assert long.raw["isLongText"] is True and long.text.endswith("4.新时装：向日葵先生套 ...")  # no "全文" link
    assert result.has_more


def test_weibo_user_info_is_recognised() -> None:
    result = _parse("weibo/getIndex_userinfo_6100410734_raw.json")
    assert result.kind == "weibo/user" and result.posts == [] and not result.has_more


def test_tieba_search_hits() -> None:
    result = _parse("tieba/search_keyword_notes.html")
    first = result.posts[0]
    assert (first.source_post_id, first.kind, first.thread_id) == ("9117888152", "post", "9117888152")
    assert first.url == "https://tieba.baidu.com/p/9117888152"
    assert first.title == "武汉交互空间科技：富士康10亿加码中国大陆，印度为何逐渐“失宠"
    assert first.text.startswith("全球知名的电子制造服务巨头富士康的母公司鸿海精密工业股份有限公司")
    assert first.author == "VR虚拟达人"
    assert first.created_at == "2024-08-05T08:45:00Z"  # 2024-08-05 16:45 Beijing
    assert first.raw["forum"] == "武汉交互空间" and first.raw["pid"] == "150718967291"
    assert all(p.kind == "post" for p in result.posts)  # none is a "回复：" hit
    assert not result.has_more  # the fragment has no pager


def test_tieba_search_with_the_request_url_keeps_the_site() -> None:
    result = _parse("tieba/search_keyword_notes.html", url="https://tieba.baidu.com/f/search/res?ie=utf-8&qw=x&pn=1")
    assert result.posts[1].url == "https://tieba.baidu.com/p/9114743782"


def test_bilibili_search_strips_highlight() -> None:
    result = _parse("bilibili/search_type_video_example.json")
    first = result.posts[0]
    assert (first.source_post_id, first.thread_id) == ("av243082173", "av243082173")
    assert first.title == "梦然-《少年》官方版"
    assert first.url == "https://www.bilibili.com/video/BV1De411p77r"
    assert (first.author, first.author_id) == ("大橘爱吃猫", "178932626")
    assert first.created_at == "2020-05-02T08:10:50Z"
    assert first.replies == 1265
    assert first.text.startswith("https://www.ixigua.com/i6822128361129640462/")
    assert "φ(>ω<*)" in result.posts[4].text  # entities in descriptions decoded
    assert result.has_more  # page 1 of 50


def test_bilibili_reply_list() -> None:
    result = _parse(
        "bilibili/reply_list_example.json", url="https://api.bilibili.com/x/v2/reply?type=1&oid=2&sort=0&pn=1"
    )
    first = result.posts[0]
    assert (first.source_post_id, first.kind, first.thread_id, first.parent_id) == (
        "104192624480",
        "comment",
        "av2",
        "av2",
    )
    assert first.url == "https://www.bilibili.com/video/av2#reply104192624480"
    assert (first.author, first.author_id) == ("小鹿不跑路", "621197713")
    assert first.created_at == "2022-03-02T07:18:27Z"
    assert first.text.endswith("我小时候都在干什么啊[大哭]")
    assert (first.likes, first.replies) == (1, 0)
    assert result.has_more  # 5 of 60971 root comments
