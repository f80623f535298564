"""Weibo's mobile API (m.weibo.cn): keyword search and other card lists, long texts, user info.

    /api/container/getIndex?containerid=100103type%3D1%26q%3D<kw>&page_type=searchall&page=N
        {"ok": 1, "data": {"cardlistInfo": {...}, "cards": [...]}}: card_type 9 cards carry an
        `mblog`; search results also nest cards in `card_group`. A repost's `retweeted_status` is
        the original: both become posts, the repost's parent_id naming the original.
    /statuses/extend?id=<mid>
        {"ok": 1, "data": {"longTextContent": ...}}: the whole text of an `isLongText` status; the
        id comes from the request URL.
    /api/container/getIndex?type=uid&value=<uid>   {"data": {"userInfo": ...}}: no posts.

`created_at` is what the page showed ("5分钟前", "昨天 12:30", "06-27", ...), resolved against
`fetched_at` in China Standard Time. `ok: -100` and the login or visitor pages mean the cookie is
missing or has expired, and say so.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.items import PostItem
from crawler.parsers.cn_time import iso_china_time
from crawler.parsers.common import (
    ParseError,
    ParseResult,
    PostCollector,
    RecordError,
    check_not_empty,
    html_error,
    html_title,
    html_to_text,
    iso_now,
    load_json,
    looks_like_html,
    opt_str,
    require_id,
    shape_error,
)

SOURCE = "weibo"
DEFAULT_BASE = "https://m.weibo.cn"
SEARCH_CONTAINER = "100103"
# Weibo's own answer for a search page with nothing (more) on it.
NO_CONTENT = "这里还没有内容"
LOGIN_REQUIRED = (
    "Weibo wants a login: the cookie is missing or has expired; log in at m.weibo.cn in a browser and put its"
    " Cookie header into the environment variable named by the source's cookie_env"
    " / 微博要求登录：Cookie 缺失或已过期，请在浏览器登录 m.weibo.cn 后把 Cookie 放入 cookie_env 指定的环境变量"
)
_MOUNT = re.compile(r"/(?:api/container|statuses|status|detail|comments)(?:[/?]|$)")
_EMOTICON = re.compile(r"<img\b[^>]*?\balt=(\"[^\"]*\"|'[^']*'|[^\s>]+)[^>]*>", re.IGNORECASE)
_FULL_TEXT_LINK = re.compile(r"<a\b[^>]*>\s*全文\s*</a>", re.IGNORECASE)
_COUNT = re.compile(r"^(\d+(?:\.\d+)?)\s*(万|亿)?\+?$")
_CARD_DEPTH = 3


@dataclass(frozen=True)
class _Context:
    base: str
    fetched: datetime
    fetched_at: str
    status_id: str | None  # the `id` of a /statuses/extend request


def parse(body: bytes, url: str, fetched_at: datetime) -> ParseResult:
    check_not_empty(body)
    if looks_like_html(body):
        raise _page_error(body)
    data = load_json(body)
    if not isinstance(data, dict):
        raise shape_error("Weibo", data)
    parts = urlsplit(url)
    mount = _MOUNT.search(parts.path)
    base = f"{parts.scheme}://{parts.netloc}{parts.path[: mount.start()] if mount else ''}" if parts.netloc else ""
    ids = [v for v in parse_qs(parts.query).get("id", []) if v.isdigit()]
    context = _Context(
        base=base.rstrip("/") or DEFAULT_BASE,
        fetched=fetched_at,
        fetched_at=iso_now(fetched_at),
        status_id=ids[0] if ids else None,
    )
    payload = data.get("data")
    if _empty_search(data):
        return ParseResult(kind="weibo/search")
    _check_ok(data)
    if isinstance(payload, dict) and "longTextContent" in payload:
        return _long_text(payload, context)
    if isinstance(payload, dict) and isinstance(payload.get("cards"), list):
        return _cards(payload, context)
    if isinstance(payload, dict) and isinstance(payload.get("userInfo"), dict):
        return ParseResult(kind="weibo/user")
    raise shape_error("Weibo", data)


# ---------------------------------------------------------------------------- errors


def _page_error(body: bytes) -> ParseError:
    """An HTML page where JSON was asked for: the visitor system or a login page means the cookie."""
    title = html_title(body) or ""
    head = body[:65536].lower()
    if "visitor" in title.lower() or "登录" in title or b"passport.weibo" in head or b"login.sina" in head:
        return ParseError(f'got the page "{title or "login"}" instead of data. {LOGIN_REQUIRED}')
    return html_error(body, "JSON")


def _empty_search(data: dict[str, Any]) -> bool:
    # Past the last page (or for a keyword nobody used) the search answers ok: 0 with this message.
    payload = data.get("data")
    cards = payload.get("cards") if isinstance(payload, dict) else None
    return data.get("ok") == 0 and str(data.get("msg") or "").strip() == NO_CONTENT and not cards


def _check_ok(data: dict[str, Any]) -> None:
    ok = data.get("ok")
    if ok == 1:
        return
    if ok == -100 or "passport.weibo" in str(data.get("url") or ""):
        raise ParseError(f"ok={ok}: {LOGIN_REQUIRED}")
    if ok is None and isinstance(data.get("data"), dict):
        return  # some answers (extend's inner object) carry no top-level ok
    message = opt_str(data.get("msg")) or opt_str(data.get("errmsg")) or f"ok={ok}"
    raise ParseError(f"Weibo answered with an error: {message} / 微博返回错误：{message}")


# ---------------------------------------------------------------------------- card lists


def _mblogs(cards: list[Any], depth: int = 0) -> list[Any]:
    """Every card's status in page order; search pages nest cards in card_group."""
    found: list[Any] = []
    for card in cards:
        if not isinstance(card, dict):
            continue
        if "mblog" in card:
            found.append(card["mblog"])
        group = card.get("card_group")
        if isinstance(group, list) and depth < _CARD_DEPTH:
            found.extend(_mblogs(group, depth + 1))
    return found


