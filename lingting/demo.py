"""`lingting demo`: the bundled sample site on 127.0.0.1, crawled by the real spiders."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from lingting.demo_site.weibo_api import DEMO_SUB

DEMO_WEIBO_COOKIE_ENV = "LINGTING_DEMO_WEIBO_COOKIE"
"""The demo's Weibo source reads its cookie from here; the demo site accepts only this demo value."""
DEMO_WEIBO_COOKIE = f"SUB={DEMO_SUB}; SUBP=0033WrSXqPxfM725Ws9jqgMF55529P9D9W5demo"


def demo_environment() -> dict[str, str]:
    """What the demo crawl needs in its environment: the demo site's Weibo login cookie (not a secret)."""
    return {DEMO_WEIBO_COOKIE_ENV: DEMO_WEIBO_COOKIE}


DEMO_PRODUCT = """\
[[products]]
name = "VoxLink"
aliases = ["声链", "VoxLink SDK", "VoxLink RTC", "VoxLink IM"]
exclude = ["VoxLink Records", "乐队"]
competitors = ["Agora", "声网"]
"""


DEMO_SOURCES: tuple[dict[str, Any], ...] = (
    {"name": "v2ex", "type": "v2ex", "base_url": "{base}", "nodes": ["rtc", "im"]},
    {"name": "forum", "type": "discourse", "base_url": "{base}/discourse", "max_pages": 3},
    {"name": "hn", "type": "hackernews", "base_url": "{base}/hn", "queries": ["VoxLink"]},
    {"name": "weibo-rss", "type": "rss", "url": "{base}/feeds/weibo.rss", "platform": "weibo"},
    {"name": "reddit", "type": "rss", "url": "{base}/feeds/reddit.atom", "platform": "reddit"},
    {"name": "zhihu-rss", "type": "rss", "url": "{base}/feeds/zhihu.rss", "platform": "zhihu"},
    {
        "name": "reddit-api",
        "type": "reddit",
        "base_url": "{base}/reddit",
        "queries": ["VoxLink"],
        "subreddits": ["androiddev"],
        "subreddit_new": True,
    },
    {"name": "stackoverflow", "type": "stackexchange", "base_url": "{base}/se"},
    {"name": "github", "type": "github", "base_url": "{base}/github"},
    {
        "name": "appstore",
        "type": "appstore",
        "base_url": "{base}/appstore",
        "app_id": "6450123456",
        "countries": ["us", "cn", "gb"],
        "product": "VoxLink",
    },
    {
        "name": "weibo",
        "type": "weibo",
        "base_url": "{base}/weibo",
        "queries": ["声链"],
        "cookie_env": DEMO_WEIBO_COOKIE_ENV,
        "min_delay_seconds": 0,
    },
    {"name": "tieba", "type": "tieba", "base_url": "{base}/tieba", "queries": ["声链"], "min_delay_seconds": 0},
    {
        "name": "bilibili",
        "type": "bilibili",
        "base_url": "{base}/bilibili",
        "queries": ["声链"],
        "min_delay_seconds": 0,
    },
)
"""The demo site's copy of each source type; "{base}" stands for the site's address."""
DEMO_CRAWL: dict[str, Any] = {
    "download_delay": 0,
    "autothrottle": False,
    "concurrent_per_domain": 4,
    "timeout_seconds": 10,
    "retries": 1,
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def toml_table(header: str, values: Mapping[str, Any]) -> str:
    return "\n".join([header, *(f"{key} = {_toml_value(value)}" for key, value in values.items())]) + "\n"


def demo_sources(
    base_url: str, *, only: Sequence[str] | None = None, changes: Mapping[str, Mapping[str, Any]] | None = None
) -> str:
    """`[[sources]]` tables of the demo site's sources (those named in `only`, or all), each with
    its `changes` (keys to add or replace, by source name)."""
    tables = []
    for source in DEMO_SOURCES:
        if only is not None and source["name"] not in only:
            continue
        values = {**source, **(changes or {}).get(source["name"], {})}
        values = {k: v.replace("{base}", base_url) if isinstance(v, str) else v for k, v in values.items()}
        tables.append(toml_table("[[sources]]", values))
    return "\n".join(tables)


def demo_config(base_url: str, *, database: str = "lingting.db", tickets: str = "tickets.jsonl") -> str:
    """A lingting.toml whose sources are the demo site's copies of each source type."""
    return f"""\
# Written by `lingting demo`: every source points at the bundled sample site.
database = {_toml_value(database)}

{DEMO_PRODUCT}
{demo_sources(base_url)}
{toml_table("[crawl]", DEMO_CRAWL)}
[export]
auto = ["P0", "P1"]
review = ["P2"]
event_source = "urn:lingting:demo"

[[export.sinks]]
type = "jsonl"
path = {_toml_value(tickets)}
"""


def write_demo_config(folder: Path, base_url: str) -> Path:
    """Write a fresh demo config into `folder`, removing the previous demo's database and tickets."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in ("lingting.db", "lingting.db-wal", "lingting.db-shm", "tickets.jsonl"):
        (folder / stale).unlink(missing_ok=True)
    path = folder / "lingting.toml"
    path.write_text(demo_config(base_url), encoding="utf-8")
    # The demo crawl runs in this process: the demo Weibo source finds its (demo) cookie here.
    os.environ.update(demo_environment())
    return path
