"""`lingting demo`: the bundled sample site on 127.0.0.1, crawled by the real spiders."""

from __future__ import annotations

import os
from pathlib import Path

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


def demo_config(base_url: str, *, database: str = "lingting.db", tickets: str = "tickets.jsonl") -> str:
    """A lingting.toml whose sources are the demo site's copies of each source type."""
    return f"""\
# Written by `lingting demo`: every source points at the bundled sample site.
database = "{database}"

{DEMO_PRODUCT}
[[sources]]
name = "v2ex"
type = "v2ex"
base_url = "{base_url}"
nodes = ["rtc", "im"]

[[sources]]
name = "forum"
type = "discourse"
base_url = "{base_url}/discourse"
max_pages = 3

[[sources]]
name = "hn"
type = "hackernews"
base_url = "{base_url}/hn"
queries = ["VoxLink"]

[[sources]]
name = "weibo-rss"
type = "rss"
url = "{base_url}/feeds/weibo.rss"
platform = "weibo"

[[sources]]
name = "reddit"
type = "rss"
url = "{base_url}/feeds/reddit.atom"
platform = "reddit"

[[sources]]
name = "reddit-api"
type = "reddit"
base_url = "{base_url}/reddit"
queries = ["VoxLink"]
subreddits = ["androiddev"]
subreddit_new = true

[[sources]]
name = "stackoverflow"
type = "stackexchange"
base_url = "{base_url}/se"

[[sources]]
name = "github"
type = "github"
base_url = "{base_url}/github"

[[sources]]
name = "appstore"
type = "appstore"
base_url = "{base_url}/appstore"
app_id = "6450123456"
countries = ["us", "cn", "gb"]
product = "VoxLink"

[[sources]]
name = "weibo"
type = "weibo"
base_url = "{base_url}/weibo"
queries = ["声链"]
cookie_env = "{DEMO_WEIBO_COOKIE_ENV}"
min_delay_seconds = 0

[[sources]]
name = "tieba"
type = "tieba"
base_url = "{base_url}/tieba"
queries = ["声链"]
min_delay_seconds = 0

[[sources]]
name = "bilibili"
type = "bilibili"
base_url = "{base_url}/bilibili"
queries = ["声链"]
min_delay_seconds = 0

[crawl]
download_delay = 0
autothrottle = false
concurrent_per_domain = 4
timeout_seconds = 10
retries = 1

[export]
auto = ["P0", "P1"]
review = ["P2"]
event_source = "urn:lingting:demo"

[[export.sinks]]
type = "jsonl"
path = "{tickets}"
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
