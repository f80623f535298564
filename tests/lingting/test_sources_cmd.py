"""`lingting sources`: health, last success, back-off, --reset and --check; bilingual help."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from rich.cells import cell_len

from lingting.cli import main
from store import Store, crawl_state, record_run

CONFIG = """\
database = "l.db"
products = [{ name = "声链" }]

[[sources]]
name = "hn"
type = "hackernews"

[[sources]]
name = "weibo"
type = "rss"
url = "https://rsshub.example/weibo/keyword/声链"
platform = "weibo"

[[sources]]
name = "quiet"
type = "rss"
url = "https://example.com/feed.xml"
"""


def setup(tmp_path: Path) -> tuple[Path, Store]:
    config = tmp_path / "lingting.toml"
    config.write_text(CONFIG, encoding="utf-8")
    store = Store(tmp_path / "l.db")
    base = {"source": "rss", "started_at": "2026-11-24T00:00:00Z"}
    record_run(store, {**base, "run_id": "r1", "source_name": "hn", "source": "hackernews",
                       "finished_at": "2026-11-24T00:05:00Z", "posts_parsed": 12, "new_posts": 3})  # fmt: skip
    record_run(store, {**base, "run_id": "r1", "source_name": "weibo", "finished_at": "2026-11-24T00:05:00Z",
                       "posts_parsed": 8})  # fmt: skip
    record_run(store, {**base, "run_id": "r2", "source_name": "weibo", "finished_at": "2026-11-25T00:05:00Z",
                       "blocked": 1, "health": "blocked",
                       "health_reason": "cookie expired or invalid (WEIBO_COOKIE) / Cookie 已过期或无效"})  # fmt: skip
    crawl_state.set_backoff(store, "weibo", until="2999-01-01T00:00:00Z", reason="cookie expired (WEIBO_COOKIE)")
    return config, store


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["sources", *args], terminal_width=200, env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_help_is_bilingual_with_an_example() -> None:
    code, output = run("--help")
    assert code == 0 and "示例" in output and "Example" in output and "数据源" in output


def test_sources_show_health_last_success_and_backoff(tmp_path: Path) -> None:
    config, _ = setup(tmp_path)
    code, output = run("-c", str(config))
    assert code == 0
    lines = {line.split()[1]: line for line in output.splitlines() if line.startswith("│ ")}
    assert "ok" in lines["hn"] and "12 (3)" in lines["hn"]
    assert "backoff" not in lines["hn"]
    assert "blocked" in lines["weibo"] and "2026-11-24 00:05" in lines["weibo"]  # its last success
    assert "back-off until 2999-01-01" in output and "WEIBO_COOKIE" in output
    assert "never" in lines["quiet"]


def test_check_fails_on_unhealthy_and_reset_lifts_the_backoff(tmp_path: Path) -> None:
    config, store = setup(tmp_path)
    assert run("-c", str(config), "--check")[0] == 1
    code, output = run("-c", str(config), "--reset", "weibo")
    assert code == 0 and "back-off lifted" in output
    assert crawl_state.backoff_of(store, "weibo") is None
    code, output = run("-c", str(config), "--reset", "nosuch")
    assert code != 0 and "nosuch" in output


def test_sources_fit_80_columns_with_chinese_reasons(tmp_path: Path) -> None:
    config, store = setup(tmp_path)
    reason = "连续三次抓取都没有得到帖子, 以前每次都有; 请检查网站是否改版或者地址是否变了 / yielded nothing" * 3
    times = {"started_at": "2026-11-25T00:00:00Z", "finished_at": "2026-11-25T00:05:00Z"}
    record_run(store, {"run_id": "r3", "source_name": "quiet", "source": "rss", **times, "health": "unhealthy",
                       "health_reason": reason})  # fmt: skip
    result = CliRunner().invoke(main, ["sources", "-c", str(config)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(cell_len(line) <= 80 for line in lines), "\n".join(lines)
    # every word is still there, folded within its column rather than cut off
    cells = "".join(line.replace("│", "").replace(" ", "") for line in lines)
    assert "请检查网站是否改版" in cells and "暂停至2999-01-01" in cells and "unhealthy" in cells
