"""Weibo (m.weibo.cn): keyword search with a logged-in cookie, and the whole text of long posts.

A source without its cookie (the environment variable named by `cookie_env` unset) is skipped
with a warning in the run summary. A long post (`isLongText`) is held back until its
/statuses/extend answer gives the whole text, so the store never holds the cut version; if that
request fails, the cut version is stored after all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any, ClassVar
from urllib.parse import urlencode

import scrapy
from twisted.python.failure import Failure

from config.settings import WeiboSource
from crawler.items import PostItem
from crawler.report import note_error
from crawler.spiders.base import created
from crawler.spiders.guarded import GuardedSpider

REALTIME, RANKED = 61, 1  # the search tabs 实时 (newest first) and 综合


def unordered(post: PostItem) -> str | None:
    """综合 results are ranked, not dated: a re-crawl stops only at a page it has wholly seen."""
    return None


class WeiboSpider(GuardedSpider):
    name = "weibo"
    source_type = "weibo"
    platform = "weibo"
    headers: ClassVar[dict[str, str]] = {
        "Accept": "application/json, text/plain, */*",
        "X-Requested-With": "XMLHttpRequest",
        "MWeibo-Pwa": "1",
    }

    def _search(self, source: WeiboSource, term: str, page: int, **meta: Any) -> scrapy.Request:
        containerid = f"100103type={REALTIME if source.realtime else RANKED}&q={term}"
        query = urlencode({"containerid": containerid, "page_type": "searchall", "page": page})
        request = self.site_request(
            f"{source.base_url.rstrip('/')}/api/container/getIndex?{query}", source, page=page, term=term, **meta
        )
        request.headers["Referer"] = f"{source.base_url.rstrip('/')}/search?{urlencode({'containerid': containerid})}"
        return request

    def requests_for(self, source: WeiboSource) -> Iterator[scrapy.Request]:
        if self.cookie_of(source) is None:
            note_error(
                self.crawler,
                source.name,
                f"source skipped: the environment variable {source.cookie_env} is not set; log in at m.weibo.cn in a"
                f" browser and put its Cookie header in {source.cookie_env}"
                f" / 已跳过：未设置环境变量 {source.cookie_env}，请在浏览器登录 m.weibo.cn 后把 Cookie 放入该变量",
            )
            return
        for term in self.queries(source):
            yield self._search(source, term, 1, query=f"search:{term}")

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        pending: PostItem | None = response.meta.get("pending")
        result = self.posts_from(response)
        if pending is not None:  # a /statuses/extend answer
            yield _with_long_text(pending, result.posts[0] if result and result.posts else None)
            return
        if result is None:
            return
        source = self.source_of(response)
        assert isinstance(source, WeiboSource)
        ready = []
        for post in result.posts:
            if source.long_text and post.raw.get("isLongText") is True:
                if not self.known(post):  # a long post stored before already has its whole text
                    yield self._extend(source, post)
                continue
            ready.append(post)
        yield from ready
        if result.kind not in ("weibo/search", "weibo/cards"):
            return
        page = response.meta.get("page", 1)
        more = result.has_more and page < source.max_pages
        nxt = self._search(source, response.meta["term"], page + 1) if more and "term" in response.meta else None
        yield from self.paginate(response, ready, nxt, order=created if source.realtime else unordered)

    def _extend(self, source: WeiboSource, post: PostItem) -> scrapy.Request:
        url = f"{source.base_url.rstrip('/')}/statuses/extend?id={post.source_post_id}"
        request = self.site_request(url, source, errback=self._extend_failed, pending=post)
        request.headers["Referer"] = post.url
        return request

    def _extend_failed(self, failure: Failure) -> Iterator[PostItem]:
        self.on_error(failure)
        pending = failure.request.meta.get("pending")  # type: ignore[attr-defined]
        if isinstance(pending, PostItem):
            yield pending


def _with_long_text(post: PostItem, long_text: PostItem | None) -> PostItem:
    """The search's post with the whole text (and the counts) of its extend answer."""
    if long_text is None or not long_text.text:
        return post
    return replace(
        post,
        text=long_text.text,
        likes=long_text.likes if long_text.likes is not None else post.likes,
        replies=long_text.replies if long_text.replies is not None else post.replies,
        raw={**post.raw, "longTextContent": long_text.raw.get("longTextContent")},
    )
