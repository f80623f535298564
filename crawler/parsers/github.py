"""GitHub REST API: issue search, a repository's issues, and an issue's comments.

    /search/issues?q=...                      {"total_count", "incomplete_results", "items"}  -> github/search
    /repos/{owner}/{repo}/issues              [issue, ...]                                    -> github/issues
    /repos/{owner}/{repo}/issues/{n}/comments [comment, ...] (each with issue_url)            -> github/comments

Issue numbers count per repository, so ids are "{owner}/{repo}#{number}" for an issue or pull
request, and "{owner}/{repo}#{number}/c{comment id}" for a comment. The text is `body_text` when the
request asked for it (Accept: application/vnd.github.full+json), else the rendered `body_html`,
else the Markdown `body` as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.items import PostItem
from crawler.parsers.common import (
    ParseResult,
    PostCollector,
    RecordError,
    body_text,
    iso_now,
    iso_utc,
    load_json,
    nested_person,
    opt_int,
    opt_str,
    require_id,
    shape_error,
)

SOURCE = "github"
WEB = "https://github.com"
# The search API returns at most this many results for a query, however many pages are asked for.
SEARCH_LIMIT = 1000
DEFAULT_PER_PAGE = 30
_API_ISSUE = re.compile(r"/repos/(?P<repo>[^/]+/[^/]+)/issues/(?P<number>\d+)(?:/comments)?/?$")
_API_REPO = re.compile(r"/repos/(?P<repo>[^/]+/[^/]+?)(?:/issues)?/?$")
_WEB_ISSUE = re.compile(r"^https?://[^/]+/(?P<repo>[^/]+/[^/]+)/(?:issues|pull)/(?P<number>\d+)")


def issue_id(repo: str, number: str) -> str:
    return f"{repo}#{number}"


def parse(body: bytes, url: str, fetched_at: datetime) -> ParseResult:
    data = load_json(body)
    fetched = iso_now(fetched_at)
    collector = PostCollector()
    if isinstance(data, dict) and isinstance(data.get("items"), list) and "total_count" in data:
        collector.collect(data["items"], lambda item: _issue(item, fetched, url))
        return collector.result("github/search", has_more=_search_has_more(data, url, len(data["items"])))
    if isinstance(data, dict) and "number" in data and "title" in data:
        data = [data]  # a single issue, /repos/{o}/{r}/issues/{n}
    if not isinstance(data, list):
        raise shape_error("GitHub", data)

    records = [r for r in data if isinstance(r, dict)]
    if any("issue_url" in r for r in records):
        kind = "comments"
    elif any("number" in r and "title" in r for r in records):
        kind = "issues"
    elif any("id" in r and "body" in r for r in records):
        kind = "comments"  # without issue_url: the request's path must say which issue
    elif records:
        raise shape_error("GitHub", records[0])
    else:
        kind = "comments" if urlsplit(url).path.rstrip("/").endswith("/comments") else "issues"
    if kind == "comments":
        collector.collect(data, lambda item: _comment(item, fetched, url))
    else:
        collector.collect(data, lambda item: _issue(item, fetched, url))
    return collector.result(f"github/{kind}")


def _search_has_more(data: dict[str, Any], url: str, count: int) -> bool:
    """More pages exist when the results so far fall short of total_count (and of GitHub's cap)."""
    total = opt_int(data.get("total_count")) or 0
    params = parse_qs(urlsplit(url).query)
    page = opt_int((params.get("page") or ["1"])[0]) or 1
    per_page = opt_int((params.get("per_page") or [str(DEFAULT_PER_PAGE)])[0]) or DEFAULT_PER_PAGE
    seen = (page - 1) * per_page + count
    return count > 0 and seen < min(total, SEARCH_LIMIT)


@dataclass
class _Where:
    repo: str
    number: str


def _issue_place(item: dict[str, Any], url: str) -> _Where:
    number = require_id(item, "number")
    for key in ("repository_url", "url"):
        value = item.get(key)
        if isinstance(value, str):
            path = urlsplit(value).path
            match = _API_REPO.search(path) or _API_ISSUE.search(path)
            if match:
                return _Where(match.group("repo"), number)
    html_url = item.get("html_url")
    if isinstance(html_url, str) and (web := _WEB_ISSUE.match(html_url)):
        return _Where(web.group("repo"), number)
    # /repos/{o}/{r}/issues lists carry their repository in the request.
    request = _API_REPO.search(urlsplit(url).path)
    if request:
        return _Where(request.group("repo"), number)
    raise RecordError(f"issue {number} names no repository")


def _user(item: dict[str, Any]) -> tuple[str | None, str | None]:
    return nested_person(item, "user", "login", "id")


def _text(item: dict[str, Any]) -> str:
    return body_text(item, ("body_text", "plain"), ("body_html", "html"), ("body", "plain"))


def _reactions(item: dict[str, Any]) -> int | None:
    reactions = item.get("reactions")
    return opt_int(reactions.get("total_count")) if isinstance(reactions, dict) else None


def _web_url(item: dict[str, Any], fallback: str) -> str:
    link = item.get("html_url")
    return link if isinstance(link, str) and link.startswith(("http://", "https://")) else fallback


def _issue(item: dict[str, Any], fetched_at: str, url: str) -> PostItem:
    where = _issue_place(item, url)
    own = issue_id(where.repo, where.number)
    author, author_id = _user(item)
    return PostItem(
        source=SOURCE,
        source_post_id=own,
        url=_web_url(item, f"{WEB}/{where.repo}/issues/{where.number}"),
        kind="post",
        thread_id=own,
        title=opt_str(item.get("title")),
        text=_text(item),
        author=author,
        author_id=author_id,
        created_at=iso_utc(item.get("created_at")),
        likes=_reactions(item),
        replies=opt_int(item.get("comments")),
        fetched_at=fetched_at,
        raw=item,
    )


def _comment(item: dict[str, Any], fetched_at: str, url: str) -> PostItem:
    comment = require_id(item)
    place = None
    for value in (item.get("issue_url"), url):
        if isinstance(value, str):
            place = _API_ISSUE.search(urlsplit(value).path)
            if place:
                break
    if place is None:
        raise RecordError(f"comment {comment} names no issue (no issue_url, not a comments URL)")
    issue = issue_id(place.group("repo"), place.group("number"))
    author, author_id = _user(item)
    fallback = f"{WEB}/{place.group('repo')}/issues/{place.group('number')}#issuecomment-{comment}"
    return PostItem(
        source=SOURCE,
        source_post_id=f"{issue}/c{comment}",
        url=_web_url(item, fallback),
        kind="comment",
        thread_id=issue,
        parent_id=issue,
        text=_text(item),
        author=author,
        author_id=author_id,
        created_at=iso_utc(item.get("created_at")),
        likes=_reactions(item),
        fetched_at=fetched_at,
        raw=item,
    )
