"""Discourse forums: search, latest topics, latest posts, and the posts of the topics found.

Incremental: search asks for `order:latest`, so results come newest first and a re-crawl stops
at the first page that reaches the last pass; latest topics are ordered by activity (bumped_at).
A topic is opened when it is new to us or its reply count grew; a topic visited before is read
from where the last visit stopped (`/t/{id}/posts.json?post_number=N&asc=true`, 20 posts a chunk).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import scrapy

from config.settings import DiscourseSource
from crawler.items import PostItem
from crawler.parsers.common import opt_int
from crawler.spiders.base import ListeningSpider

CHUNK = 20  # posts Discourse sends per topic chunk


def activity(post: PostItem) -> str | None:
    """Latest topics are ordered by their last activity, not by when they were opened."""
    raw = post.raw if isinstance(post.raw, dict) else {}
    value = raw.get("bumped_at") or raw.get("last_posted_at")
    return value if isinstance(value, str) else post.created_at


def post_number(post: PostItem) -> int:
    raw = post.raw if isinstance(post.raw, dict) else {}
    return opt_int(raw.get("post_number")) or 0


class DiscourseSpider(ListeningSpider):
    name = "discourse"
    source_type = "discourse"
    platform = "discourse"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topics_opened: dict[str, int] = {}

    @staticmethod
    def _search_url(base: str, term: str, page: int) -> str:
        return f"{base}/search.json?q={quote(term + ' order:latest')}&page={page}"

    def requests_for(self, source: DiscourseSource) -> Iterator[scrapy.Request]:
        base = source.base_url.rstrip("/")
        self.topics_opened[source.name] = 0
        for q in self.queries(source):
            yield self.request(self._search_url(base, q, 1), source, query=f"search:{q}", page=1, term=q)
        if source.latest:
            yield self.request(f"{base}/latest.json?page=0", source, query="latest", page=0)
        if source.posts:
            yield self.request(f"{base}/posts.json", source, query="posts", page=0)

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        result = self.posts_from(response)
        if result is None:
            return
        source = self.source_of(response)
        assert isinstance(source, DiscourseSource)
        base = source.base_url.rstrip("/")
        yield from result.posts
        if result.kind in ("discourse/topic", "discourse/topic_posts"):
            yield from self._topic_chunk(response, result.posts, base, source, result.has_more)
            return
        page = response.meta.get("page", 0)
        if result.kind == "discourse/latest":
            yield from self._open_topics(response, base, source, {p.thread_id: p.replies for p in result.posts})
            nxt = self.request(f"{base}/latest.json?page={page + 1}", source, page=page + 1)
            more = result.has_more and page + 1 < source.max_pages
            yield from self.paginate(response, result.posts, nxt if more else None, order=activity)
        elif result.kind == "discourse/search":
            yield from self._open_topics(response, base, source, self._search_topics(response, result.posts))
            term = response.meta["term"]
            nxt = self.request(self._search_url(base, term, page + 1), source, page=page + 1, term=term)
            more = result.has_more and page < source.max_pages  # search pages count from 1
            yield from self.paginate(response, result.posts, nxt if more else None)
        elif result.kind == "discourse/posts":
            ids = [i for i in (opt_int(p.raw.get("id")) for p in result.posts) if i is not None]
            older = self.request(f"{base}/posts.json?before={min(ids)}", source, page=page + 1) if ids else None
            yield from self.paginate(response, result.posts, older if page + 1 < source.max_pages else None)

    @staticmethod
    def _search_topics(response: Any, posts: list[PostItem]) -> dict[str | None, int | None]:
        """Thread id -> reply count, from the topics a search result lists beside its posts."""
        counts: dict[str, int | None] = {}
        try:
            data = json.loads(response.body)
            topics = data.get("topics") if isinstance(data, dict) else None
        except ValueError:
            topics = None
        for topic in topics if isinstance(topics, list) else []:
            if isinstance(topic, dict) and (posts_count := opt_int(topic.get("posts_count"))) is not None:
                counts[str(topic.get("id"))] = max(posts_count - 1, 0)
        found: dict[str | None, int | None] = {}
        for post in posts:
            topic_id = (post.thread_id or "").rpartition(":t:")[2]
            found.setdefault(post.thread_id, counts.get(topic_id))
        return found

    def _open_topics(
        self, response: Any, base: str, source: DiscourseSource, threads: dict[str | None, int | None]
    ) -> Iterator[scrapy.Request]:
        for thread_id, replies in threads.items():
            topic = (thread_id or "").rpartition(":t:")[2]  # thread_id is "<host>:t:<topic number>"
            if not topic.isdigit() or self.topics_opened.get(source.name, 0) >= source.max_topics:
                continue
            if not self.thread_needs_visit(response, thread_id, replies):
                continue
            self.topics_opened[source.name] = self.topics_opened.get(source.name, 0) + 1
            assert thread_id is not None
            cursor = self.thread_cursor(response, thread_id)
            # A topic seen before is read from where its last visit stopped: only the new replies.
            url = f"{base}/t/{topic}/posts.json?post_number={cursor}&asc=true" if cursor else f"{base}/t/{topic}.json"
            yield self.request(url, source, thread=thread_id, topic=topic, replies=replies, cursor=cursor)

    def _topic_chunk(
        self, response: Any, posts: list[PostItem], base: str, source: DiscourseSource, has_more: bool
    ) -> Iterator[Any]:
        thread_id = response.meta.get("thread")
        if thread_id is None:
            return  # a topic fetched outside a visit (never by this spider)
        numbers = [post_number(p) for p in posts]
        cursor = max([*numbers, int(response.meta.get("cursor") or 0)])
        # /t/{id}.json says whether more posts exist (a stream longer than the posts sent);
        # a chunk of posts.json does by being full.
        chunked = "/posts.json" in response.url
        if (has_more or (chunked and len(posts) >= CHUNK)) and cursor:
            covered = [*response.meta.get("thread_covered", ()), *((p.source, p.source_post_id) for p in posts)]
            url = f"{base}/t/{response.meta['topic']}/posts.json?post_number={cursor}&asc=true"
            meta = {k: response.meta[k] for k in ("thread", "topic", "replies")}
            yield self.request(url, source, **meta, cursor=str(cursor), thread_covered=covered)
            return
        yield self.thread_visited(
            response, thread_id, posts, replies=response.meta.get("replies"), cursor=str(cursor) if cursor else None
        )
