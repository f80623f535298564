"""Tieba thread pages, 楼中楼 fragments and encodings, on pages written here in the real markup.

The shared fixtures hold only a search fragment; the markup below follows real thread pages
(div.l_post with its data-field JSON, .post-tail-wrap, li.l_reply_num) and /p/comment fragments
(li.lzl_single_post, span.lzl_time, li.lzl_li_pager), as recorded by MediaCrawler's test data.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape

import pytest

from crawler.parsers import ParseError, parse
from crawler.parsers.tieba import decode_html

FETCHED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def floor(pid: int, number: int, author: str, html: str, when: str, comments: int = 0, tid: int = 9300000101) -> str:
    field = {
        "author": {"user_id": 1860487002 + number, "user_name": author, "props": None,
                   "portrait": f"tb.1.4c69801{number}.LURMudV1qob?t=1652419350", "user_nickname": author},
        "content": {"post_id": pid, "is_anonym": False, "forum_id": 27927174, "thread_id": tid, "content": html,
                    "isPlus": 0, "post_no": number, "type": "0", "comment_num": comments, "is_fold": 0,
                    "props": None, "post_index": number - 1, "pb_tpoint": None},
    }  # fmt: skip
    return (
        '<div class="l_post l_post_bright j_l_post clearfix  "'
        f' data-field="{escape(json.dumps(field))}" data-pid="{pid}">'
        '<div class="d_author"><ul class="p_author"><li class="d_name">'
        f'<a class="p_author_name j_user_card" href="/home/main?id=tb.1.x&amp;fr=pb">{author}</a></li></ul></div>'
        '<div class="d_post_content_main " data-author="0"><div class="p_content  "><cc>'
        f'<div id="post_content_{pid}" class="d_post_content j_d_post_content " style="display:;">'
        f"            {html}</div>"
        '<br></cc></div><div class="core_reply j_lzl_wrapper"><div class="core_reply_tail clearfix">'
        '<div class="post-tail-wrap"><span>IP属地:福建</span><span class="tail-info">来自<a>Android客户端</a></span>'
        f'<span class="tail-info">{number}楼</span><span class="tail-info">{when}</span></div></div></div></div></div>'
    )


def thread_page(floors: str, replies: int = 3, pages: int = 1, charset: str = "UTF-8") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}">'
        "<title>声链SDK闪退【webrtc吧】_百度贴吧</title></head><body>"
        '<a class="card_title_fname" href="/f?kw=webrtc">webrtc吧</a>'
        '<h3 class="core_title_txt pull-left text-overflow  " title="声链SDK闪退，有大佬遇到过吗">声链SDK闪退</h3>'
        '<ul class="l_posts_num"><li class="l_reply_num"><span class="red" style="margin-right:3px">'
        f'{replies}</span>回复贴，共<span class="red">{pages}</span>页</li></ul>'
        f'<div class="p_postlist" id="j_p_postlist">{floors}</div></body></html>'
    )


FLOORS = floor(
    151200000000, 1, "安卓小菜鸡", "版本 4.2.1，一进房间就崩。<br>降级到 4.1.8 就好了。", "2026-02-28 15:00"
) + floor(151200000007, 2, "老鸟带飞", '等官方修吧<img class="BDE_Smiley" src="x.png">', "2026-02-28 15:50", comments=3)


def test_thread_page_floors() -> None:
    body = thread_page(FLOORS).encode("utf-8")
    result = parse("tieba", body, "https://tieba.baidu.com/p/9300000101", FETCHED)
    assert result.kind == "tieba/thread" and result.skipped == [] and not result.has_more
    opening, reply = result.posts
    assert (opening.source_post_id, opening.kind, opening.parent_id) == ("9300000101", "post", None)
    assert opening.url == "https://tieba.baidu.com/p/9300000101"
    assert opening.title == "声链SDK闪退，有大佬遇到过吗"
    assert opening.text == "版本 4.2.1，一进房间就崩。\n降级到 4.1.8 就好了。"
    assert opening.replies == 3  # the thread's reply count
    assert opening.created_at == "2026-02-28T07:00:00Z"
    assert (opening.author, opening.author_id) == ("安卓小菜鸡", "tb.1.4c698011.LURMudV1qob")
    assert (reply.source_post_id, reply.kind, reply.parent_id, reply.thread_id) == (
        "p151200000007", "comment", "9300000101", "9300000101"
    )  # fmt: skip
    assert reply.url == "https://tieba.baidu.com/p/9300000101?pid=151200000007#151200000007"
    assert reply.text == "等官方修吧" and reply.replies == 3  # its 楼中楼 count
    assert reply.raw["page"]["ip"] == "福建"


def test_thread_page_has_more_until_the_last_page() -> None:
    body = thread_page(FLOORS, replies=45, pages=2).encode("utf-8")
    assert parse("tieba", body, "https://tieba.baidu.com/p/9300000101", FETCHED).has_more
    assert not parse("tieba", body, "https://tieba.baidu.com/p/9300000101?pn=2", FETCHED).has_more


def test_thread_page_under_a_mount_path_and_a_broken_floor() -> None:
    broken = '<div class="l_post l_post_bright j_l_post clearfix  " data-field="{&quot;author&quot;:">x</div>'
    body = thread_page(broken + FLOORS).encode("utf-8")
    result = parse("tieba", body, "http://127.0.0.1:8765/tieba/p/9300000101?pn=1", FETCHED)
    assert [p.url for p in result.posts] == [
        "http://127.0.0.1:8765/tieba/p/9300000101",
        "http://127.0.0.1:8765/tieba/p/9300000101?pid=151200000007#151200000007",
    ]
    assert len(result.skipped) == 1 and "record 0" in result.skipped[0]


def lzl(spid: int, name: str, content: str, when: str, first: bool = False) -> str:
    field = escape(
        json.dumps({"spid": spid, "showname": name, "user_name": name, "portrait": "tb.1.b08d8f12.IR"}), quote=False
    )
    return (
        f"<li class=\"lzl_single_post j_lzl_s_p {'first_no_border' if first else ''}\" data-field='{field}'>"
        f'<a rel="noopener" name="{spid}"></a><div class="lzl_cnt">'
        f'<a class="at j_user_card " href="/home/main?id=tb.1.b08d8f12.IR&ie=utf-8&fr=pb">{name}</a>'
        f':<span class="lzl_content_main" data-username="">{content}        </span>'
        f'<div class="lzl_content_reply"><span class="lzl_time">{when}</span>'
        '<a rel="noopener" href="#" class="lzl_s_r">回复</a></div></div></li>'
    )


AT = '回复 <a href="http://tieba.baidu.com/i/sys/jump?un=x" class="at">安卓小菜鸡</a>'
FRAGMENT = (
    lzl(151200000014, "安卓小菜鸡", "谢谢，我先降级试试", "2026-2-28 16:00", first=True)
    + lzl(151200000028, "老鸟带飞", AT + " :官方有给时间吗？", "2026-2-28 16:50")
    + "<li class=\"lzl_li_pager j_lzl_l_p lzl_li_pager_s\""
    " data-field='{&quot;total_num&quot;:12,&quot;total_page&quot;:2}'>"
    '<p class="j_pager l_pager pager_theme_2"><span class="tP">1</span><a href="#2">2</a></p></li>'
)  # fmt: skip


def test_lzl_fragment_with_its_request_url() -> None:
    url = "https://tieba.baidu.com/p/comment?tid=9300000101&pid=151200000007&pn=1"
    result = parse("tieba", FRAGMENT.encode("utf-8"), url, FETCHED)
    assert result.kind == "tieba/comments" and result.has_more and result.skipped == []
    first, second = result.posts
    assert (first.source_post_id, first.kind, first.thread_id, first.parent_id) == (
        "p151200000014", "comment", "9300000101", "p151200000007"
    )  # fmt: skip
    assert first.url == "https://tieba.baidu.com/p/9300000101?pid=151200000007&cid=151200000014#151200000014"
    assert first.created_at == "2026-02-28T08:00:00Z"
    assert first.text == "谢谢，我先降级试试"
    assert (second.author, second.author_id) == ("老鸟带飞", "tb.1.b08d8f12.IR")
    assert second.text == "回复 安卓小菜鸡 :官方有给时间吗？"
    assert not parse("tieba", FRAGMENT.encode(), url.replace("pn=1", "pn=2"), FETCHED).has_more


def test_lzl_fragment_without_its_url_says_what_is_missing() -> None:
    result = parse("tieba", FRAGMENT.encode("utf-8"), "", FETCHED)
    assert result.posts == [] and len(result.skipped) == 2
    assert "request URL (/p/comment?tid=…&pid=…)" in result.skipped[0]


SEARCH = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>百度贴吧_声链</title></head>'
    '<body><div class="s_post_list"><div class="s_post"><span class="p_title"><a data-tid="9300000327" data-fid="7"'
    ' class="bluelink" href="/p/9300000327?pid=151200000098&amp;cid=0#151200000098">回复：大家都用哪家的音视频SDK？</a>'
    '</span><div class="p_content">我们用的声链，便宜稳定，就是文档差点意思。鿏</div>贴吧：<a class="p_forum"'
    ' href="/f?kw=%D2%F4"><font class="p_violet">音视频开发</font></a>作者：<a href="/home/main?un=%D2%BD"><font'
    ' class="p_violet">医疗IT</font></a> <font class="p_green p_date">2026-03-02 08:40</font></div></div>'
    '<div class="pager pager-search"><a class="next" href="/f/search/res?qw=x&amp;pn=2">下一页&gt;</a></div>'
    "</body></html>"
)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_search_page_and_reply_hits(encoding: str) -> None:
    body = SEARCH.replace("鿏", "" if encoding == "gbk" else "鿏").encode(encoding)
    result = parse("tieba", body, "https://tieba.baidu.com/f/search/res?ie=utf-8&qw=声链&pn=1", FETCHED)
    assert result.kind == "tieba/search" and result.has_more
    (hit,) = result.posts
    assert (hit.source_post_id, hit.kind, hit.thread_id, hit.parent_id) == (
        "p151200000098", "comment", "9300000327", "9300000327"
    )  # fmt: skip
    assert hit.title == "大家都用哪家的音视频SDK？"  # without "回复："
    assert hit.url == "https://tieba.baidu.com/p/9300000327?pid=151200000098#151200000098"
    assert hit.text.startswith("我们用的声链，便宜稳定") and (hit.author, hit.created_at) == (
        "医疗IT",
        "2026-03-02T00:40:00Z",
    )
    if encoding == "gb18030":
        assert hit.text.endswith("鿏")  # a character GBK lacks, decoded by its superset


def test_decoding_without_a_declared_charset() -> None:
    page = "<div class='s_post'>声链闪退</div>"
    assert decode_html(page.encode("utf-8")) == page  # valid UTF-8 stays UTF-8
    assert decode_html(page.encode("gbk")) == page  # else GB18030
    assert decode_html(b"\xef\xbb\xbf" + page.encode("utf-8")) == page  # a BOM decides
    declared = '<meta charset="gbk"><p>声链</p>'
    assert decode_html(declared.encode("gbk")) == declared


def test_security_check_and_other_pages() -> None:
    captcha = "<html><head><title>百度安全验证</title></head><body>网络不给力，请稍后重试</body></html>"
    with pytest.raises(ParseError, match=r"security check.*百度安全验证"):
        parse("tieba", captcha.encode("utf-8"), "https://tieba.baidu.com/p/1", FETCHED)
    with pytest.raises(ParseError, match=r'HTML page \("贴吧404"\) that is not a Tieba'):
        parse("tieba", "<html><head><title>贴吧404</title></head></html>".encode(), "https://tieba.baidu.com/p/1")
    with pytest.raises(ParseError, match="not an HTML page"):
        parse("tieba", b'{"no": 1}')


def test_search_page_with_no_hits_is_empty() -> None:
    page = '<html><head><meta charset="gbk"></head><body><div class="s_main">抱歉，没有找到与“声链”相关的结果。'
    page += "</div></body></html>"
    result = parse("tieba", page.encode("gbk"), "https://tieba.baidu.com/f/search/res?qw=声链", FETCHED)
    assert (result.kind, result.posts, result.has_more) == ("tieba/search", [], False)
