"""Reddit's public JSON: searches (all of Reddit, chosen subreddits), new posts, and the comments of
posts about the product."""

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

    def _listing(self, source: RedditSource, path: str, params: dict[str, Any], page: int = 0) -> scrapy.Request:
        # raw_json=1: texts as written, not HTML-escaped once more (Reddit's legacy default).
        query = urlencode({**params, "limit": PAGE_SIZE, "raw_json": 1})
        url = f"{source.base_url.rstrip('/')}{path}?{query}"
        return self.request(url, source, path=path, params=params, page=page)

    def requests_for(self, source: RedditSource) -> Iterator[scrapy.Request]:
        self.threads_opened[source.name] = set()
        for q in self.queries(source):
            if source.search_all:
                yield self._listing(source, "/search.json", {"q": q, "sort": "new"})
            for sub in source.subreddits:
                yield self._listing(source, f"/r/{sub}/search.json", {"q": q, "restrict_sr": 1, "sort": "new"})
        if source.subreddit_new:
            for sub in source.subreddits:
                yield self._listing(source, f"/r/{sub}/new.json", {})

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        result = self.posts_from(response)
        if result is None:
            return
        yield from result.posts
        source = self.settings_model.source(response.meta["source_name"])
        assert isinstance(source, RedditSource)
        if result.kind != "reddit/posts":
            return
        if source.comments:
            yield from self._threads(source, result)
        page = response.meta.get("page")
        after = result.after if isinstance(result, RedditResult) else None
        if page is not None and after and page + 1 < source.max_pages:
            params = {**response.meta["params"], "after": after}
            yield self._listing(source, response.meta["path"], params, page + 1)

    def _threads(self, source: RedditSource, result: ParseResult) -> Iterator[scrapy.Request]:
        """The comments of listed posts that name the product: one request per post, so only those."""
        opened = self.threads_opened.setdefault(source.name, set())
        base = source.base_url.rstrip("/")
        for post in result.posts:
            fullname = post.source_post_id
            if post.kind != "post" or not (post.replies or 0) > 0 or fullname in opened:
                continue
            if len(opened) >= source.max_threads or not self.mentions_product(post):
                continue
            opened.add(fullname)
            yield self.request(f"{base}/comments/{fullname.removeprefix('t3_')}.json?sort=new&raw_json=1", source)
