"""V2EX API v1: latest topics, topics of chosen nodes, and the replies of topics about the product."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import scrapy

from config.settings import V2exSource
from crawler.spiders.base import ListeningSpider


class V2exSpider(ListeningSpider):
    name = "v2ex"
    source_type = "v2ex"
    platform = "v2ex"

    def requests_for(self, source: V2exSource) -> Iterator[scrapy.Request]:
        base = source.base_url.rstrip("/")
        if source.latest:
            yield self.request(f"{base}/api/topics/latest.json", source, query="latest")
        for node in source.nodes:
            yield self.request(f"{base}/api/topics/show.json?node_name={quote(node)}", source, query=f"node:{node}")

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        result = self.posts_from(response)
        if result is None:
            return
        yield from result.posts
        if result.kind == "v2ex/replies":
            thread, listed = response.meta["thread"], response.meta.get("replies")
            # The topic may have grown between the listing and this visit: keep the larger count.
            seen = max(listed or 0, len(result.posts))
            yield self.thread_visited(response, thread, result.posts, replies=seen, cursor=str(seen))
            return
        source = self.source_of(response)
        assert isinstance(source, V2exSource)
        base = source.base_url.rstrip("/")
        for post in result.posts:
            # Replies cost one request each (V2EX allows 120 an hour), so only for topics about us,
            # and only when the topic has replies the last visit did not see. API v1 has no "replies
            # after" parameter: the visit fetches the list again and the store keeps what is new.
            if (
                post.kind == "post"
                and (post.replies or 0) > 0
                and self.mentions_product(post)
                and self.thread_needs_visit(response, post.source_post_id, post.replies)
            ):
                url = f"{base}/api/replies/show.json?topic_id={post.source_post_id}"
                yield self.request(url, source, thread=post.source_post_id, replies=post.replies)
        # Both lists are one page: newest topics, or a node's newest.
        yield from self.paginate(response, result.posts, None)
