"""GitHub: issues and pull requests found by search (newest first), and the comments of those about
the product.

A token makes the limits bearable (search: 30 requests a minute instead of 10; the rest: 5,000 an
hour instead of 60). It is read from the environment variable the source's `token_env` names, sent
as the Authorization header of requests to the source's own API host only, and never logged.

Incremental: each search term is a listing ("search:<term>"), sorted by creation, newest first, so a
re-crawl stops at the first page that reaches the last complete pass; an issue's comments are
fetched again only when its comment count grew since the last visit.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy

from config.settings import GitHubSource
from crawler.parsers import ParseResult
from crawler.spiders.base import ListeningSpider

PAGE_SIZE = 50
API_VERSION = "2022-11-28"


class GitHubSpider(ListeningSpider):
    name = "github"
    source_type = "github"
    platform = "github"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.issues_opened: dict[str, set[str]] = {}

    def _api(self, source: GitHubSource, path: str, **meta: Any) -> scrapy.Request:
        request = self.request(f"{source.base_url.rstrip('/')}{path}", source, **meta)
        # full+json: each body also as plain text (body_text), which is what the parser wants.
        request.headers["Accept"] = "application/vnd.github.full+json"
        request.headers["X-GitHub-Api-Version"] = API_VERSION
        token = os.environ.get(source.token_env) if source.token_env else None
        if token:
            request.headers["Authorization"] = f"Bearer {token.strip()}"
        return request

    def _search(self, source: GitHubSource, term: str, page: int, *, query: str | None = None) -> scrapy.Request:
        q = f'"{term}" {source.qualifiers}'.strip()
        params = urlencode({"q": q, "sort": "created", "order": "desc", "per_page": PAGE_SIZE, "page": page})
        return self._api(source, f"/search/issues?{params}", query=query, search=term, page=page)

    def requests_for(self, source: GitHubSource) -> Iterator[scrapy.Request]:
        self.issues_opened[source.name] = set()
        for term in self.queries(source):
            yield self._search(source, term, 1, query=f"search:{term}")

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        result = self.posts_from(response)
        if result is None:
            return
        yield from result.posts
        thread = response.meta.get("thread")
        if thread is not None:  # the comments of an issue, fetched in one request
            yield self.thread_visited(response, thread, result.posts, replies=response.meta.get("replies"))
            return
        source = self.source_of(response)
        assert isinstance(source, GitHubSource)
        if result.kind != "github/search":
            return
        if source.comments:
            yield from self._comments(response, source, result)
        page = response.meta["page"]
        nxt = None
        if result.has_more and page < source.max_pages:
            nxt = self._search(source, response.meta["search"], page + 1)
        yield from self.paginate(response, result.posts, nxt)

    def _comments(self, response: Any, source: GitHubSource, result: ParseResult) -> Iterator[scrapy.Request]:
        """One request per issue, so only for issues that name the product and have comments new to us."""
        opened = self.issues_opened.setdefault(source.name, set())
        for post in result.posts:
            key = post.source_post_id  # "owner/repo#number"
            repo, _, number = key.partition("#")
            if not number.isdigit() or key in opened or not (post.replies or 0) > 0:
                continue
            if len(opened) >= source.max_issues or not self.mentions_product(post):
                continue
            if not self.thread_needs_visit(response, key, post.replies):
                continue
            opened.add(key)
            url = f"/repos/{repo}/issues/{number}/comments?per_page=100"
            yield self._api(source, url, thread=key, replies=post.replies)
