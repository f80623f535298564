"""`lingting demo`: the bundled sample site on 127.0.0.1, crawled by the real spiders."""

from __future__ import annotations

from pathlib import Path

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
name = "weibo"
type = "rss"
url = "{base_url}/feeds/weibo.rss"
platform = "weibo"

[[sources]]
name = "reddit"
type = "rss"
url = "{base_url}/feeds/reddit.atom"
platform = "reddit"

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
    return path
