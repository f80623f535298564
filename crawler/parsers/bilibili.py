"""Bilibili web API answers: video search, comments, sub-replies, and the nav answer (wbi keys).

    /x/web-interface/wbi/search/type?search_type=video&keyword=&page=   data.result: videos
    /x/v2/reply?type=1&oid=<aid>&sort=0&pn=                             data.replies: root comments,
                                                                        each with a few sub-replies
    /x/v2/reply/reply?type=1&oid=&root=&pn=                             data.root + data.replies
    /x/web-interface/nav                                                data.wbi_img (no posts)

Ids: a video is "av{aid}" and is its comments' thread; a comment is its rpid, its parent the video
(root comments) or the comment it answers. Every answer is {"code", "message", "data"}; a code other
than 0 is an error in the user's words, except "comments closed", which is an empty page. A search
answered with only a `v_voucher` was refused for its wbi signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.items import PostItem
from crawler.parsers.common import (
    ParseError,
    ParseResult,
    PostCollector,
    RecordError,
    html_to_text,
    iso_now,
    iso_utc,
    load_json,
    opt_int,
    opt_str,
    plain_text,
    require_id,
    shape_error,
)

SOURCE = "bilibili"
PAGE_BASE = "https://www.bilibili.com"
API_HOST = "api.bilibili.com"
COMMENTS_CLOSED = {12002, 12061}
_HINTS = {
    -101: "not logged in / 账号未登录",
    -352: "refused by risk control: check the wbi signature and the cookie / 被风控拒绝，请检查 wbi 签名与 Cookie",
    -400: "bad request / 请求错误",
    -403: "access denied: the wbi signature is wrong or its keys changed / 访问权限不足，wbi 签名错误或密钥已更新",
    -404: "not found / 不存在",
    -412: "request blocked: too fast or no browser cookie; slow down or set cookie_env"
    " / 请求被拦截：请降低频率或配置 Cookie",
}
_VOUCHER = (
    "Bilibili refused the request's wbi signature (answered with a v_voucher): the keys may have changed"
    " / B站拒绝了请求的 wbi 签名（返回 v_voucher），密钥可能已更新"
)


@dataclass(frozen=True)
class _Context:
    page_base: str
    fetched_at: str
    oid: str | None


def parse(body: bytes, url: str, fetched_at: datetime) -> ParseResult:
    data = load_json(body)
    if not isinstance(data, dict) or "code" not in data:
        raise shape_error("Bilibili", data)
    code = opt_int(data.get("code"))
    payload = data.get("data")
    if isinstance(payload, dict) and isinstance(payload.get("wbi_img"), dict):
        return ParseResult(kind="bilibili/nav")  # code -101 (not logged in) still carries the keys
    if code in COMMENTS_CLOSED:
        return ParseResult(kind="bilibili/replies")
    if code != 0:
        message = opt_str(data.get("message")) or str(code)
        hint = _HINTS.get(code or 0, "")
        raise ParseError(
            f"Bilibili answered with error {code} ({message})" + (f": {hint}" if hint else f" / B站返回错误 {code}")
        )
    if not isinstance(payload, dict):
        raise shape_error("Bilibili", data)
    if "v_voucher" in payload and not payload.get("result") and not payload.get("replies"):
        raise ParseError(_VOUCHER)
    context = _context(url, fetched_at)
    if "result" in payload and ("numPages" in payload or "numResults" in payload or "page" in payload):
        return _search(payload, context)
    if "replies" in payload and isinstance(payload.get("page"), dict):
        return _replies(payload, context)
    raise shape_error("Bilibili", payload)


def _context(url: str, fetched_at: datetime) -> _Context:
    parts = urlsplit(url)
    if not parts.netloc or parts.netloc == API_HOST:
        page_base = PAGE_BASE
    else:
        # A mirror (or the demo site) serves pages beside its API, under the same mount path.
        mount = parts.path.find("/x/")
        page_base = f"{parts.scheme}://{parts.netloc}{parts.path[:mount] if mount >= 0 else ''}"
    oids = [v for v in parse_qs(parts.query).get("oid", []) if v.isdigit()]
    return _Context(page_base=page_base.rstrip("/"), fetched_at=iso_now(fetched_at), oid=oids[0] if oids else None)


# ---------------------------------------------------------------------------- search


def _videos(result: Any) -> list[Any]:
    """The video records of a search answer; the "all" search groups results by result_type."""
    if not isinstance(result, list):
        return []
    grouped = [g for g in result if isinstance(g, dict) and "result_type" in g and isinstance(g.get("data"), list)]
    if grouped:
        return [video for group in grouped if group["result_type"] == "video" for video in group["data"]]
    return result


def _search(payload: dict[str, Any], context: _Context) -> ParseResult:
    collector = PostCollector()
    collector.collect(_videos(payload.get("result")), lambda video: _video(video, context))
    page, pages = opt_int(payload.get("page")), opt_int(payload.get("numPages"))
    return collector.result("bilibili/search", has_more=page is not None and pages is not None and page < pages)


def _video(video: dict[str, Any], context: _Context) -> PostItem:
    aid = require_id(video, "aid" if "aid" in video else "id")
    bvid = opt_str(video.get("bvid"))
    return PostItem(
        source=SOURCE,
        source_post_id=f"av{aid}",
        url=f"{context.page_base}/video/{bvid or f'av{aid}'}",
        kind="post",
        thread_id=f"av{aid}",
        title=html_to_text(opt_str(video.get("title"))) or None,  # drops the <em class="keyword"> highlight
        text=html_to_text(opt_str(video.get("description"))),  # HTML-escaped in search answers
        author=opt_str(video.get("author")),
        author_id=opt_str(video.get("mid")),
        created_at=iso_utc(video.get("pubdate")) or iso_utc(video.get("senddate")),
        likes=opt_int(video.get("like")),
        replies=opt_int(video.get("review")),
        fetched_at=context.fetched_at,
        raw=video,
    )


# ---------------------------------------------------------------------------- comments


def _replies(payload: dict[str, Any], context: _Context) -> ParseResult:
    sub_replies = isinstance(payload.get("root"), dict)
    records: list[Any] = []
    upper = payload.get("upper")
    if not sub_replies and isinstance(upper, dict) and isinstance(upper.get("top"), dict):
        records.append(upper["top"])  # the pinned comment is listed apart from the others
    records.extend(payload.get("replies") or [])  # null on a page with no comments
    # Each root comment carries its first few sub-replies; they are comments in their own right.
    records.extend(sub for r in list(records) if isinstance(r, dict) for sub in r.get("replies") or [])
    seen: set[str] = set()
    unique = []
    for record in records:
        key = str(record.get("rpid")) if isinstance(record, dict) else ""
        if key and key in seen:
            continue  # the same comment shown twice (pinned and listed, preview and page) is one
        seen.add(key)
        unique.append(record)
    collector = PostCollector()
    collector.collect(unique, lambda reply: _comment(reply, context))
    page = payload["page"]
    number, size, count = (opt_int(page.get(k)) for k in ("num", "size", "count"))
    has_more = bool(number and size and count is not None and number * size < count)
    return collector.result("bilibili/sub_replies" if sub_replies else "bilibili/replies", has_more=has_more)


def _comment(reply: dict[str, Any], context: _Context) -> PostItem:
    rpid = require_id(reply, "rpid")
    oid = opt_str(reply.get("oid")) or context.oid
    if oid is None:
        raise RecordError(f"comment {rpid} names no video (no oid in the record or the URL)")
    root, parent = opt_str(reply.get("root")), opt_str(reply.get("parent"))
    # A root comment answers the video; a sub-reply its parent, or the root when it answers that.
    parent_id = f"av{oid}" if root in (None, "0") else (parent if parent not in (None, "0") else root)
    member, content = _object(reply.get("member")), _object(reply.get("content"))
    raw = {key: value for key, value in reply.items() if key != "replies"}  # sub-replies are posts of their own
    return PostItem(
        source=SOURCE,
        source_post_id=rpid,
        url=f"{context.page_base}/video/av{oid}#reply{rpid}",
        kind="comment",
        thread_id=f"av{oid}",
        parent_id=parent_id,
        text=plain_text(opt_str(content.get("message"))),
        author=opt_str(member.get("uname")),
        author_id=opt_str(member.get("mid")) or opt_str(reply.get("mid")),
        created_at=iso_utc(reply.get("ctime")),
        likes=opt_int(reply.get("like")),
        replies=opt_int(reply.get("rcount")) if root in (None, "0") else None,
        fetched_at=context.fetched_at,
        raw=raw,
    )


def _object(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one: the sources' fields are not always there."""
    return value if isinstance(value, dict) else {}
