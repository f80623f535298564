"""Baidu Tieba under /tieba: keyword search (GBK), thread pages and 楼中楼 fragments (UTF-8).

    /tieba/f/search/res?ie=utf-8&qw=<kw>&rn=20&pn=N   div.s_post hits, newest first: a thread whose
                                                       first floor names the keyword, or "回复：title"
                                                       for any other floor; "下一页" while more pages
    /tieba/p/{tid}?pn=N | ?pid=P                       30 floors a page (div.l_post, data-field JSON);
                                                       pid opens the page holding that floor
    /tieba/p/comment?tid=&pid=&pn=N                    10 楼中楼 replies a page and the page count

The markup follows the real pages (see crawler/parsers/tieba.py); an unknown thread is Tieba's
404 page. Times are Beijing time, as Tieba prints them.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from crawler.parsers.cn_time import CHINA
from lingting.demo_site.chinese_content import ChineseContent, Floor, LzlReply, TiebaThread
from lingting.demo_site.content import escape_html, plain_excerpt, stable_int
from lingting.demo_site.responses import Response

SEARCH_PAGE_SIZE = 20
FLOORS_PER_PAGE = 30
REPLIES_PER_PAGE = 10
GBK_HTML = "text/html; charset=GBK"
UTF8_HTML = "text/html; charset=UTF-8"
PROVINCES = ("广东", "浙江", "北京", "上海", "江苏", "四川", "湖北", "福建")


def portrait(name: str) -> str:
    return f"tb.1.{stable_int(name, 16**8):08x}.{stable_int(name + '/p', 16**12):012x}"


def user_id(name: str) -> int:
    return stable_int(name, 4_000_000_000, 100_000)


def _gbk_quote(text: str) -> str:
    return quote(text.encode("gb18030"))


def _date(moment: datetime) -> str:
    return f"{moment.astimezone(CHINA):%Y-%m-%d %H:%M}"


def _lzl_date(moment: datetime) -> str:
    local = moment.astimezone(CHINA)
    return f"{local.year}-{local.month}-{local.day} {local.hour}:{local.minute:02d}"


def _attr(value: Any) -> str:
    """A data-field attribute value: JSON with \\u escapes, HTML-escaped for a double-quoted attribute."""
    return escape_html(json.dumps(value, separators=(",", ":")))


def _post_html(text: str) -> str:
    return escape_html(text).replace("\n", "<br>")


def _int(value: str | None, default: int) -> int:
    try:
        return max(int(value or default), 1)
    except ValueError:
        return default


class TiebaSite:
    def __init__(self, content: ChineseContent) -> None:
        self.content = content
        self.threads = {thread.tid: thread for thread in content.tieba}

    # -- search ---------------------------------------------------------------------------------

    def search(self, base_url: str, params: dict[str, str]) -> Response:
        keyword = params.get("qw", "").strip()
        size = min(_int(params.get("rn"), SEARCH_PAGE_SIZE), 50)
        page = _int(params.get("pn"), 1)
        hits = [
            (thread, floor)
            for thread in self.content.tieba
            for floor in thread.floors
            if keyword and keyword.lower() in (floor.text + (thread.title if floor.number == 1 else "")).lower()
        ]
        hits.sort(key=lambda hit: hit[1].created, reverse=True)
        shown = hits[(page - 1) * size : page * size]
        items = "".join(self._hit(base_url, thread, floor) for thread, floor in shown)
        pager = ""
        if page * size < len(hits):
            nxt = urlencode({"ie": "utf-8", "qw": keyword, "rn": size, "pn": page + 1})
            pager = f'<a class="next" href="/tieba/f/search/res?{escape_html(nxt)}">下一页&gt;</a>'
        empty = "" if hits else f'<div class="s_empty">抱歉，没有找到与“{escape_html(keyword)}”相关的结果。</div>'
        body = (
            "<!DOCTYPE html>\n<html><head>"
            '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'
            f"<title>百度贴吧_{escape_html(keyword)}</title></head>\n<body>"
            f'<div class="s_main">{empty}<div class="s_post_list">\n{items}</div>\n'
            f'<div class="pager pager-search">{pager}</div></div></body></html>\n'
        )
        return Response(200, GBK_HTML, body.encode("gbk", errors="xmlcharrefreplace"))

    def _hit(self, base_url: str, thread: TiebaThread, floor: Floor) -> str:
        title = thread.title if floor.number == 1 else f"回复：{thread.title}"
        return (
            f'<div class="s_post"><span class="p_title"><a data-tid="{thread.tid}" data-fid="{thread.fid}"'
            f' class="bluelink" href="/tieba/p/{thread.tid}?pid={floor.pid}&amp;cid=0#{floor.pid}"'
            f' target="_blank">{escape_html(title)}</a></span>\n'
            f'<div class="p_content">{escape_html(plain_excerpt(floor.text, 120))}</div>\n'
            f'贴吧：<a data-fid="{thread.fid}" class="p_forum" href="/tieba/f?kw={_gbk_quote(thread.forum)}"'
            f' target="_blank"><font class="p_violet">{escape_html(thread.forum)}</font></a>作者：<a'
            f' href="/tieba/home/main?un={_gbk_quote(floor.author)}" target="_blank"><font class="p_violet">'
            f"{escape_html(floor.author)}</font></a> "
            f'<font class="p_green p_date">{_date(floor.created)}</font></div>\n'
        )

    # -- thread pages ---------------------------------------------------------------------------

    def thread(self, base_url: str, tid: str, params: dict[str, str]) -> Response:
        thread = self.threads.get(int(tid)) if tid.isdigit() else None
        if thread is None:
            body = "<!DOCTYPE html><html><head><meta charset=\"UTF-8\"><title>贴吧404</title></head>" \
                   "<body><p>很抱歉，该贴已被删除。</p></body></html>"  # fmt: skip
            return Response(404, UTF8_HTML, body.encode("utf-8"))
        pages = max(math.ceil(len(thread.floors) / FLOORS_PER_PAGE), 1)
        page = min(_int(params.get("pn"), 1), pages)
        pid = params.get("pid", "")
        for index, floor in enumerate(thread.floors):
            if str(floor.pid) == pid:
                page = index // FLOORS_PER_PAGE + 1
        floors = thread.floors[(page - 1) * FLOORS_PER_PAGE : page * FLOORS_PER_PAGE]
        title, forum = escape_html(thread.title), escape_html(thread.forum)
        posts = "".join(self._floor(thread, floor, index) for index, floor in enumerate(floors))
        body = (
            '<!DOCTYPE html>\n<html><head><meta charset="UTF-8">'
            f'<meta name="description" content="{escape_html(plain_excerpt(thread.floors[0].text, 60))}">'
            f"<title>{title}【{forum}吧】_百度贴吧</title></head>\n<body>"
            '<div class="card_title"><a class="card_title_fname"'
            f' href="/tieba/f?kw={quote(thread.forum)}&amp;ie=utf-8">{forum}吧</a></div>\n'
            '<div class="core_title_wrap_bright"><h3 class="core_title_txt pull-left text-overflow  "'
            f' title="{title}">{title}</h3></div>\n'
            '<div class="p_thread thread_theme_5" id="thread_theme_5"><div class="l_thread_info">'
            '<ul class="l_posts_num">'
            f'<li class="l_reply_num" style="margin-left:8px"><span class="red" style="margin-right:3px">'
            f'{len(thread.floors) - 1}</span>回复贴，共<span class="red">{pages}</span>页</li></ul></div></div>\n'
            f'<div class="p_postlist" id="j_p_postlist">\n{posts}</div>\n</body></html>\n'
        )
        return Response(200, UTF8_HTML, body.encode("utf-8"))

    def _floor(self, thread: TiebaThread, floor: Floor, index: int) -> str:
        html = _post_html(floor.text)
        field = {
            "author": {
                "user_id": user_id(floor.author),
                "user_name": floor.author,
                "props": None,
                "portrait": f"{portrait(floor.author)}?t={stable_int(floor.author, 10**9, 1_600_000_000)}",
                "user_nickname": floor.author,
            },
            "content": {
                "post_id": floor.pid,
                "is_anonym": False,
                "forum_id": thread.fid,
                "thread_id": thread.tid,
                "content": html,
                "isPlus": 0,
                "builderId": user_id(thread.floors[0].author),
                "post_no": floor.number,
                "type": "0",
                "comment_num": len(floor.replies),
                "is_fold": 0,
                "props": None,
                "post_index": index,
                "pb_tpoint": None,
            },
        }
        card = _attr({"un": floor.author, "id": portrait(floor.author)})
        lzl = _attr({"pid": floor.pid, "total_num": len(floor.replies)})
        province = PROVINCES[stable_int(floor.author, len(PROVINCES))]
        return (
            f'<div class="l_post l_post_bright j_l_post clearfix  " data-field="{_attr(field)}" data-pid="{floor.pid}">'
            '<div class="d_author"><ul class="p_author">'
            f'<li class="d_name" data-field="{_attr({"user_id": user_id(floor.author)})}">'
            f'<a data-field="{card}" alog-group="p_author" class="p_author_name j_user_card"'
            f' href="/tieba/home/main?id={portrait(floor.author)}&amp;fr=pb" target="_blank">'
            f"{escape_html(floor.author)}</a></li></ul></div>"
            '<div class="d_post_content_main " data-author="0"><div class="p_content  "><cc>'
            f'<div id="post_content_{floor.pid}" class="d_post_content j_d_post_content " style="display:;">'
            f"            {html}</div><br></cc></div>"
            '<div class="core_reply j_lzl_wrapper"><div class="core_reply_tail clearfix"><div class="post-tail-wrap">'
            f'<span>IP属地:{province}</span><span class="tail-info">{floor.number}楼</span>'
            f'<span class="tail-info">{_date(floor.created)}</span>'
            f'<div class="j_lzl_r p_reply" data-field="{lzl}"><a rel="noopener" href="#" class="lzl_link_unfold">'
            f"回复({len(floor.replies)})</a></div></div></div>"
            '<div class="j_lzl_container core_reply_wrapper hideLzl"></div></div></div></div>\n'
        )

    # -- 楼中楼 -----------------------------------------------------------------------------------

    def comments(self, params: dict[str, str]) -> Response:
        tid, pid = params.get("tid", ""), params.get("pid", "")
        thread = self.threads.get(int(tid)) if tid.isdigit() else None
        floor = next((f for f in thread.floors if str(f.pid) == pid), None) if thread else None
        replies = floor.replies if floor is not None else ()
        pages = math.ceil(len(replies) / REPLIES_PER_PAGE)
        page = _int(params.get("pn"), 1)
        shown = replies[(page - 1) * REPLIES_PER_PAGE : page * REPLIES_PER_PAGE]
        items = "".join(self._reply(reply, first=index == 0) for index, reply in enumerate(shown))
        pager = _attr({"total_num": len(replies), "total_page": pages})
        body = (
            f'{items}<li class="lzl_li_pager j_lzl_l_p lzl_li_pager_s" data-field="{pager}">'
            '<a rel="noopener" class="j_lzl_p btn-sub btn-small pull-right" href="##">我也说一句</a></li>\n'
        )
        return Response(200, UTF8_HTML, body.encode("utf-8"))

    def _reply(self, reply: LzlReply, *, first: bool) -> str:
        name = escape_html(reply.author)
        card = _attr({"un": reply.author, "id": portrait(reply.author)})
        text = escape_html(reply.text)
        if reply.reply_to:
            target = escape_html(reply.reply_to)
            text = (
                f'回复 <a href="http://tieba.baidu.com/i/sys/jump?un={_gbk_quote(reply.reply_to)}" username="{target}"'
                f' portrait="{portrait(reply.reply_to)}" target="_blank" class="at">{target}</a> :{text}'
            )
        field = {"spid": reply.pid, "showname": reply.author, "user_name": reply.author}
        field["portrait"] = portrait(reply.author)
        return (
            f'<li class="lzl_single_post j_lzl_s_p {"first_no_border" if first else ""}" data-field="{_attr(field)}">\n'
            f'<a rel="noopener" name="{reply.pid}"></a>\n'
            f'<a rel="noopener" data-field="{card}" target="_blank" class="j_user_card lzl_p_p"'
            f' href="/tieba/home/main?id={portrait(reply.author)}&amp;fr=pb" username="{name}"></a>\n'
            f'<div class="lzl_cnt" data-field="{_attr({"iconArr": [], "free_flag": None})}">'
            f'<a rel="noopener" class="at j_user_card " data-field="{card}" target="_blank"'
            f' username="{name}">{name}</a>'
            f'\n:<span class="lzl_content_main" data-username="">{text}</span>\n'
            '<div class="lzl_content_reply"><span class="lzl_jb" style="display:none;"></span>'
            f'<span class="lzl_time">{_lzl_date(reply.created)}</span>'
            '<a rel="noopener" href="#" class="lzl_s_r">回复</a></div></div>\n</li>\n'
        )
