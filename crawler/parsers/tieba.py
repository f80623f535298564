"""Baidu Tieba pages: keyword search, thread pages (floors) and 楼中楼 (replies under a floor).

    /f/search/res?ie=utf-8&qw=<kw>&rn=20&pn=N   div.s_post hits: a thread ("标题") or a reply in
                                                 one ("回复：标题"); served as GBK
    /p/{tid}?pn=N                                div.l_post floors, each with a data-field JSON
                                                 (author, post_id, post_no, comment_num)
    /p/comment?tid=&pid=&pn=N                    an HTML fragment of li.lzl_single_post replies
                                                 and the li.lzl_li_pager page count

Ids: a thread (and its first floor) is the thread id "{tid}"; any other floor and every 楼中楼
reply is "p{post id}" (floors and replies share one numbering). Pages are decoded by the charset
they declare (GBK means GB18030, its superset), else as UTF-8 when they are valid UTF-8, else as
GB18030. Times are China Standard Time. The 楼中楼 fragment names neither thread nor floor: they
come from the request URL.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from parsel import Selector
from w3lib.encoding import html_to_unicode

from crawler.items import PostItem
from crawler.parsers.cn_time import iso_china_time
from crawler.parsers.common import (
    ParseError,
    ParseResult,
    PostCollector,
    RecordError,
    check_not_empty,
    html_selector,
    html_to_text,
    iso_now,
    looks_like_xml,
    opt_int,
    opt_str,
)

SOURCE = "tieba"
DEFAULT_BASE = "https://tieba.baidu.com"
_MOUNT = re.compile(r"/(?:f/search|f|p|home)(?:[/?]|$)")
_TID = re.compile(r"/p/(\d+)")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_TITLE_SUFFIX = re.compile(r"【[^【】]*吧】_百度贴吧$|_百度贴吧$")
_REPLY_PREFIX = re.compile(r"^回复[：:]\s*")
_FLOORS = "//div[contains(concat(' ', normalize-space(@class), ' '), ' l_post ')][@data-field]"
_CHALLENGES = ("百度安全验证", "安全验证")


@dataclass(frozen=True)
class _Context:
    base: str
    fetched: datetime
    fetched_at: str
    tid: str | None
    pid: str | None
    page: int

    def thread_url(self, tid: str) -> str:
        return f"{self.base}/p/{tid}"

    def floor_url(self, tid: str, pid: str) -> str:
        return f"{self.base}/p/{tid}?pid={pid}#{pid}"


def decode_html(body: bytes) -> str:
    """The page as text: by its BOM or declared charset, else UTF-8 if it is valid UTF-8, else GB18030."""

    def guess(raw: bytes) -> str:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return "gb18030"
        return "utf-8"

    return html_to_unicode(None, body, default_encoding="gb18030", auto_detect_fun=guess)[1]


def parse(body: bytes, url: str, fetched_at: datetime) -> ParseResult:
    check_not_empty(body)
    text = decode_html(body)
    context = _context(url, fetched_at)
    selector = html_selector(text)
    title = " ".join(selector.css("title::text").getall()).strip()
    if any(word in title for word in _CHALLENGES):
        raise ParseError(
            f'Baidu\'s security check ("{title}") stopped the crawler: slow down (min_delay_seconds) or set a'
            " logged-in cookie (cookie_env) / 触发百度安全验证：请降低抓取频率或配置登录 Cookie"
        )
    if selector.css("div.s_post") or "s_post_list" in text or "/f/search" in urlsplit(url).path:
        return _search(selector, context)
    if selector.xpath(_FLOORS):
        return _thread(selector, context)
    if selector.css("li.lzl_single_post, li.lzl_li_pager") or urlsplit(url).path.endswith("/p/comment"):
        return _replies(selector, context)
    if not looks_like_xml(body):
        raise ParseError("not an HTML page: a Tieba page was expected / 响应不是网页，应为贴吧页面")
    shown, shown_zh = (f' ("{title[:80]}")', f"（“{title[:80]}”）") if title else ("", "")
    raise ParseError(
        f"got an HTML page{shown} that is not a Tieba search, thread or reply page"
        f" / 收到的是网页{shown_zh}，不是贴吧的搜索页、帖子页或楼中楼"
    )


def _context(url: str, fetched_at: datetime) -> _Context:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    mount = _MOUNT.search(parts.path)
    base = f"{parts.scheme}://{parts.netloc}{parts.path[: mount.start()] if mount else ''}" if parts.netloc else ""
    path_tid = _TID.search(parts.path)
    tid = _first_digits(query.get("tid")) or (path_tid.group(1) if path_tid else None)
    return _Context(
        base=base.rstrip("/") or DEFAULT_BASE,
        fetched=fetched_at,
        fetched_at=iso_now(fetched_at),
        tid=tid,
        pid=_first_digits(query.get("pid")),
        page=max(opt_int(_first_digits(query.get("pn"))) or 1, 1),
    )


def _first_digits(values: list[str] | None) -> str | None:
    return next((v for v in values or [] if v.isdigit()), None)


def _text_of(selector: Selector, css: str) -> str:
    return html_to_text(selector.css(css).get())


# ---------------------------------------------------------------------------- search


def _search(selector: Selector, context: _Context) -> ParseResult:
    records = []
    for hit in selector.css("div.s_post"):
        link = hit.css("span.p_title a")
        href = link.attrib.get("href", "") if link else ""
        found_tid = _TID.search(href)
        records.append(
            {
                "tid": (link.attrib.get("data-tid") if link else None) or (found_tid.group(1) if found_tid else None),
                "pid": _first_digits(parse_qs(urlsplit(href).query).get("pid")),
                "fid": link.attrib.get("data-fid") if link else None,
                "title": html_to_text(link.get()) if link else "",
                "content": _text_of(hit, "div.p_content"),
                "forum": _text_of(hit, "a.p_forum"),
                "author": _text_of(hit, "a[href*='/home/main']"),
                "date": " ".join(hit.css(".p_date::text").getall()).strip(),
            }
        )
    collector = PostCollector()
    collector.collect(records, lambda record: _search_hit(record, context))
    # The pager's "下一页" link is there while more pages are.
    has_more = bool(selector.css("div.pager a.next, a.next.pagination-item"))
    return collector.result("tieba/search", has_more=has_more)


def _search_hit(record: dict[str, Any], context: _Context) -> PostItem:
    tid = opt_str(record.get("tid"))
    if tid is None or not tid.isdigit():
        raise RecordError("search hit without a thread id")
    title = str(record.get("title") or "")
    is_reply = bool(_REPLY_PREFIX.match(title)) and record.get("pid")
    thread_title = _REPLY_PREFIX.sub("", title) or None
    pid = str(record.get("pid") or "")
    return PostItem(
        source=SOURCE,
        source_post_id=f"p{pid}" if is_reply else tid,
        url=context.floor_url(tid, pid) if is_reply else context.thread_url(tid),
        kind="comment" if is_reply else "post",
        thread_id=tid,
        parent_id=tid if is_reply else None,
        title=thread_title,
        text=str(record.get("content") or ""),
        author=opt_str(record.get("author")),
        created_at=iso_china_time(opt_str(record.get("date")), context.fetched),
        fetched_at=context.fetched_at,
        raw=record,
    )


# ---------------------------------------------------------------------------- thread pages


def _thread_title(selector: Selector) -> str | None:
    for css in ("h3.core_title_txt::attr(title)", "h1.core_title_txt::attr(title)", ".core_title_txt::text"):
        value = (selector.css(css).get() or "").strip()
        if value:
            return value
    page_title = " ".join(selector.css("title::text").getall()).strip()
    return _TITLE_SUFFIX.sub("", page_title).strip() or None


def _thread(selector: Selector, context: _Context) -> ParseResult:
    title = _thread_title(selector)
    forum = (selector.css("a.card_title_fname::text").get() or "").strip() or None
    counts = [opt_int(value.strip()) for value in selector.css("li.l_reply_num span.red::text").getall()]
    reply_count = counts[0] if counts else None
    pages = counts[1] if len(counts) > 1 else None
    records = []
    for floor in selector.xpath(_FLOORS):
        try:
            field = json.loads(floor.attrib["data-field"])
        except ValueError:
            field = None
        if not isinstance(field, dict) or not isinstance(field.get("content"), dict):
            records.append(field)  # the collector names it as unreadable
            continue
        pid = opt_str(field["content"].get("post_id"))
        tail = [t.strip() for t in floor.css(".post-tail-wrap span::text").getall()]
        record = dict(field)
        record["page"] = {
            "text_html": floor.css(f"#post_content_{pid}").get() if pid and pid.isdigit() else None,
            "time": next((m.group(0) for t in reversed(tail) if (m := _DATE.search(t))), None),
            "ip": next((t.split(":", 1)[1].strip() for t in tail if t.startswith("IP属地")), None),
            "title": title,
            "forum": forum,
        }
        records.append(record)
    collector = PostCollector()
    collector.collect(records, lambda record: _floor(record, context, reply_count))
    has_more = pages is not None and context.page < pages
    return collector.result("tieba/thread", has_more=has_more)


def _portrait(value: Any) -> str | None:
    # The avatar id ("tb.1.4c698014.LURM...") identifies a user on floors and in 楼中楼 alike.
    text = opt_str(value)
    return text.split("?", 1)[0] if text else None


def _floor(record: dict[str, Any], context: _Context, reply_count: int | None) -> PostItem:
    content, page = record["content"], record["page"]
    author = _object(record.get("author"))
    pid = opt_str(content.get("post_id"))
    tid = opt_str(content.get("thread_id")) or context.tid
    if not pid or not pid.isdigit():
        raise RecordError("floor without a post_id")
    if not tid or not tid.isdigit():
        raise RecordError(f"floor {pid} without a thread id (neither in the page nor in the URL)")
    opening = opt_int(content.get("post_no")) == 1
    html = page.get("text_html") or opt_str(content.get("content"))
    return PostItem(
        source=SOURCE,
        source_post_id=tid if opening else f"p{pid}",
        url=context.thread_url(tid) if opening else context.floor_url(tid, pid),
        kind="post" if opening else "comment",
        thread_id=tid,
        parent_id=None if opening else tid,
        title=page.get("title"),
        text=html_to_text(html),
        author=opt_str(author.get("user_nickname")) or opt_str(author.get("user_name")),
        author_id=_portrait(author.get("portrait")) or opt_str(author.get("user_id")),
        created_at=iso_china_time(page.get("time") or opt_str(content.get("date")), context.fetched),
        replies=reply_count if opening else opt_int(content.get("comment_num")),
        fetched_at=context.fetched_at,
        raw=record,
    )


# ---------------------------------------------------------------------------- 楼中楼


def _replies(selector: Selector, context: _Context) -> ParseResult:
    records: list[Any] = []
    for item in selector.css("li.lzl_single_post"):
        try:
            field = json.loads(item.attrib.get("data-field") or "")
        except ValueError:
            field = None
        if not isinstance(field, dict):
            records.append(field)
            continue
        records.append(
            {
                **field,
                "text": _text_of(item, "span.lzl_content_main"),
                "time": " ".join(item.css("span.lzl_time::text").getall()).strip(),
            }
        )
    collector = PostCollector()
    collector.collect(records, lambda record: _reply(record, context))
    pages = None
    pager = selector.css("li.lzl_li_pager")
    if pager:
        try:
            pages = opt_int(json.loads(pager.attrib.get("data-field") or "{}").get("total_page"))
        except (ValueError, AttributeError):
            pages = None
    has_more = pages is not None and context.page < pages
    return collector.result("tieba/comments", has_more=has_more)


def _reply(record: dict[str, Any], context: _Context) -> PostItem:
    spid = opt_str(record.get("spid"))
    if not spid or not spid.isdigit():
        raise RecordError("楼中楼 reply without a spid")
    if context.tid is None or context.pid is None:
        raise RecordError("a 楼中楼 reply needs the request URL (/p/comment?tid=…&pid=…) to know its thread and floor")
    return PostItem(
        source=SOURCE,
        source_post_id=f"p{spid}",
        url=f"{context.base}/p/{context.tid}?pid={context.pid}&cid={spid}#{spid}",
        kind="comment",
        thread_id=context.tid,
        parent_id=f"p{context.pid}",
        text=str(record.get("text") or ""),
        author=opt_str(record.get("showname")) or opt_str(record.get("user_name")),
        author_id=_portrait(record.get("portrait")) or opt_str(record.get("user_name")),
        created_at=iso_china_time(opt_str(record.get("time")), context.fetched),
        fetched_at=context.fetched_at,
        raw=record,
    )


def _object(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one: the sources' fields are not always there."""
    return value if isinstance(value, dict) else {}
