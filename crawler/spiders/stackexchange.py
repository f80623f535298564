"""Stack Exchange API 2.3: questions found by search, newest first, then the answers and comments of
the questions about the product.

The API asks clients to leave it alone for `backoff` seconds when it says so, and bans those that do
not: the rate-limit middleware holds a source's requests back for that long. The searches of one
source run one after another (each page's follow-ups are yielded from its callback), so that such a
wait holds all of them, and a used-up daily quota (`quota_remaining` 0) ends the source's crawl.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy
from twisted.python.failure import Failure

from config.settings import StackExchangeSource
from crawler.items import PostItem
from crawler.parsers import ParseResult
from crawler.parsers.stackexchange import StackExchangeResult
from crawler.report import note_error
from crawler.spiders.base import ListeningSpider

SEARCH_PAGE_SIZE = 50


class StackExchangeSpider(ListeningSpider):
    name = "stackexchange"
    source_type = "stackexchange"
    platform = "stackexchange"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions_opened: dict[str, set[str]] = {}

    def _api(self, source: StackExchangeSource, path: str, params: dict[str, Any], **meta: Any) -> scrapy.Request:
        query = urlencode({**params, "site": source.site, "filter": "withbody"})
        url = f"{source.base_url.rstrip('/')}/2.3{path}?{query}"
        # The API's errors (throttle_violation, bad_parameter) come as HTTP 400 with a JSON body
        # that says what is wrong; the parser turns it into the error message.
        return self.request(url, source, path=path, params=params, handle_httpstatus_list=[400], **meta)

    def _search(self, source: StackExchangeSource, query_index: int, page: int) -> scrapy.Request:
        q = self.queries(source)[query_index]
        params = {"q": q, "sort": "creation", "order": "desc", "pagesize": SEARCH_PAGE_SIZE, "page": page}
        request = self._api(source, "/search/advanced", params, query_index=query_index, page=page)
        request.errback = self.on_search_error
        return request

    def requests_for(self, source: StackExchangeSource) -> Iterator[scrapy.Request]:
        self.questions_opened[source.name] = set()
        if self.queries(source):
            yield self._search(source, 0, 1)

    def on_search_error(self, failure: Failure) -> Iterator[scrapy.Request]:
        """Counted as every error is; a failed search still hands over to the next query."""
        self.on_error(failure)
        meta = failure.request.meta  # type: ignore[attr-defined]
        source = self.settings_model.source(meta["source_name"])
        assert isinstance(source, StackExchangeSource)
        if meta["query_index"] + 1 < len(self.queries(source)):
            yield self._search(source, meta["query_index"] + 1, 1)

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        result = self.posts_from(response)
        source = self.settings_model.source(response.meta["source_name"])
        assert isinstance(source, StackExchangeSource)
        if result is not None:
            yield from result.posts
        if isinstance(result, StackExchangeResult) and result.quota_remaining == 0:
            note_error(self.crawler, source.name, "daily request quota used up / 今日请求配额已用完")
            return
        yield from self._follow_ups(source, response.meta, result)

    def _follow_ups(
        self, source: StackExchangeSource, meta: dict[str, Any], result: ParseResult | None
    ) -> Iterator[scrapy.Request]:
        page = int(meta.get("page") or 1)
        more = result is not None and result.has_more and page < source.max_pages
        if meta["path"] != "/search/advanced":
            if more:  # the next page of answers or comments of the same questions
                yield self._api(source, meta["path"], {**meta["params"], "page": page + 1}, page=page + 1)
            return
        if result is not None:
            yield from self._answers_and_comments(source, result.posts)
        # The searches run one after another, so that a backoff holds them all.
        if more:
            yield self._search(source, meta["query_index"], page + 1)
        elif meta["query_index"] + 1 < len(self.queries(source)):
            yield self._search(source, meta["query_index"] + 1, 1)

    def _answers_and_comments(self, source: StackExchangeSource, posts: list[PostItem]) -> Iterator[scrapy.Request]:
        opened = self.questions_opened.setdefault(source.name, set())
        chosen: list[tuple[str, bool]] = []
        for post in posts:
            number = post.source_post_id.rpartition(":q:")[2]
            if post.kind != "post" or not number.isdigit() or number in opened:
                continue
            if len(opened) >= source.max_questions or not self.mentions_product(post):
                continue
            opened.add(number)
            chosen.append((number, (post.replies or 0) > 0))
        # max_questions is at most 100, the API's limit for a vector of ids: one request each.
        params = {"sort": "creation", "order": "desc", "pagesize": 100, "page": 1}
        answered = [number for number, has_answers in chosen if has_answers]
        if source.answers and answered:
            yield self._api(source, f"/questions/{';'.join(answered)}/answers", params, page=1)
        if source.comments and chosen:
            ids = ";".join(number for number, _ in chosen)
            yield self._api(source, f"/questions/{ids}/comments", params, page=1)
