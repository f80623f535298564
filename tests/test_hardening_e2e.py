"""End to end: real `lingting` processes against a misbehaving site on 127.0.0.1 (issue 11, crawler side).

A source that only fails is never called healthy and the crawl exits non-zero; redirects leave no
site and reach no private address unless allowed; size limits hold and are counted; and no
traceback reaches the user without -v.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config import load_settings
from crawler.limits import CUT_KEY
from lingting.demo import toml_table
from sentiment.analyzer import EVIDENCE_ITEMS
from store import Store
from tests.misbehaving_site import HUGE_REPEATS, MANY_CODES, MisbehavingSite

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[1]
PRODUCT = '[[products]]\nname = "VoxLink"\n'
CRAWL = {
    "obey_robots": False,
    "download_delay": 0,
    "autothrottle": False,
    "retries": 1,
    "timeout_seconds": 10,
    "max_response_mb": 4,
    "max_post_chars": 5000,
}


def lingting(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250", "PYTHONIOENCODING": "utf-8"}
    command = [sys.executable, "-m", "lingting.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=cwd or REPO, env=env)


def free_port() -> int:
    """A port on 127.0.0.1 with nothing listening (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def feed(name: str, url: str, **extra: Any) -> str:
    return toml_table("[[sources]]", {"name": name, "type": "rss", "url": url, **extra})


def write_config(folder: Path, sources: list[str], **crawl: Any) -> Path:
    path = folder / "lingting.toml"
    text = (
        f'database = "lingting.db"\n{PRODUCT}\n' + "\n".join(sources) + "\n" + toml_table("[crawl]", {**CRAWL, **crawl})
    )
    path.write_text(text, encoding="utf-8")
    return path


def runs_by_source(config: Path) -> dict[str, dict[str, Any]]:
    store = Store(load_settings(config).database_path)
    return {r["source_name"]: r for r in store.query("SELECT * FROM crawl_runs ORDER BY id")}


@pytest.fixture
def sites() -> Iterator[tuple[MisbehavingSite, MisbehavingSite]]:
    """The misbehaving site on 127.0.0.1 and a second site on another host, 127.0.0.2."""
    with MisbehavingSite("127.0.0.2") as other, MisbehavingSite("127.0.0.1", other="") as site:
        site.other = other.url
        yield site, other


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    out = result.stdout + result.stderr
    for word in ("Traceback", "twisted.", "scrapy.", 'File "'):
        assert word not in out, out


def test_failing_sources_are_unhealthy_and_the_crawl_exits_1(tmp_path: Path, sites: Any):
    site, _ = sites
    dead = f"http://127.0.0.1:{free_port()}/feed.xml"
    config = write_config(
        tmp_path,
        [
            feed("good", f"{site.url}/feed.xml"),
            feed("errors", f"{site.url}/status/500"),
            feed("missing", f"{site.url}/status/404"),
            feed("loop", f"{site.url}/loop"),
            feed("dead", dead),
        ],
    )
    result = lingting("crawl", "-c", str(config))
    assert result.returncode == 1, result.stdout + result.stderr
    assert_no_traceback(result)
    runs = runs_by_source(config)
    assert runs["good"]["health"] == "ok" and runs["good"]["posts_parsed"] == 2
    for name in ("errors", "missing", "loop", "dead"):
        assert runs[name]["health"] == "unhealthy", runs[name]
        assert runs[name]["posts_parsed"] == 0 and runs[name]["errors"] >= 1
    assert "HTTP 500" in runs["errors"]["health_reason"] and runs["errors"]["status_codes"] == {"500": 2}
    assert "HTTP 404" in runs["missing"]["health_reason"]
    assert "redirect loop" in runs["loop"]["health_reason"]
    assert "connection refused" in runs["dead"]["health_reason"]
    # The summary calls them what they are, one line per failed source, and names them at the end.
    lines = result.stdout.splitlines()
    for name in ("errors", "missing", "loop", "dead"):
        said = [line for line in lines if f"[{name}]" in line]
        assert len(said) == 1 and "unhealthy 异常" in said[0], said
    assert "4 source(s) not healthy" in result.stdout and "4 个数据源异常" in result.stdout

    # `sources --check` says so too; `run` exports what the good source found and still exits 1.
    checked = lingting("sources", "-c", str(config), "--check")
    assert checked.returncode == 1
    (row,) = [line for line in checked.stdout.splitlines() if "errors (rss)" in line]
    assert "unhealthy 异常" in row and "never 从未" in row  # "last ok" is not set by a failed run
    ran = lingting("run", "-c", str(config), "-s", "good", "-s", "errors")
    assert ran.returncode == 1 and "Flagged clusters" in ran.stdout
    assert_no_traceback(ran)
    only_good = lingting("crawl", "-c", str(config), "-s", "good")
    assert only_good.returncode == 0, only_good.stdout + only_good.stderr


def test_redirects_stay_on_the_site_unless_allowed(tmp_path: Path, sites: Any):
    site, other = sites
    config = write_config(
        tmp_path,
        [
            feed("away", f"{site.url}/away"),
            feed("away-allowed", f"{site.url}/away?allowed", allowed_hosts=["127.0.0.2"]),
            feed("metadata", f"{site.url}/metadata"),
        ],
    )
    result = lingting("crawl", "-c", str(config))
    assert result.returncode == 1
    assert_no_traceback(result)
    runs = runs_by_source(config)
    # Refused where the redirect would leave the site: counted, named, and the source is not healthy.
    assert runs["away"]["refused"] == 1 and runs["away"]["health"] == "unhealthy"
    assert "127.0.0.2" in runs["away"]["health_reason"] and "allowed_hosts" in runs["away"]["health_reason"]
    assert runs["metadata"]["refused"] == 1 and "169.254.169.254" in runs["metadata"]["health_reason"]
    # The other host was asked only by the source that allows it.
    assert other.hits == ["/feed.xml?allowed"]
    assert runs["away-allowed"]["health"] == "ok" and runs["away-allowed"]["posts_parsed"] == 2
    assert "限制" in result.stdout and "request(s) refused" in result.stdout


def test_size_limits_hold_and_are_counted(tmp_path: Path, sites: Any):
    site, _ = sites
    sources = [feed("bomb", f"{site.url}/bomb"), feed("huge", f"{site.url}/huge"), feed("codes", f"{site.url}/codes")]
    config = write_config(tmp_path, sources)
    result = lingting("crawl", "-c", str(config))
    assert result.returncode == 1
    assert_no_traceback(result)
    runs = runs_by_source(config)
    # The gzip bomb (64 KB inflating to 64 MB) is dropped at the 4 MB limit, counted and named.
    assert runs["bomb"]["too_large"] == 1 and runs["bomb"]["health"] == "unhealthy"
    assert "size limit" in runs["bomb"]["health_reason"]
    # The huge post is stored cut to its head, marked and counted; its evidence is one entry per term.
    huge = runs["huge"]
    assert huge["health"] == "ok" and huge["cut_posts"] == 1 and huge["posts_parsed"] == 1
    stored = Store(load_settings(config).database_path).posts()
    (codes,) = [p for p in stored if "/codes/" in p["url"]]
    (post,) = [p for p in stored if p is not codes]
    assert len(post["text"]) < 5100 and post["text"].startswith("VoxLink 闪退")
    assert post["raw"][CUT_KEY]["text_chars"] >= HUGE_REPEATS * 10
    assert len(json.dumps(post["raw"], ensure_ascii=False)) < 20_000
    assert post["analysis"]["relevance_terms"] == ["VoxLink"] and post["analysis"]["error_codes"] == ["110"]
    assert len(json.dumps(post["analysis"], ensure_ascii=False)) < 10_000
    assert "1 answer(s) over the size limit dropped" in result.stdout and "1 条帖子过长" in result.stdout
    # A post naming more error codes than an analysis lists keeps the first ones, and is counted.
    assert len(codes["analysis"]["error_codes"]) == EVIDENCE_ITEMS < MANY_CODES and codes["analysis"]["evidence_capped"]
    assert runs["codes"]["capped_evidence"] == 1 and huge["capped_evidence"] == 0 and runs["codes"]["health"] == "ok"
    assert "1 post(s) with more evidence terms than listed" in result.stdout and "1 条帖子的证据词过多" in result.stdout
