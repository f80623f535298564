"""Helpers shared by the demo site tests: fetching over 127.0.0.1 and the fixed anchor."""

from __future__ import annotations

import calendar
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from lingting.demo_site import FAULTY_TOPIC_ID, DemoSite

ANCHOR = datetime(2026, 3, 2, 9, tzinfo=UTC)
OLDEST = ANCHOR - timedelta(days=5)
JSON_TYPE = "application/json; charset=utf-8"
ENDPOINTS = (
    "/robots.txt",
    "/api/topics/latest.json",
    "/api/topics/show.json?node_name=rtc",
    "/api/topics/show.json?node_name=im",
    "/api/replies/show.json?topic_id=1239315",
    "/discourse/latest.json?page=0",
    "/discourse/latest.json?page=1",
    "/discourse/search.json?q=voxlink&page=1",
    "/discourse/posts.json",
    f"/discourse/t/{FAULTY_TOPIC_ID}.json",
    "/discourse/t/442.json",
    "/hn/api/v1/search_by_date?query=voxlink&tags=(story,comment)",
    "/feeds/weibo.rss",
    "/feeds/reddit.atom",
)


class Fetched:
    def __init__(self, status: int, content_type: str, body: bytes) -> None:
        self.status, self.content_type, self.body = status, content_type, body

    def json(self) -> Any:
        return json.loads(self.body)


def fetch(site: DemoSite, path: str, method: str = "GET") -> Fetched:
    assert site.base_url.startswith("http://127.0.0.1:")
    try:
        with urlopen(Request(site.base_url + path, method=method), timeout=10) as response:
            body = response.read()
            status, headers = response.status, response.headers
    except HTTPError as error:
        body, status, headers = error.read(), error.code, error.headers
    if method == "GET":
        assert int(headers["Content-Length"]) == len(body)
    return Fetched(status, headers["Content-Type"], body)


def in_window(moment: datetime) -> bool:
    return OLDEST < moment <= ANCHOR


def feed_time(parsed: time.struct_time) -> datetime:
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
