"""Stack Exchange API 2.3: questions (/search/advanced, /questions), answers and comments.

Every response is the common wrapper {"items": [...], "has_more", "quota_max", "quota_remaining"}
plus "backoff" (seconds to leave the method alone) when the API is throttling; a wrapper without the
quota fields, or a bare list of items, is read too (recorders drop them). Errors come as
{"error_id", "error_name", "error_message"}. Items are recognised by their ids: `comment_id` is a
comment, `answer_id` an answer, `question_id` with a `title` a question.

Stack Exchange is many sites with one numbering each, so ids carry the site's API name:
"stackoverflow:q:123" (question), "stackoverflow:a:456" (answer), "stackoverflow:c:789" (comment).
Titles and display names are HTML-encoded by the API and decoded here; bodies (filter=withbody) are HTML.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.items import PostItem
from crawler.parsers.common import (
    ParseResult,
    PostCollector,
    RecordError,
    html_to_text,
    iso_now,
    iso_utc,
    load_json,
    opt_int,
    opt_str,
    require_id,
    shape_error,
)

SOURCE = "stackexchange"
DEFAULT_SITE = "stackoverflow"
# API site names whose web host is not "<name>.stackexchange.com".
_HOSTS = {
    "stackoverflow": "stackoverflow.com",
    "serverfault": "serverfault.com",
    "superuser": "superuser.com",
    "askubuntu": "askubuntu.com",
    "mathoverflow.net": "mathoverflow.net",
    "stackapps": "stackapps.com",
}


@dataclass
class StackExchangeResult(ParseResult):
    backoff: int | None = None
    """Seconds the API asks to wait before calling the same method again."""
    quota_remaining: int | None = None
    """Requests left today for this IP (or key); 0 means stop."""


def site_host(site: str) -> str:
    """The web host of an API site name: stackoverflow -> stackoverflow.com, dba -> dba.stackexchange.com."""
    if site in _HOSTS:
        return _HOSTS[site]
    return site if "." in site else f"{site}.stackexchange.com"


def _site_of_host(host: str) -> str:
    for site, known in _HOSTS.items():
        if host == known:
            return site
    return host.removesuffix(".stackexchange.com")


@dataclass
class _Site:
    name: str
    host: str
    fetched_at: str

    def id(self, letter: str, number: str) -> str:
        return f"{self.name}:{letter}:{number}"


def parse(body: bytes, url: str, fetched_at: datetime) -> StackExchangeResult:
    data = load_json(body)
    if isinstance(data, dict) and "error_id" in data:
        name = opt_str(data.get("error_name")) or f"error {data.get('error_id')}"
        message = opt_str(data.get("error_message")) or ""
        raise shape_error("Stack Exchange", {"message": f"{name}: {message}".rstrip(": ")})
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        items: list[Any] = data["items"]
        wrapper: dict[str, Any] = data
    elif isinstance(data, list):
        items, wrapper = data, {}
    else:
        raise shape_error("Stack Exchange", data)

    site = _site(url, items, iso_now(fetched_at))
    kind = _kind(items, url)
    collector = PostCollector()
    collector.collect(items, _builder(kind, site))
    return StackExchangeResult(
        f"stackexchange/{kind}",
        collector.posts,
        collector.skipped,
        has_more=wrapper.get("has_more") is True,
        backoff=opt_int(wrapper.get("backoff")),
        quota_remaining=opt_int(wrapper.get("quota_remaining")),
    )


def _site(url: str, items: list[Any], fetched_at: str) -> _Site:
    """The site from the request's `site=` parameter, else from an item's link (a saved file)."""
    for value in parse_qs(urlsplit(url).query).get("site", []):
        if value.strip():
            name = value.strip().lower()
            return _Site(name=name, host=site_host(name), fetched_at=fetched_at)
    for item in items:
        link = item.get("link") if isinstance(item, dict) else None
        host = urlsplit(link).netloc if isinstance(link, str) else ""
        if host:
            return _Site(name=_site_of_host(host), host=host, fetched_at=fetched_at)
    return _Site(name=DEFAULT_SITE, host=site_host(DEFAULT_SITE), fetched_at=fetched_at)


def _item_kind(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    if "comment_id" in item:
        return "comments"
    if "answer_id" in item:
        return "answers"
    if "question_id" in item and "title" in item:
        return "questions"
    return None


def _kind(items: list[Any], url: str) -> str:
    kinds = [k for k in (_item_kind(item) for item in items) if k]
    if kinds:
        return max(set(kinds), key=kinds.count)
    if any(isinstance(item, dict) for item in items):
        raise shape_error("Stack Exchange", next(item for item in items if isinstance(item, dict)))
    # No items: the method called says what they would have been.
    path = urlsplit(url).path.rstrip("/")
    return "comments" if path.endswith("/comments") else "answers" if path.endswith("/answers") else "questions"


def _builder(kind: str, site: _Site) -> Callable[[dict[str, Any]], PostItem]:
    def build(item: dict[str, Any]) -> PostItem:
        own = _item_kind(item)
        if own is None:
            raise RecordError("neither a question, an answer nor a comment")
        if own == "comments":
            return _comment(item, site)
        if own == "answers":
            return _answer(item, site)
        return _question(item, site)

    return build


def _decoded(value: Any) -> str | None:
    text = opt_str(value)
    return html.unescape(text) if text else None


def _owner(item: dict[str, Any]) -> tuple[str | None, str | None]:
    owner = item.get("owner")
    if not isinstance(owner, dict):
        return None, None
    return _decoded(owner.get("display_name")), opt_str(owner.get("user_id"))


def _link(item: dict[str, Any], fallback: str) -> str:
    link = item.get("link")
    return link if isinstance(link, str) and link.startswith(("http://", "https://")) else fallback


def _body(item: dict[str, Any]) -> str:
    body = item.get("body")
    return html_to_text(body) if isinstance(body, str) else ""


def _question(item: dict[str, Any], site: _Site) -> PostItem:
    number = require_id(item, "question_id")
    author, author_id = _owner(item)
    return PostItem(
        source=SOURCE,
        source_post_id=site.id("q", number),
        url=_link(item, f"https://{site.host}/questions/{number}"),
        kind="post",
        thread_id=site.id("q", number),
        title=_decoded(item.get("title")),
        text=_body(item),
        author=author,
        author_id=author_id,
        created_at=iso_utc(item.get("creation_date")),
        likes=opt_int(item.get("score")),
        replies=opt_int(item.get("answer_count")),
        fetched_at=site.fetched_at,
        raw=item,
    )


def _answer(item: dict[str, Any], site: _Site) -> PostItem:
    number = require_id(item, "answer_id")
    question = opt_str(item.get("question_id"))
    thread = site.id("q", question) if question else None
    author, author_id = _owner(item)
    return PostItem(
        source=SOURCE,
        source_post_id=site.id("a", number),
        url=_link(item, f"https://{site.host}/a/{number}"),
        kind="comment",
        thread_id=thread,
        parent_id=thread,
        title=_decoded(item.get("title")),
        text=_body(item),
        author=author,
        author_id=author_id,
        created_at=iso_utc(item.get("creation_date")),
        likes=opt_int(item.get("score")),
        fetched_at=site.fetched_at,
        raw=item,
    )


def _comment(item: dict[str, Any], site: _Site) -> PostItem:
    number = require_id(item, "comment_id")
    post = opt_str(item.get("post_id"))
    if post is None:
        raise RecordError(f"comment {number} has no post_id")
    on_question = item.get("post_type") != "answer"
    parent = site.id("q" if on_question else "a", post)
    author, author_id = _owner(item)
    return PostItem(
        source=SOURCE,
        source_post_id=site.id("c", number),
        # Stack Exchange redirects /posts/comments/{id} to the comment on its page.
        url=_link(item, f"https://{site.host}/posts/comments/{number}"),
        kind="comment",
        # A comment on an answer does not name the question; its parent answer does.
        thread_id=parent if on_question else None,
        parent_id=parent,
        text=_body(item),
        author=author,
        author_id=author_id,
        created_at=iso_utc(item.get("creation_date")),
        likes=opt_int(item.get("score")),
        fetched_at=site.fetched_at,
        raw=item,
    )
