"""Reddit's public JSON: searches (all of Reddit, chosen subreddits), new posts, and the comments of
posts about the product.

Incremental: each search and each subreddit's new posts is a listing ("search:<q>",
"sub:<name>:search:<q>", "sub:<name>:new"), newest first, so a re-crawl stops at the first page
that reaches the last complete pass; a post's comments are fetched again only when its
`num_comments` grew since the last visit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy

from config.settings import RedditSource
from crawler.parsers import ParseResult
from crawler.parsers.reddit import RedditResult
from crawler.spiders.base import ListeningSpider

PAGE_SIZE = 100


class RedditSpider(ListeningSpider):
    name = "reddit"
    source_type = "reddit"
    platform = "reddit"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.threads_opened: dict[str, set[str]] = {}

    def _listing(
        self, source: RedditSource, path: str, params: dict[str, Any], page: int = 0, *, query: str | None = None
    ) -> scrapy.Request:
        # raw_json=1: texts as written, not HTML-escaped once more (Reddit's legacy default).
        encoded = urlencode({**params, "limit": PAGE_SIZE, "raw_json": 1})
        url = f"{source.base_url.rstrip('/')}{path}?{encoded}"
        return self.request(url, source, query=query, path=path, params=params, page=page)

    def requests_for(self, source: RedditSource) -> Iterator[scrapy.Request]:
        self.threads_opened[source.name] = set()
        for q in self.queries(source):
            if source.search_all:
                yield self._listing(source, "/search.json", {"q": q, "sort": "new"}, query=f"search:{q}")
            for sub in source.subreddits:
                params = {"q": q, "restrict_sr": 1, "sort": "new"}
                yield self._listing(source, f"/r/{sub}/search.json", params, query=f"sub:{sub}:search:{q}")
        if source.subreddit_new:
            for sub in source.subreddits:
                yield self._listing(source, f"/r/{sub}/new.json", {}, query=f"sub:{sub}:new")

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        result = self.posts_from(response)
        if result is None:
            return
        yield from result.posts
        thread = response.meta.get("thread")
        if thread is not None:  # a post's comments, fetched in one request
            yield self.thread_visited(response, thread, result.posts, replies=response.meta.get("replies"))
            return
        source = self.source_of(response)
        assert isinstance(source, RedditSource)
        if result.kind != "reddit/posts":
            return
        if source.comments:
            yield from self._threads(response, source, result)
        page = response.meta.get("page")
        after = result.after if isinstance(result, RedditResult) else None
        nxt = None
        if page is not None and after and page + 1 < source.max_pages:
            params = {**response.meta["params"], "after": after}
            nxt = self._listing(source, response.meta["path"], params, page + 1)
        yield from self.paginate(response, result.posts, nxt)

    def _threads(self, response: Any, source: RedditSource, result: ParseResult) -> Iterator[scrapy.Request]:
        """The comments of listed posts that name the product and have comments new to us: one
        request per post, so only those."""
        opened = self.threads_opened.setdefault(source.name, set())
        base = source.base_url.rstrip("/")
        for post in result.posts:
            fullname = post.source_post_id
            if post.kind != "post" or not (post.replies or 0) > 0 or fullname in opened:
                continue
            if len(opened) >= source.max_threads or not self.mentions_product(post):
                continue
            if not self.thread_needs_visit(response, fullname, post.replies):
                continue
            opened.add(fullname)
            url = f"{base}/comments/{fullname.removeprefix('t3_')}.json?sort=new&raw_json=1"
            yield self.request(url, source, thread=fullname, replies=post.replies)
