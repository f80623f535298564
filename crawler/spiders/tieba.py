"""Baidu Tieba: keyword search, the threads it finds, and the 楼中楼 replies under their floors.

A search hit is only an excerpt. It is stored at once (so the listing's checkpoint covers the whole
page and a re-crawl stops at the first page it has seen), and when its thread is opened (up to
`max_threads` a run) the thread page's floor, with the whole text, replaces it under the same key.
A hit that is a reply ("回复：") opens the page holding that floor (`/p/{tid}?pid={pid}`). Floors
about the product with 楼中楼 replies get them from `/p/comment?tid=&pid=&pn=`; floors are visited
again when their reply count grew.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy
from twisted.python.failure import Failure

from config.settings import TiebaSource
from crawler.items import PostItem
from crawler.parsers import ParseResult
from crawler.parsers.common import opt_int
from crawler.spiders.guarded import GuardedSpider

SEARCH_PAGE_SIZE = 20


class TiebaSpider(GuardedSpider):
    name = "tieba"
    source_type = "tieba"
    platform = "tieba"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.threads_opened: dict[str, int] = {}
        self.tids_opened: set[str] = set()

    @staticmethod
    def _base(source: TiebaSource) -> str:
        return source.base_url.rstrip("/")

    def _search(self, source: TiebaSource, term: str, page: int, **meta: Any) -> scrapy.Request:
        query = urlencode({"ie": "utf-8", "qw": term, "rn": SEARCH_PAGE_SIZE, "pn": page})
        return self.site_request(f"{self._base(source)}/f/search/res?{query}", source, page=page, term=term, **meta)

    def requests_for(self, source: TiebaSource) -> Iterator[scrapy.Request]:
        self.threads_opened[source.name] = 0
        for term in self.queries(source):
            yield self._search(source, term, 1, query=f"search:{term}")

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        result = self.posts_from(response)
        pending: list[PostItem] = response.meta.get("pending", [])
        if result is None:
            yield from pending
            return
        source = self.source_of(response)
        assert isinstance(source, TiebaSource)
        if result.kind == "tieba/search":
            yield from self._search_page(response, result, source)
        elif result.kind == "tieba/thread":
            shown = {post.source_post_id for post in result.posts}
            yield from result.posts
            yield from (post for post in pending if post.source_post_id not in shown)
            yield from self._thread_page(response, result, source)
        elif result.kind == "tieba/comments":
            yield from self._replies_page(response, result, source)

    def _replies_page(self, response: Any, result: ParseResult, source: TiebaSource) -> Iterator[Any]:
        meta = response.meta
        for post in result.posts:
            # The fragment only knows the floor's post id; the first floor is stored as the thread.
            post.parent_id = meta.get("floor") or post.parent_id
            post.title = post.title or meta.get("title")
        yield from result.posts
        page = meta.get("page", 1)
        if result.has_more and page < source.max_pages:
            url = f"{self._base(source)}/p/comment?{urlencode({**meta['lzl'], 'pn': page + 1})}"
            extra = {"lzl": meta["lzl"], "floor": meta.get("floor"), "title": meta.get("title")}
            nxt = self.site_request(url, source, page=page + 1, **extra)
            yield self.next_visit_page(nxt, response, result.posts)
        else:
            yield self.thread_visited(response, meta["thread"], result.posts, replies=meta.get("replies"))

    def _known_reply(self, post: PostItem) -> bool:
        return post.kind == "comment" and self.known(post)

    def _thread_request(self, source: TiebaSource, url: str, posts: list[PostItem], **meta: Any) -> scrapy.Request:
        self.threads_opened[source.name] = self.threads_opened.get(source.name, 0) + 1
        self.tids_opened.add(posts[0].thread_id or "")
        return self.site_request(url, source, errback=self._thread_failed, pending=posts, **meta)

    def _search_page(self, response: Any, result: ParseResult, source: TiebaSource) -> Iterator[Any]:
        # Every hit is stored at once, so the listing's checkpoint covers the whole page; a thread
        # opened below brings the full floor, which replaces the hit's cut text under the same key.
        yield from result.posts
        # The hits of one thread on this page travel together, with one request for the thread.
        hits: dict[str, list[PostItem]] = {}
        for post in result.posts:
            tid = post.thread_id or ""
            if tid in hits:
                hits[tid].append(post)
            elif tid not in self.tids_opened and self.mentions_product(post) and not self._known_reply(post):
                hits[tid] = [post]
        for tid, posts in hits.items():
            opening = next((p for p in posts if p.kind == "post"), None)
            if self.threads_opened.get(source.name, 0) >= source.max_threads:
                continue
            if opening is not None and self.thread_needs_visit(response, tid, None):
                yield self._thread_request(source, f"{self._base(source)}/p/{tid}", posts, page=1, thread=tid)
            elif opening is None:
                # A reply found by the search: the page that holds it (the others come with it or after).
                pid = posts[0].source_post_id.removeprefix("p")
                yield self._thread_request(source, f"{self._base(source)}/p/{tid}?pid={pid}", posts)
        page = response.meta.get("page", 1)
        more = result.has_more and page < source.max_pages
        nxt = self._search(source, response.meta["term"], page + 1) if more else None
        yield from self.paginate(response, result.posts, nxt)

    def _thread_page(self, response: Any, result: ParseResult, source: TiebaSource) -> Iterator[Any]:
        base = self._base(source)
        for floor in result.posts:
            content: dict[str, Any] = floor.raw["content"] if isinstance(floor.raw.get("content"), dict) else {}
            pid, replies = str(content.get("post_id", "")), opt_int(content.get("comment_num"))
            # The 楼中楼 of a floor is visited as a thread of its own, keyed "p{pid}" (also for the
            # first floor, whose post is keyed by the thread id).
            wanted = (replies or 0) > 0 and pid.isdigit() and self.mentions_product(floor)
            if wanted and self.thread_needs_visit(response, f"p{pid}", replies):
                lzl = {"tid": floor.thread_id, "pid": pid}
                url = f"{base}/p/comment?{urlencode({**lzl, 'pn': 1})}"
                meta = {"lzl": lzl, "floor": floor.source_post_id, "title": floor.title}
                yield self.site_request(url, source, page=1, thread=f"p{pid}", replies=replies, **meta)
        thread = response.meta.get("thread")
        if thread is None:
            return  # a page opened at one floor (?pid=) is not a visit of the thread
        page = response.meta.get("page", 1)
        if result.has_more and page < source.max_pages:
            nxt = self.site_request(f"{base}/p/{thread}?pn={page + 1}", source, page=page + 1)
            yield self.next_visit_page(nxt, response, result.posts)
        else:
            yield self.thread_visited(response, thread, result.posts)

    def _thread_failed(self, failure: Failure) -> Iterator[PostItem]:
        self.on_error(failure)
        yield from failure.request.meta.get("pending", [])  # type: ignore[attr-defined]
