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
            yield self.request(f"{base}/api/topics/latest.json", source)
        for node in source.nodes:
            yield self.request(f"{base}/api/topics/show.json?node_name={quote(node)}", source)

    def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
        result = self.posts_from(response)
        if result is None:
            return
        source = self.settings_model.source(response.meta["source_name"])
        assert isinstance(source, V2exSource)
        base = source.base_url.rstrip("/")
        for post in result.posts:
            yield post
            # Replies cost one request each (V2EX allows 120 an hour), so only for topics about us.
            if post.kind == "post" and (post.replies or 0) > 0 and self.mentions_product(post):
                yield self.request(f"{base}/api/replies/show.json?topic_id={post.source_post_id}", source)