def _cards(payload: dict[str, Any], context: _Context) -> ParseResult:
    info = _object(payload.get("cardlistInfo"))
    container = str(info.get("containerid") or "")
    kind = "weibo/search" if container.startswith(SEARCH_CONTAINER) else "weibo/cards"
    statuses = _mblogs(payload["cards"])
    collector = PostCollector()
    collector.collect(statuses, lambda status: _status(status, context))
    # The originals of reposts: one post each, even when several reposts (or its own card) show it.
    seen = {post.source_post_id for post in collector.posts}
    originals = []
    for status in statuses:
        original = status.get("retweeted_status") if isinstance(status, dict) else None
        if isinstance(original, dict):
            key = str(original.get("id") or original.get("mid") or "")
            if key not in seen:
                seen.add(key)
                originals.append(original)
    collector.collect(originals, lambda status: _status(status, context))
    has_more = bool(statuses) and info.get("page") not in (None, "", 0)
    return collector.result(kind, has_more=has_more)


def _status(status: dict[str, Any], context: _Context) -> PostItem:
    status_id = require_id(status, "id" if "id" in status else "mid")
    user = status.get("user") if isinstance(status.get("user"), dict) else None
    if user is None or str(status.get("deleted") or "0") == "1":
        raise RecordError(f"status {status_id} was deleted or hidden (no author) / 该微博已删除或不可见")
    original = status.get("retweeted_status")
    original_id = None
    if isinstance(original, dict):
        original_id = opt_str(original.get("id")) or opt_str(original.get("mid"))
    bid = opt_str(status.get("bid"))
    raw = {key: value for key, value in status.items() if key != "retweeted_status"}
    if original_id:
        raw["retweeted_status_id"] = original_id
    return PostItem(
        source=SOURCE,
        source_post_id=status_id,
        url=f"{context.base}/status/{bid}" if bid else f"{context.base}/detail/{status_id}",
        kind="post",
        thread_id=original_id or status_id,
        parent_id=original_id,
        text=weibo_text(status.get("text")) or weibo_text(status.get("raw_text")),
        author=opt_str(user.get("screen_name")),
        author_id=opt_str(user.get("id")),
        author_followers=count_value(user.get("followers_count")),
        created_at=iso_china_time(opt_str(status.get("created_at")), context.fetched),
        likes=count_value(status.get("attitudes_count")),
        replies=count_value(status.get("comments_count")),
        fetched_at=context.fetched_at,
        raw=raw,
    )


# ---------------------------------------------------------------------------- long text


def _long_text(payload: dict[str, Any], context: _Context) -> ParseResult:
    collector = PostCollector()

    def build(record: dict[str, Any]) -> PostItem:
        if context.status_id is None:
            raise RecordError("a long text without its status id: give the request URL (…/statuses/extend?id=…)")
        return PostItem(
            source=SOURCE,
            source_post_id=context.status_id,
            url=f"{context.base}/detail/{context.status_id}",
            kind="post",
            thread_id=context.status_id,
            text=weibo_text(opt_str(record.get("longTextContent"))),
            likes=count_value(record.get("attitudes_count")),
            replies=count_value(record.get("comments_count")),
            fetched_at=context.fetched_at,
            raw=record,
        )

    collector.collect([payload], build)
    return collector.result("weibo/long_text")


# ---------------------------------------------------------------------------- fields


def weibo_text(markup: Any) -> str:
    """Plain text of a status: emoticons kept as their "[doge]" alt text, the "全文" link dropped."""
    if not isinstance(markup, str) or not markup.strip():
        return ""
    markup = _FULL_TEXT_LINK.sub("", markup)
    markup = _EMOTICON.sub(lambda m: html.escape(m.group(1).strip("\"'")), markup)
    return html_to_text(markup)


def count_value(value: Any) -> int | None:
    """A count as Weibo prints it: 12, "12", "1.2万", "3亿", "100万+"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        return None
    match = _COUNT.match(value.strip())
    if not match:
        return None
    factor = {"万": 10_000, "亿": 100_000_000}.get(match.group(2) or "", 1)
    return round(float(match.group(1)) * factor)


def _object(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one: the sources' fields are not always there."""
    return value if isinstance(value, dict) else {}
