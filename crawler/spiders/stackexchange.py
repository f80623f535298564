"""Stack Exchange API 2.3: questions found by search, newest first, then the answers and comments of
the questions about the product.

The API asks clients to leave it alone for `backoff` seconds when it says so, and bans those that do
not: the rate-limit middleware holds a source's requests back for that long. The searches of one
source run one after another (each page's follow-ups are yielded from its callback), so that such a
wait holds all of them, and a used-up daily quota (`quota_remaining` 0) ends the source's crawl.

Incremental: each search term is a listing ("search:<term>"), newest first, so a re-crawl stops at
the first page that reaches the last complete pass and hands over to the next term. The questions
about the product that are new to us, or whose answer (and comment) count grew, are visited in one
batch: their answers and their comments, page after page; each question's checkpoint comes after
the last page of both, so a visit cut short is made again by the next crawl.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import scrapy
from twisted.python.failure import Failure

from config.settings import StackExchangeSource
from crawler.incremental import ThreadVisited
from crawler.items import PostItem
from crawler.parsers import ParseResult
from crawler.parsers.common import opt_int
from crawler.parsers.stackexchange import StackExchangeResult
from crawler.report import note_error
from crawler.spiders.base import ListeningSpider
from store.crawl_state import PostKey

SEARCH_PAGE_SIZE = 50


class StackExchangeSpider(ListeningSpider):
    name = "stackexchange"
    source_type = "stackexchange"
    platform = "stackexchange"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions_opened: dict[str, set[str]] = {}
        self.visits: dict[int, Visit] = {}
        self._visit_count = 0

    def _api(self, source: StackExchangeSource, path: str, params: dict[str, Any], **meta: Any) -> scrapy.Request:
        query = urlencode({**params, "site": source.site, "filter": "withbody"})
        url = f"{source.base_url.rstrip('/')}/2.3{path}?{query}"
        # The API's errors (throttle_violation, bad_parameter) come as HTTP 400 with a JSON body
        # that says what is wrong; the parser turns it into the error message.
        return self.request(url, source, path=path, params=params, handle_httpstatus_list=[400], **meta)

    def _search(self, source: StackExchangeSource, query_index: int, page: int) -> scrapy.Request:
        q = self.queries(source)[query_index]
        params = {"q": q, "sort": "creation", "order": "desc", "pagesize": SEARCH_PAGE_SIZE, "page": page}
        listing = {"query": f"search:{q}"} if page == 1 else {}  # later pages get it from paginate()
        request = self._api(source, "/search/advanced", params, query_index=query_index, page=page, **listing)
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
        source = self.source_of(response)
        assert isinstance(source, StackExchangeSource)
        if result is not None:
            yield from result.posts
        if isinstance(result, StackExchangeResult) and result.quota_remaining == 0:
            note_error(self.crawler, source.name, "daily request quota used up / 今日请求配额已用完")
            return
        if response.meta["path"] == "/search/advanced":
            yield from self._after_search(response, source, result)
        elif result is not None:  # a visit that failed ends here, and is made again next crawl
            yield from self._visit_goes_on(response, source, result)

    def _after_search(self, response: Any, source: StackExchangeSource, result: ParseResult | None) -> Iterator[Any]:
        meta = response.meta
        index, page = meta["query_index"], int(meta.get("page") or 1)
        went_on = False
        if result is not None:
            yield from self._visit(response, source, result.posts)
            more = result.has_more and page < source.max_pages
            for item in self.paginate(response, result.posts, self._search(source, index, page + 1) if more else None):
                went_on = went_on or isinstance(item, scrapy.Request)
                yield item
        # The searches run one after another, so that a backoff holds them all.
        if not went_on and index + 1 < len(self.queries(source)):
            yield self._search(source, index + 1, 1)

    def _visit(self, response: Any, source: StackExchangeSource, posts: list[PostItem]) -> Iterator[scrapy.Request]:
        """The answers and comments of the listed questions about the product that are new to us."""
        opened = self.questions_opened.setdefault(source.name, set())
        chosen: list[tuple[str, bool]] = []
        questions: dict[str, int | None] = {}  # thread id -> reply count the listing gave
        for post in posts:
            number = post.source_post_id.rpartition(":q:")[2]
            if post.kind != "post" or not number.isdigit() or number in opened or not post.thread_id:
                continue
            if len(opened) >= source.max_questions or not self.mentions_product(post):
                continue
            answered = (post.replies or 0) > 0
            if not ((source.answers and answered) or source.comments):
                continue
            if not self.thread_needs_visit(response, post.thread_id, _replies(post)):
                continue
            opened.add(number)
            chosen.append((number, answered))
            questions[post.thread_id] = _replies(post)
        answered_ids = [number for number, answered in chosen if answered]
        parts = [("answers", answered_ids)] if source.answers and answered_ids else []
        if source.comments and chosen:
            parts.append(("comments", [number for number, _ in chosen]))
        if not parts:
            return
        # The answers and the comments go out side by side; the questions' checkpoints wait for both.
        self._visit_count += 1
        visit = Visit(questions, {part for part, _ in parts})
        self.visits[self._visit_count] = visit
        # max_questions is at most 100, the API's limit for a vector of ids: one request each.
        params = {"sort": "creation", "order": "desc", "pagesize": 100, "page": 1}
        for part, ids in parts:
            yield self._api(source, f"/questions/{';'.join(ids)}/{part}", params, page=1, visit=self._visit_count)

    def _visit_goes_on(self, response: Any, source: StackExchangeSource, result: ParseResult) -> Iterator[Any]:
        """The next page of answers or comments, or, once both are read, each question's checkpoint."""
        meta = response.meta
        visit = self.visits.get(meta.get("visit", 0))
        if visit is None:
            return
        for post in result.posts:
            visit.covered.setdefault(post.thread_id or "", []).append((post.source, post.source_post_id))
        page = int(meta.get("page") or 1)
        if result.has_more and page < source.max_pages:
            params = {**meta["params"], "page": page + 1}
            yield self._api(source, meta["path"], params, page=page + 1, visit=meta["visit"])
            return
        visit.parts.discard(meta["path"].rpartition("/")[2])
        if visit.parts:
            return
        del self.visits[meta["visit"]]
        for thread_id, replies in visit.questions.items():
            yield ThreadVisited(meta["source_name"], thread_id, replies, None, visit.covered.get(thread_id, []))


@dataclass
class Visit:
    """One batch of questions being visited: the parts (answers, comments) still being read."""

    questions: dict[str, int | None]
    parts: set[str]
    covered: dict[str, list[PostKey]] = field(default_factory=dict)


def _replies(question: PostItem) -> int | None:
    """What the listing says a question has: its answers, and its comments when the filter gives them."""
    raw = question.raw if isinstance(question.raw, dict) else {}
    comments = opt_int(raw.get("comment_count"))
    if question.replies is None:
        return comments
    return question.replies + (comments or 0)
