"""The demo's history, crawled for real (a Scrapy crawl in a subprocess against the demo site on
127.0.0.1), then reported: a recurring problem, a wish past the threshold, and a spike."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lingting.demo import DEMO_CRAWL, DEMO_PRODUCT, demo_environment, demo_sources, toml_table
from lingting.demo_site import DemoSite
from store import Store

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, **demo_environment(), "PYTHONIOENCODING": "utf-8"}


def lingting(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "lingting.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=REPO, env=ENV)


def test_the_demo_history_reports_a_recurring_problem_a_demand_and_a_spike(tmp_path: Path):
    with DemoSite() as site:
        config = tmp_path / "lingting.toml"
        sources = demo_sources(site.base_url, only=["zhihu-rss"])
        config.write_text(
            f'database = "l.db"\n{DEMO_PRODUCT}\n{sources}\n{toml_table("[crawl]", DEMO_CRAWL)}', encoding="utf-8"
        )
        crawled = lingting("crawl", "-c", str(config))
        assert crawled.returncode == 0, crawled.stderr
    store = Store(tmp_path / "l.db")
    kept = store.conn.execute("SELECT sum(posts) FROM trend_daily").fetchone()[0]
    assert (
        kept
        == store.count("posts")
        - store.conn.execute(
            "SELECT count(*) FROM posts p WHERE NOT EXISTS (SELECT 1 FROM trend_post_brands b WHERE b.post_id = p.id)"
        ).fetchone()[0]
    )  # the pipeline kept the daily counts as it stored the posts: every post naming a brand
    store.close()
    today = datetime.now(UTC).date().isoformat()
    result = lingting("report", "-c", str(config), "--since", "8w", "--until", today, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    disconnect = next(t for t in report["themes"] if t["theme"] == "disconnect")
    assert len([w for w in disconnect["weekly_authors"] if w["authors"]]) >= 7  # back every week
    assert {"掉线"} <= set(disconnect["name"]["zh"]) and "disconnect" in disconnect["name"]["en"]
    harmony = next(d for d in report["demand"]["items"] if d["theme"] == "request:harmonyos")
    assert harmony["people"] == 12 and harmony["act"]
    flutter = next(d for d in report["demand"]["items"] if d["theme"] == "request:flutter")
    assert not flutter["act"]
    assert any(s["own"] and s["grain"] == "hour" and s["theme"] == "disconnect" for s in report["spikes"])
    agora = next(v for v in report["share_of_voice"] if v["brand"] == "Agora")
    assert not agora["own"] and agora["complaint_themes"]
