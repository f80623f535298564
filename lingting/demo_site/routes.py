"""Map a request target to a Response: the whole site minus the socket, so it can be tested bare."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from lingting.demo_site.chinese_routes import ChineseSites
from lingting.demo_site.content import Content
from lingting.demo_site.discourse import NOT_FOUND, DiscourseSite
from lingting.demo_site.feeds import FeedSite
from lingting.demo_site.hackernews import HackerNewsSite
from lingting.demo_site.history import zhihu_rss
from lingting.demo_site.responses import (
    ATOM,
    Response,
    json_response,
    not_found_html,
    robots_txt,
    server_error_html,
)
from lingting.demo_site.v2ex import V2exSite
from lingting.demo_site.western_routes import WesternSites

# A topic on the first page of /discourse/latest.json, so a crawl meets the fault mid-way.
FAULTY_TOPIC_ID = 448
FAULTY_V2EX_NODE = "im"
DISCOURSE_TOPIC = re.compile(r"^/discourse/t/(?:[^/]+/)?(\d+)\.json$")


def _int(value: str | None, default: int | None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


class Router:
    def __init__(self, content: Content, faults: bool = False, now: datetime | None = None) -> None:
        self.faults = faults
        self.v2ex = V2exSite(content)
        self.discourse = DiscourseSite(content)
        self.hackernews = HackerNewsSite(content)
        self.feeds = FeedSite(content)
        self.western = WesternSites(content)  # Reddit JSON, Stack Exchange, GitHub, App Store
        self.chinese = ChineseSites(content)  # native Weibo, Tieba, Bilibili (some check request headers)
        self.anchor = content.anchor
        self.now = now  # the site's clock, when it serves an earlier moment than its anchor

    def handle(self, base_url: str, target: str, headers: Mapping[str, str] | None = None) -> Response:
        parts = urlsplit(target)
        path, raw_query = parts.path, parts.query
        # First value wins for repeated parameters; blank values are kept (query= means "all").
        params = {key: values[0] for key, values in parse_qs(raw_query, keep_blank_values=True).items()}
        response = self.chinese.route(base_url, target, path, params, headers) or self._route(
            base_url, path, params, raw_query
        )
        return self._inject_fault(path, params, response) if self.faults else response

    def _route(self, base_url: str, path: str, params: dict[str, str], raw_query: str) -> Response:
        if path == "/robots.txt":
            return robots_txt()
        if path == "/api/topics/latest.json":
            return self.v2ex.latest(base_url)
        if path == "/api/topics/show.json":
            return self.v2ex.show(base_url, params.get("node_name", ""))
        if path == "/api/replies/show.json":
            return self.v2ex.replies(base_url, params.get("topic_id", ""))
        if path == "/discourse/latest.json":
            return self.discourse.latest(max(_int(params.get("page"), 0) or 0, 0))
        if path == "/discourse/search.json":
            return self.discourse.search(params.get("q", ""), _int(params.get("page"), 1) or 1)
        if path == "/discourse/posts.json":
            return self.discourse.latest_posts(_int(params.get("before"), None))
        if match := DISCOURSE_TOPIC.match(path):
            return self.discourse.topic(match.group(1))
        if path in ("/hn/api/v1/search_by_date", "/hn/api/v1/search"):
            return self.hackernews.search(params, raw_query, by_date=path.endswith("_by_date"))
        if path == "/feeds/weibo.rss":
            return self.feeds.weibo_rss(base_url)
        if path == "/feeds/reddit.atom":
            return self.feeds.reddit_atom(base_url)
        if path == "/feeds/zhihu.rss":  # eight weeks of history, for the trend report
            return zhihu_rss(base_url, self.anchor, self.now)
        if (western := self.western.route(base_url, path, params)) is not None:
            return western
        # An API client expects JSON even for a wrong path; a browser gets a page.
        if path.startswith("/discourse/") and path.endswith(".json"):
            return json_response(NOT_FOUND, 404)
        if path.startswith(("/api/", "/hn/api/")):
            return json_response({"message": "Not Found", "status": 404}, 404)
        return not_found_html()

    def _inject_fault(self, path: str, params: dict[str, str], response: Response) -> Response:
        if path == "/api/topics/show.json" and params.get("node_name") == FAULTY_V2EX_NODE:
            return Response(200, response.content_type, response.body[: len(response.body) // 2])
        match = DISCOURSE_TOPIC.match(path)
        if match and int(match.group(1)) == FAULTY_TOPIC_ID:
            return server_error_html()
        if path == "/feeds/reddit.atom":
            return Response(200, ATOM, b"")
        return response
