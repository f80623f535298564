"""Bilibili: wbi-signed video search, the comments of videos about the product, and their sub-replies.

The crawl of a source starts with `/x/web-interface/nav` for the day's wbi keys; every search page
is then signed (w_rid, wts). Videos about the product with comments are opened (up to `max_videos`
a run, again when their comment count grew): `/x/v2/reply?type=1&oid=&sort=0&pn=` (newest first),
and a root comment with more sub-replies than it shows gets `/x/v2/reply/reply?type=1&oid=&root=&pn=`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urlencode

import scrapy
from twisted.python.failure import Failure

from config.settings import BilibiliSource
from crawler.bilibili_wbi import WbiKeys, keys_from_nav, signed_query
from crawler.parsers import ParseError, ParseResult
from crawler.parsers.common import opt_int
from crawler.report import note_error
from crawler.spiders.base import describe_failure
from crawler.spiders.guarded import GuardedSpider

KEYS_MAX_AGE = 30 * 60
"""Seconds a fetched pair of wbi keys is reused by later crawls."""


class BilibiliSpider(GuardedSpider):
    name = "bilibili"
    source_type = "bilibili"
    platform = "bilibili"
    headers: ClassVar[dict[str, str]] = {
        "Accept": "application/json, text/plain, */*",
        "Referer": "https://www.bilibili.com/",
        "Origin": "https://www.bilibili.com",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.videos_opened: dict[str, int] = {}

    @staticmethod
    def _api(source: BilibiliSource) -> str:
        return source.base_url.rstrip("/")

    def requests_for(self, source: BilibiliSource) -> Iterator[scrapy.Request]:
        self.videos_opened[source.name] = 0
        # The keys rotate about daily; a re-crawl within KEYS_MAX_AGE reuses them instead of
        # asking again (one request per listing is the target of an unchanged re-crawl).
        kept = self.state.kept(source.name, "wbi_keys", max_age_seconds=KEYS_MAX_AGE)
        if kept:
            keys = WbiKeys(**json.loads(kept))
            for term in self.queries(source):
                yield self._search(source, keys, term, 1, query=f"search:{term}")
            return
        url = f"{self._api(source)}/x/web-interface/nav"
        request = self.site_request(url, source, callback=self.parse_nav, errback=self._nav_failed)
        # To a visitor the nav answer says "not logged in" (code -101) while it hands out the keys;
        # without `source_name` the block detection (crawler/middlewares.py) does not take it for a
        # login wall. The source travels as `wbi_source` instead.
        request.meta["wbi_source"] = request.meta.pop("source_name")
        yield request

    def _nav_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        name = request.meta.get("wbi_source", self.name)
        note_error(self.crawler, name, f"{request.url}: {describe_failure(failure)}")

    def parse_nav(self, response: Any) -> Iterator[scrapy.Request]:
        source = self.settings_model.source(response.meta["wbi_source"])
        assert isinstance(source, BilibiliSource)
        try:
            keys = keys_from_nav(response.body)
        except ParseError as exc:
            note_error(self.crawler, source.name, f"{response.url}: {exc}", parse=True)
            return
        self.state.keep(source.name, "wbi_keys", json.dumps({"img_key": keys.img_key, "sub_key": keys.sub_key}))
        for term in self.queries(source):
            yield self._search(source, keys, term, 1, query=f"search:{term}")

    def _search(self, source: BilibiliSource, keys: WbiKeys, term: str, page: int, **meta: Any) -> scrapy.Request:
        params = {"search_type": "video", "keyword": term, "order": "pubdate", "page": page}
        url = f"{self._api(source)}/x/web-interface/wbi/search/type?{signed_query(params, keys, int(time.time()))}"
        return self.site_request(url, source, page=page, term=term, keys=keys, **meta)

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        result = self.posts_from(response)
        if result is None:
            return
        source = self.source_of(response)
        assert isinstance(source, BilibiliSource)
        if result.kind == "bilibili/search":
            yield from result.posts
            yield from self._open_videos(response, result, source)
            page = response.meta.get("page", 1)
            more = result.has_more and page < source.max_pages
            nxt = self._search(source, response.meta["keys"], response.meta["term"], page + 1) if more else None
            yield from self.paginate(response, result.posts, nxt)
        elif result.kind in ("bilibili/replies", "bilibili/sub_replies"):
            yield from self._comments(response, result, source)

    def _open_videos(self, response: Any, result: ParseResult, source: BilibiliSource) -> Iterator[scrapy.Request]:
        for video in result.posts:
            if self.videos_opened.get(source.name, 0) >= source.max_videos:
                return
            aid = video.source_post_id.removeprefix("av")
            if not (video.replies or 0) > 0 or not aid.isdigit() or not self.mentions_product(video):
                continue
            if self.thread_needs_visit(response, video.source_post_id, video.replies):
                self.videos_opened[source.name] = self.videos_opened.get(source.name, 0) + 1
                listing = {"type": 1, "oid": aid, "sort": 0}
                yield self._replies(source, "/x/v2/reply", listing, 1, video.source_post_id, video.replies, video.title)

    def _replies(
        self,
        source: BilibiliSource,
        path: str,
        listing: dict[str, Any],
        page: int,
        thread: str,
        replies: int | None,
        title: str | None,
    ) -> scrapy.Request:
        url = f"{self._api(source)}{path}?{urlencode({**listing, 'pn': page})}"
        meta = {"path": path, "listing": listing, "page": page, "title": title}
        return self.site_request(url, source, thread=thread, replies=replies, **meta)

    def _comments(self, response: Any, result: ParseResult, source: BilibiliSource) -> Iterator[Any]:
        meta = response.meta
        for post in result.posts:
            post.title = post.title or meta.get("title")  # the video's title, as a forum reply carries its topic's
        yield from result.posts
        if result.kind == "bilibili/replies":
            yield from self._open_sub_replies(response, result, source)
        page = meta.get("page", 1)
        if result.has_more and page < source.max_pages:
            nxt = self._replies(
                source, meta["path"], meta["listing"], page + 1, meta["thread"], meta.get("replies"), meta.get("title")
            )
            yield self.next_visit_page(nxt, response, result.posts)
        else:
            yield self.thread_visited(response, meta["thread"], result.posts, replies=meta.get("replies"))

    def _open_sub_replies(self, response: Any, result: ParseResult, source: BilibiliSource) -> Iterator[scrapy.Request]:
        shown: dict[str, int] = {}
        for post in result.posts:
            if post.parent_id and not post.parent_id.startswith("av"):
                root = str(post.raw.get("root") or post.parent_id)
                shown[root] = shown.get(root, 0) + 1
        for post in result.posts:
            count = post.replies or 0
            # A root comment shows its first few sub-replies; only one with more is opened.
            is_root = bool(post.parent_id and post.parent_id.startswith("av"))
            if not is_root or count <= shown.get(post.source_post_id, 0) or not self.mentions_product(post):
                continue
            if self.thread_needs_visit(response, post.source_post_id, count):
                listing = {"type": 1, "oid": opt_int(post.raw.get("oid")), "root": post.source_post_id}
                title = response.meta.get("title")
                yield self._replies(source, "/x/v2/reply/reply", listing, 1, post.source_post_id, count, title)
