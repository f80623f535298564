"""Discourse forums: search, latest topics, latest posts, and the posts of the topics found."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import scrapy

from config.settings import DiscourseSource
from crawler.spiders.base import ListeningSpider


class DiscourseSpider(ListeningSpider):
    name = "discourse"
    source_type = "discourse"
    platform = "discourse"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topics_opened: dict[str, set[str]] = {}

    def requests_for(self, source: DiscourseSource) -> Iterator[scrapy.Request]:
        base = source.base_url.rstrip("/")
        self.topics_opened[source.name] = set()
        for q in self.queries(source):
            yield self.request(f"{base}/search.json?q={quote(q)}&page=1", source, page=1, query=q)
        if source.latest:
            yield self.request(f"{base}/latest.json?page=0", source, page=0)
        if source.posts:
            yield self.request(f"{base}/posts.json", source)

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        result = self.posts_from(response)
        if result is None:
            return
        source = self.settings_model.source(response.meta["source_name"])
        assert isinstance(source, DiscourseSource)
        base = source.base_url.rstrip("/")
        yield from result.posts
        if result.kind in ("discourse/latest", "discourse/search"):
            opened = self.topics_opened.setdefault(source.name, set())
            for post in result.posts:
                # thread_id is "<host>:t:<topic number>"
                topic = (post.thread_id or "").rpartition(":t:")[2]
                if topic.isdigit() and topic not in opened and len(opened) < source.max_topics:
                    opened.add(topic)
                    yield self.request(f"{base}/t/{topic}.json", source)
            page = response.meta.get("page")
            searching = result.kind == "discourse/search"
            if page is None or not result.has_more:
                return
            fetched = page if searching else page + 1  # search pages count from 1, latest from 0
            if fetched < source.max_pages:
                nxt = page + 1
                if searching:
                    url = f"{base}/search.json?q={quote(response.meta['query'])}&page={nxt}"
                    yield self.request(url, source, page=nxt, query=response.meta["query"])
                else:
                    yield self.request(f"{base}/latest.json?page={nxt}", source, page=nxt)
