"""Helpers shared by the source parsers: the result type, errors, text, dates and JSON."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector

from crawler.items import PostItem


class ParseError(ValueError):
    """The body as a whole cannot be read; the message is meant for the user (English / 中文)."""


class RecordError(ValueError):
    """One record cannot be turned into a post; it is skipped and the others still count."""


@dataclass
class ParseResult:
    kind: str
    """Which response this was, e.g. "discourse/latest"; recognised from the content."""
    posts: list[PostItem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """One reason per broken record that was left out."""
    has_more: bool = False
    """The source says there is a next page."""


class PostCollector:
    """Gathers posts for one response, turning per-record failures into skip reasons.

    A duplicate id within one response is skipped too: the store keys on
    (source, source_post_id), and two rows with one key would silently overwrite each other.
    """

    def __init__(self) -> None:
        self.posts: list[PostItem] = []
        self.skipped: list[str] = []
        self._seen: set[str] = set()

    def add(self, post: PostItem, label: str) -> None:
        if post.source_post_id in self._seen:
            self.skipped.append(f"{label}: duplicate id {post.source_post_id}")
            return
        self._seen.add(post.source_post_id)
        self.posts.append(post)

    def collect(self, records: Iterable[Any], build: Callable[[dict[str, Any]], PostItem]) -> None:
        for index, record in enumerate(records):
            label = f"record {index}"
            if not isinstance(record, dict):
                self.skipped.append(f"{label}: not an object ({type(record).__name__})")
                continue
            try:
                post = build(record)
            except RecordError as exc:
                self.skipped.append(f"{label}: {exc}")
                continue
            # The sources are not under our control: a field of an unexpected type must cost
            # one record, never the whole page.
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                self.skipped.append(f"{label}: unreadable ({type(exc).__name__}: {exc})")
                continue
            self.add(post, label)

    def result(self, kind: str, has_more: bool = False) -> ParseResult:
        return ParseResult(kind=kind, posts=self.posts, skipped=self.skipped, has_more=has_more)


# ---------------------------------------------------------------------------- record fields


def require_id(record: dict[str, Any], key: str = "id") -> str:
    """The record's numeric id as a string; RecordError when it is missing or not a number."""
    value = record.get(key)
    if isinstance(value, bool) or value is None:
        raise RecordError(f"missing {key}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip()
    raise RecordError(f"{key} is not a number ({type(value).__name__})")


def opt_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def opt_str(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def iso_now(moment: datetime | None = None) -> str:
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def base_url(url: str, default: str) -> str:
    """scheme://host of the request URL, or the site's canonical base when parsing a saved file."""
    parts = urlsplit(url)
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return default


# ---------------------------------------------------------------------------- dates

# Epochs above this are milliseconds: 1e11 seconds is the year 5138.
_MS_THRESHOLD = 100_000_000_000


def iso_utc(value: Any) -> str | None:
    """Any date a source serves as "YYYY-MM-DDTHH:MM:SSZ" in UTC, or None if it is not a date.

    Accepts epoch seconds (or milliseconds), ISO 8601 with or without an offset (none means
    UTC), RFC 822 dates as in RSS, datetimes, and feedparser's struct_time (already UTC).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return iso_now(value)
    if isinstance(value, time.struct_time):
        return iso_now(datetime(*value[:6], tzinfo=UTC))
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) >= _MS_THRESHOLD else value
        try:
            return iso_now(datetime.fromtimestamp(seconds, UTC))
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return iso_utc(float(text))
    try:
        # fromisoformat (3.11) reads "Z", offsets and fractions, but only up to 6 digits.
        return iso_now(datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", text)))
    except ValueError:
        pass
    try:
        return iso_now(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        return None


# ---------------------------------------------------------------------------- HTML to text

_DROP = {"script", "style", "noscript", "template", "head", "title", "iframe", "object", "svg"}
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tr", "ul",
}  # fmt: skip
# Control characters are never text; some make lxml refuse the whole string.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")


def nested_person(record: dict[str, Any], key: str, name: str, ident: str) -> tuple[str | None, str | None]:
    """(name, id) of the person object under `key` ("member", "user", "owner"), if it is one."""
    person = record.get(key)
    if not isinstance(person, dict):
        return None, None
    return opt_str(person.get(name)), opt_str(person.get(ident))


def body_text(record: dict[str, Any], *fields: tuple[str, str]) -> str:
    """Text of the first non-blank field; each field is (key, "plain" | "html")."""
    for key, kind in fields:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return plain_text(value) if kind == "plain" else html_to_text(value)
    return ""


def html_selector(html: str) -> Selector:
    """A parsel selector over a whole page; control characters, which lxml refuses, removed."""
    return Selector(text=_CONTROL.sub("", html), type="html")


def html_to_text(html: str | None) -> str:
    """Plain text of an HTML fragment: scripts and styles dropped, entities decoded,
    block elements and <br> on their own lines, runs of whitespace collapsed."""
    if not html:
        return ""
    html = _CONTROL.sub("", html)
    if "<" not in html and "&" not in html:
        return _collapse(html)
    # parsel builds the lxml tree with a recovering parser (and is typed, unlike lxml itself).
    root = Selector(text=html, type="html").root
    pieces: list[str] = []
    _walk(root, pieces)
    return _collapse("".join(pieces))


def _walk(root: Any, pieces: list[str]) -> None:
    # Iterative, not recursive: hostile markup can nest deeper than Python's recursion limit.
    # The stack holds elements to open, and strings (closing newline, tail) to emit as they are.
    stack: list[Any] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            pieces.append(item)
            continue
        if item.tail and item is not root:
            stack.append(item.tail)
        tag = item.tag.lower() if isinstance(item.tag, str) else ""
        # Comments and processing instructions have a non-string tag: only their tail counts.
        if not tag or tag in _DROP:
            continue
        block = tag in _BLOCK
        if block:
            stack.append("\n")
        stack.extend(reversed(list(item)))
        if item.text:
            stack.append(item.text)
        if block or tag == "br":
            stack.append("\n")


def plain_text(text: str | None) -> str:
    """Text that is already plain (Markdown source, API text fields), laid out as html_to_text does."""
    return _collapse(_CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))) if text else ""


def _collapse(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------------------- bodies


def _head(body: bytes) -> bytes:
    return body[:2048].removeprefix(b"\xef\xbb\xbf").lstrip().lower()


def looks_like_html(body: bytes) -> bool:
    head = _head(body)
    return head.startswith((b"<!doctype html", b"<html")) or (
        head.startswith(b"<") and b"<html" in head and b"<rss" not in head and b"<feed" not in head
    )


def looks_like_xml(body: bytes) -> bool:
    return _head(body).startswith(b"<")


def html_title(body: bytes) -> str | None:
    match = re.search(rb"<title[^>]*>(.*?)</title>", body[:65536], re.IGNORECASE | re.DOTALL)
    if not match:
        return None
    title = html_to_text(match.group(1).decode("utf-8", "replace"))
    return title[:120] or None


_ZH = {"JSON": "JSON 数据", "a feed": "订阅源"}


def check_not_empty(body: bytes) -> None:
    if not body.removeprefix(b"\xef\xbb\xbf").strip():
        raise ParseError("empty response body / 响应为空")


def html_error(body: bytes, expected: str) -> ParseError:
    """An error naming the page: a login wall or "Just a moment..." tells the user what happened."""
    title = html_title(body)
    zh = _ZH.get(expected, expected)
    if title:
        return ParseError(f'got an HTML page ("{title}") instead of {expected} / 收到的是网页（“{title}”）而不是{zh}')
    return ParseError(f"got an HTML page instead of {expected} / 收到的是网页而不是{zh}")


def load_json(body: bytes) -> Any:
    """The decoded JSON body, or a ParseError that says why it could not be read."""
    check_not_empty(body)
    if looks_like_html(body):
        raise html_error(body, "JSON")
    try:
        return json.loads(body)
    except UnicodeDecodeError as exc:
        if exc.start >= len(body) - 4:  # a multi-byte character cut by the end of the body
            raise ParseError("response is not valid JSON (truncated) / 响应不是有效的 JSON（内容被截断）") from exc
        raise ParseError(f"response is not UTF-8 text ({exc.reason}) / 响应不是 UTF-8 文本，无法读取") from exc
    except json.JSONDecodeError as exc:
        # A string can only be left open by the end of the body; other errors within a few
        # bytes of the end (a cut "tru" or "12") are truncation too.
        truncated = exc.msg.startswith("Unterminated string") or exc.pos >= len(exc.doc.rstrip()) - 5
        why = "truncated" if truncated else f"invalid at line {exc.lineno} column {exc.colno}"
        why_zh = "内容被截断" if truncated else f"第 {exc.lineno} 行第 {exc.colno} 列格式错误"
        raise ParseError(f"response is not valid JSON ({why}) / 响应不是有效的 JSON（{why_zh}）") from exc
    except RecursionError as exc:
        raise ParseError("response JSON is nested too deeply / 响应的 JSON 嵌套过深") from exc


def api_error_message(data: Any) -> str | None:
    """The message of an error object such as {"errors": [...]} or {"message": ...}, if any."""
    if not isinstance(data, dict):
        return None
    errors = data.get("errors")
    if isinstance(errors, list) and errors:
        return "; ".join(str(e) for e in errors)[:300]
    for key in ("error", "message", "msg"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:300]
    return None


def shape_error(source: str, data: Any) -> ParseError:
    message = api_error_message(data)
    if message:
        return ParseError(f"{source} answered with an error: {message} / {source} 返回错误：{message}")
    if isinstance(data, dict):
        keys = ", ".join(sorted(str(k) for k in data)[:8]) or "none"
        what = f"an object with keys {keys}"
    else:
        what = f"a JSON {type(data).__name__}"
    return ParseError(
        f"{source} never serves this shape of response ({what}) / 这不是 {source} 会返回的数据格式（{what}）"
    )
