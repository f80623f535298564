"""The demo site's native Weibo, Tieba and Bilibili: real HTTP on 127.0.0.1, the real sites' answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

from crawler.bilibili_wbi import WbiKeys, signed_query
from lingting.demo_site import DemoSite
from lingting.demo_site.bilibili import demo_keys
from lingting.demo_site.chinese_content import load_chinese_content, mid_to_bid
from lingting.demo_site.content import load_content
from lingting.demo_site.routes import Router
from lingting.demo_site.weibo_api import DEMO_SUB, weibo_time
from tests.lingting.demo_site_support import ANCHOR, in_window

COOKIE = {"Cookie": f"SUB={DEMO_SUB}; _T_WM=1"}
SEARCH = "/weibo/api/container/getIndex?" + urlencode({"containerid": "100103type=61&q=声链", "page_type": "searchall"})


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite(anchor=ANCHOR) as running:
        yield running


def get(site: DemoSite, path: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    try:
        with urlopen(Request(site.base_url + path, headers=headers or {}), timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def get_json(site: DemoSite, path: str, headers: dict[str, str] | None = None) -> Any:
    return json.loads(get(site, path, headers)[2])


# --- content --------------------------------------------------------------------------------------


def test_content_is_recent_and_numbered_in_creation_order() -> None:
    content = load_chinese_content(ANCHOR)
    statuses = content.weibo
    assert [s.mid for s in statuses] == sorted(s.mid for s in statuses)
    assert all(in_window(s.created) or s.created == ANCHOR for s in statuses)
    floors = [(f.created, f.pid) for t in content.tieba for f in t.floors]
    replies = [(r.created, r.pid) for t in content.tieba for f in t.floors for r in f.replies]
    assert [pid for _, pid in sorted(floors + replies)] == sorted(pid for _, pid in floors + replies)
    comments = [(c.created, c.rpid) for v in content.bilibili for c in v.comments]
    comments += [(r.created, r.rpid) for v in content.bilibili for c in v.comments for r in c.replies]
    assert [rpid for _, rpid in sorted(comments)] == sorted(rpid for _, rpid in comments)
    assert any(s.retweet_of for s in statuses) and any(s.long_text for s in statuses)
    assert any(f.replies for t in content.tieba for f in t.floors)
    assert any(len(c.replies) > 3 for v in content.bilibili for c in v.comments)


def test_mid_to_bid_is_weibos_base62() -> None:
    # Pairs from the recorded timeline (weibo/getIndex_user_weibo_container_1076035529945701_page2.json).
    assert mid_to_bid(4387933362623405) == "HATy0b0sZ"
    assert mid_to_bid(4394384827138748) == "HDBnAtX76"


@pytest.mark.parametrize(
    ("age", "shown"),
    [
        (timedelta(seconds=30), "刚刚"),
        (timedelta(minutes=5), "5分钟前"),
        (timedelta(hours=23, minutes=59), "23小时前"),
        (timedelta(hours=25), "昨天 16:00"),  # the anchor is 17:00 in Beijing
        (timedelta(days=3), "02-27"),
        (timedelta(days=400), "2025-01-26"),
    ],
)
def test_weibo_time_as_weibo_shows_it(age: timedelta, shown: str) -> None:
    assert weibo_time(ANCHOR - age, ANCHOR) == shown


# --- Weibo ----------------------------------------------------------------------------------------


def test_weibo_wants_its_cookie(site: DemoSite) -> None:
    for headers in (None, {"Cookie": "SUB=expired"}, {"Cookie": "=;;bad"}):
        answer = get_json(site, SEARCH + "&page=1", headers)
        assert answer["ok"] == -100 and answer["url"].startswith("https://passport.weibo.cn/signin/welcome?")
    assert get_json(site, "/weibo/statuses/extend?id=1")["ok"] == -100


def test_weibo_search_pages(site: DemoSite) -> None:
    status, content_type, body = get(site, SEARCH + "&page=1", COOKIE)
    assert status == 200 and content_type == "application/json; charset=utf-8"
    first = json.loads(body)["data"]
    assert first["cardlistInfo"]["page"] == 2 and first["cardlistInfo"]["total"] == 11
    group = first["cards"][0]
    assert group["card_type"] == 11 and [c["card_type"] for c in group["card_group"]] == [9, 9, 10]
    mblogs = [c["mblog"] for c in group["card_group"] if "mblog" in c] + [c["mblog"] for c in first["cards"][1:]]
    assert len(mblogs) == 10 and mblogs[0]["created_at"] == "刚刚"
    assert all({"id", "bid", "user", "created_at", "attitudes_count", "isLongText"} <= m.keys() for m in mblogs)
    repost = next(m for m in mblogs if "retweeted_status" in m)
    assert "同样遇到" in repost["text"] and "录制文件全部缺失" in repost["retweeted_status"]["text"]
    assert "retweeted_status" not in repost["retweeted_status"]
    last = get_json(site, SEARCH + "&page=2", COOKIE)["data"]
    assert last["cardlistInfo"]["page"] is None and len(last["cards"]) == 1
    assert get_json(site, SEARCH + "&page=3", COOKIE) == {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}


def test_weibo_long_text(site: DemoSite) -> None:
    mblogs = [c.get("mblog") for c in get_json(site, SEARCH + "&page=1", COOKIE)["data"]["cards"]]
    long = next(m for m in mblogs if m and m["isLongText"])
    assert long["text"].endswith(f'<a href="/status/{long["id"]}">全文</a>')
    extended = get_json(site, f"/weibo/statuses/extend?id={long['id']}", COOKIE)
    assert extended["ok"] == 1 and "已读回执" in extended["data"]["longTextContent"]
    assert get_json(site, "/weibo/statuses/extend?id=42", COOKIE)["ok"] == 0


# --- Tieba ----------------------------------------------------------------------------------------


def test_tieba_search_is_gbk(site: DemoSite) -> None:
    query = urlencode({"ie": "utf-8", "qw": "声链", "rn": 20, "pn": 1})
    status, content_type, body = get(site, f"/tieba/f/search/res?{query}")
    assert status == 200 and content_type == "text/html; charset=GBK"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    page = body.decode("gbk")
    assert 'charset=gbk"' in page and page.count('<div class="s_post">') == 7 and "回复：" in page
    small = get(site, "/tieba/f/search/res?" + urlencode({"qw": "声链", "rn": 5, "pn": 1}))[2].decode("gbk")
    assert small.count('<div class="s_post">') == 5 and 'class="next"' in small


def test_tieba_thread_pages_and_lzl(site: DemoSite) -> None:
    thread = load_chinese_content(ANCHOR).tieba[0]
    status, content_type, body = get(site, f"/tieba/p/{thread.tid}")
    assert status == 200 and content_type == "text/html; charset=UTF-8"
    page = body.decode("utf-8")
    assert page.count('class="l_post l_post_bright j_l_post clearfix  "') == len(thread.floors)
    assert f'title="{thread.title}"' in page and "&quot;post_no&quot;:1" in page
    floor = next(f for f in thread.floors if f.replies)
    assert get(site, f"/tieba/p/{thread.tid}?pid={floor.pid}")[2] == body  # the page that holds it
    fragment = get(site, f"/tieba/p/comment?tid={thread.tid}&pid={floor.pid}&pn=1")[2].decode("utf-8")
    assert fragment.count("lzl_single_post") == len(floor.replies) and "lzl_li_pager" in fragment
    assert "&quot;total_page&quot;:1" in fragment
    status, _, missing = get(site, "/tieba/p/1")
    assert status == 404 and "贴吧404" in missing.decode("utf-8")


# --- Bilibili -------------------------------------------------------------------------------------


def search_path(keys: WbiKeys, **params: Any) -> str:
    return "/bilibili/x/web-interface/wbi/search/type?" + signed_query(params, keys, 1772442000)


def test_bilibili_nav_hands_out_the_days_keys(site: DemoSite) -> None:
    nav = get_json(site, "/bilibili/x/web-interface/nav")
    assert nav["code"] == -101 and nav["data"]["isLogin"] is False
    keys = demo_keys(ANCHOR)
    assert nav["data"]["wbi_img"]["img_url"].endswith(f"/{keys.img_key}.png")
    assert demo_keys(ANCHOR + timedelta(days=1)) != keys


def test_bilibili_search_needs_a_valid_signature(site: DemoSite) -> None:
    params = {"search_type": "video", "keyword": "声链", "page": 1, "order": "pubdate"}
    for path in (
        "/bilibili/x/web-interface/wbi/search/type?" + urlencode(params),
        search_path(WbiKeys("0" * 32, "1" * 32), **params),
        search_path(demo_keys(ANCHOR), **params).replace("page=1", "page=2"),
    ):
        refused = get_json(site, path)
        assert refused["code"] == 0 and refused["data"]["v_voucher"].startswith("voucher_")
    answer = get_json(site, search_path(demo_keys(ANCHOR), **params))
    assert answer["code"] == 0 and answer["data"]["numResults"] == 3
    videos = answer["data"]["result"]
    assert [v["pubdate"] for v in videos] == sorted((v["pubdate"] for v in videos), reverse=True)
    assert all('<em class="keyword">声链</em>' in v["title"] for v in videos)


def test_bilibili_comments_and_sub_replies(site: DemoSite) -> None:
    video = load_chinese_content(ANCHOR).bilibili[0]
    answer = get_json(site, f"/bilibili/x/v2/reply?type=1&oid={video.aid}&sort=0&pn=1")["data"]
    roots = answer["replies"]
    assert answer["page"] == {"num": 1, "size": 20, "count": 3, "acount": video.comment_count}
    assert [r["ctime"] for r in roots] == sorted((r["ctime"] for r in roots), reverse=True)
    busy = next(r for r in roots if r["rcount"] > len(r["replies"]))
    assert len(busy["replies"]) == 3 and all(s["root"] == busy["rpid"] for s in busy["replies"])
    subs = get_json(site, f"/bilibili/x/v2/reply/reply?type=1&oid={video.aid}&root={busy['rpid']}&pn=1")["data"]
    assert len(subs["replies"]) == busy["rcount"] and subs["root"]["rpid"] == busy["rpid"]
    assert get_json(site, "/bilibili/x/v2/reply?type=1&oid=7&sort=0&pn=1")["code"] == -404
    assert get_json(site, f"/bilibili/x/v2/reply/reply?type=1&oid={video.aid}&root=7&pn=1")["code"] == -404


# --- determinism ----------------------------------------------------------------------------------


def test_same_anchor_same_bytes() -> None:
    keys = demo_keys(ANCHOR)
    paths = [
        (SEARCH + "&page=1", COOKIE),
        ("/tieba/f/search/res?qw=%E5%A3%B0%E9%93%BE", None),
        ("/tieba/p/9300000101", None),
        (search_path(keys, search_type="video", keyword="声链", page=1), None),
        ("/bilibili/x/v2/reply?type=1&oid=1150100001&sort=0&pn=1", None),
    ]
    one, two = Router(load_content(ANCHOR)), Router(load_content(ANCHOR))
    later = Router(load_content(ANCHOR + timedelta(hours=1)))
    for path, headers in paths:
        assert one.handle("http://127.0.0.1:1", path, headers) == two.handle("http://127.0.0.1:1", path, headers)
    assert one.handle("http://x", SEARCH, COOKIE) != later.handle("http://x", SEARCH, COOKIE)
