"""Crawl throughput on the demo site scaled to many posts, beside Scrapy alone fetching the same pages.

    .venv/bin/python -m bench.crawl [--posts 10000] [--keep DIR]

The demo site serves `--posts` synthetic posts (lingting/demo_site/synthetic.py and
synthetic_sites.py: the demo's threads and replies, their words taken from the real Weibo posts and
reviews in ../shared/data with the product's name put in) spread over every source kind the demo
crawls (V2EX, Discourse, Hacker News, two feeds, Reddit JSON, Stack Exchange, GitHub, App Store,
Weibo, Tieba, Bilibili) on 127.0.0.1; lingting crawls it with politeness off (no robots.txt, no
delay, no AutoThrottle, 16 requests at a time per spider, no minimum delay for the Chinese sites;
the spiders' caps, such as max_threads, raised to their largest so that every post is in reach) in
a subprocess. Figures:

    end-to-end     posts stored per second: fetch, parse, analyze, store (the whole `lingting crawl`)
    ceiling        the same pages fetched by a plain Scrapy spider that does nothing with them, at the
                   same total concurrency, all URLs known up front: the most Scrapy alone can do
    peak memory    maximum RSS of the crawl process, beside the fetch-only process
    second crawl   requests an immediate second crawl of the unchanged site sends (robots.txt and
                   Bilibili's signing-key fetch from /x/web-interface/nav aside, counted apart),
                   beside the number of (source, query) listings: the target is at most one each
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/crawl.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lingting.demo import DEMO_PRODUCT, demo_environment, demo_sources, toml_table
from lingting.demo_site import DemoSite
from lingting.demo_site.synthetic_sites import served_posts
from store import Store, crawl_state, runs_of

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
# One Scrapy crawler per source type in the crawl process: v2ex, discourse, hackernews, rss, reddit,
# stackexchange, github, appstore, weibo, tieba, bilibili.
SPIDERS = 11
# Bilibili asks for its signing keys (crawler/spiders/bilibili.py) when its kept ones are missing or
# stale: not a listing's request, so counted apart.
KEY_FETCHES = ("/bilibili/x/web-interface/nav",)
CONCURRENCY = 16


# Every page the scaled site has: the demo's sources with their caps lifted, politeness off.
CAPS: dict[str, dict[str, Any]] = {
    "forum": {"queries": ["VoxLink"], "max_pages": 100, "max_topics": 1000},
    "hn": {"max_pages": 100},
    "reddit-api": {"max_pages": 100, "max_threads": 500},
    "stackoverflow": {"queries": ["VoxLink"], "max_pages": 100, "max_questions": 100},
    "github": {"queries": ["VoxLink"], "max_pages": 100, "max_issues": 500},
    "appstore": {"max_pages": 10},
    "weibo": {"max_pages": 100},
    "tieba": {"max_pages": 100, "max_threads": 200},
    "bilibili": {"max_pages": 100, "max_videos": 200},
}
CRAWL = {
    "obey_robots": False,
    "autothrottle": False,
    "download_delay": 0,
    "concurrent_per_domain": CONCURRENCY,
    "timeout_seconds": 60,
    "retries": 0,
}


def config_text(base: str, database: Path) -> str:
    return (
        f"database = {json.dumps(str(database))}\n{DEMO_PRODUCT}\n"
        f"{demo_sources(base, changes=CAPS)}\n{toml_table('[crawl]', CRAWL)}"
    )


def real_texts() -> dict[str, list[str]]:
    """Sentences people wrote: Weibo posts and delivery reviews (zh), app store reviews (en); each once."""
    zh: list[str] = []
    with (SHARED_DATA / "weibo2018_train.txt").open(encoding="utf-8") as handle:
        zh += [line.split(",", 2)[2] for line in handle if line.count(",") >= 2]
    with (SHARED_DATA / "waimai_10k.csv").open(encoding="utf-8", newline="") as handle:
        zh += [row["review"] for row in csv.DictReader(handle)]
    with (SHARED_DATA / "clap_rq1.csv").open(encoding="utf-8", newline="") as handle:
        en = [row["review"] for row in csv.DictReader(handle)]
    # Long enough to be a post, not "good app": short phrases are what every review says.
    return {"zh": _usable(zh, 20), "en": _usable(en, 40)}


def _usable(texts: list[str], shortest: int) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in texts if shortest <= len(t.strip()) <= 400))


# -- the two child processes ----------------------------------------------------------------------


def child_crawl(config: Path, out: Path) -> None:
    from config import load_settings
    from lingting.crawl import run_crawl

    settings = load_settings(config)
    started = time.perf_counter()
    run_id = run_crawl(config, settings)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.write_text(json.dumps({"seconds": seconds, "peak_kb": peak, "run_id": run_id}))


def child_fetch(urls_file: Path, out: Path) -> None:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    urls = urls_file.read_text(encoding="utf-8").split()
    fetched = {"responses": 0, "bytes": 0}

    class FetchOnly(scrapy.Spider):
        name = "fetch_only"

        async def start(self) -> Any:
            for url in urls:
                yield scrapy.Request(url, dont_filter=True)

        def parse(self, response: Any, **kwargs: Any) -> None:
            fetched["responses"] += 1
            fetched["bytes"] += len(response.body)

    process = CrawlerProcess(
        {
            "LOG_LEVEL": "ERROR",
            "ROBOTSTXT_OBEY": False,
            "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "CONCURRENT_REQUESTS": CONCURRENCY * SPIDERS,
            "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY * SPIDERS,
            "DOWNLOAD_DELAY": 0,
            "RETRY_ENABLED": False,
            "HTTPERROR_ALLOW_ALL": True,
        }
    )
    process.crawl(FetchOnly)
    started = time.perf_counter()
    process.start()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.write_text(json.dumps({"seconds": seconds, "peak_kb": peak, **fetched}))


def run_child(*args: str) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, "-m", "bench.crawl", *args, str(out)]
    # The Weibo source's (demo) login cookie, as `lingting demo` gives it.
    env = {**os.environ, **demo_environment()}
    result = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], env=env)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args[:1])} failed:\n{result.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    return data


# -- the benchmark --------------------------------------------------------------------------------


def requests_of(site: DemoSite) -> list[str]:
    return [target for target, _ in site.served if target != "/robots.txt"]


def is_key_fetch(target: str) -> bool:
    return target.split("?")[0] in KEY_FETCHES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crawl", description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000, help="synthetic posts the demo site serves")
    parser.add_argument("--keep", type=Path, help="keep the database and config in this folder")
    parser.add_argument("--child-crawl", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-fetch", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_crawl:
        child_crawl(*args.child_crawl)
        return 0
    if args.child_fetch:
        child_fetch(*args.child_fetch)
        return 0

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("lingting.db*"):
        stale.unlink()
    with DemoSite(scale=args.posts, texts=real_texts()) as site:
        config = folder / "lingting.toml"
        config.write_text(config_text(site.base_url, folder / "lingting.db"), encoding="utf-8")
        served = served_posts(site.content)
        total = sum(served.values())
        print(f"bench/crawl: demo site with {total:,} posts ({_shares(served)}) on 127.0.0.1, politeness off")

        first = run_child("--child-crawl", str(config))
        pages = requests_of(site)
        store = Store(folder / "lingting.db")
        stored = store.count("posts")
        if not stored:
            raise SystemExit("the crawl stored no posts; run `lingting crawl -v -c CONFIG` to see why")
        urls = folder / "urls.txt"
        urls.write_text("\n".join(site.base_url + target for target in pages), encoding="utf-8")
        site.served.clear()

        ceiling = run_child("--child-fetch", str(urls))
        site.served.clear()

        second = run_child("--child-crawl", str(config))
        again_all = requests_of(site)
    again = [target for target in again_all if not is_key_fetch(target)]
    keys = len(again_all) - len(again)

    listings = crawl_state.listings(store)
    (largest,) = store.query("SELECT max(size) AS n, count(*) AS clusters FROM clusters WHERE merged_into IS NULL")
    rate, top = stored / first["seconds"], stored / ceiling["seconds"]
    print(f"  first crawl    {stored:,} posts stored from {len(pages):,} pages in {first['seconds']:.1f} s"
          f" = {rate:,.0f} posts/s end to end")  # fmt: skip
    print(f"  Scrapy alone   the same {ceiling['responses']:,} pages in {ceiling['seconds']:.1f} s"
          f" = {top:,.0f} posts/s (ceiling); end to end is {rate / top:.2f}x the ceiling")  # fmt: skip
    print(f"  clusters       {largest['clusters']:,}, the largest {largest['n']:,} posts")
    print(f"  peak memory    crawl {first['peak_kb'] / 1024:,.0f} MB, Scrapy alone {ceiling['peak_kb'] / 1024:,.0f} MB"
          f" ({first['peak_kb'] / ceiling['peak_kb']:.1f}x)")  # fmt: skip
    met = "met" if len(again) <= len(listings) else "NOT met"
    share = len(again) / max(len(pages), 1)
    print(f"  second crawl   {len(again)} requests for {len(listings)} (source, query) listings: target {met};"
          f" {share:.3f}x the first crawl's {len(pages):,} requests, in {second['seconds']:.1f} s")  # fmt: skip
    print(f"                 not counted: {keys} fetch(es) of Bilibili's signing keys ({', '.join(KEY_FETCHES)}),"
          " made whenever the keys it keeps are missing or stale")  # fmt: skip
    for run in runs_of(store, second["run_id"]):
        mine = sum(1 for row in listings if row["source_name"] == run["source_name"])
        print(f"    {run['source_name']:<13} {run['requests']} requests, {mine} listings,"
              f" {run['not_modified']} answered 304, {run['new_posts']} new posts, health {run['health']}")  # fmt: skip
    return 0 if len(again) <= len(listings) else 1


def _shares(counts: dict[str, int]) -> str:
    return ", ".join(f"{source} {n:,}" for source, n in counts.items())


if __name__ == "__main__":
    raise SystemExit(main())
