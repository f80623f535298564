"""`lingting report` from the command line, and its HTML page in headless Chromium: Chinese labels
drawn, crawled text inert, and not one request leaving the page."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from config.settings import Settings
from lingting.cli import main
from store import Store
from tests.report.conftest import CONFIG, UNTIL, _post, build

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
HOSTILE = '声链 全部用户都掉线了, 急! <img src="https://evil.test/x.png"> <script>fetch("https://evil.test")</script>'


@pytest.fixture
def config(tmp_path: Path, trend_db: tuple[Store, Settings], analyzer_settings) -> Path:
    store, settings = trend_db
    analyzer, _ = analyzer_settings
    hostile = [_post(900 + i, "v2ex", f"x{i}", f"{HOSTILE} {i}", UNTIL.replace(hour=9 + i)) for i in range(3)]
    build(store, analyzer, settings, hostile)
    path = tmp_path / "lingting.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_json_has_the_report_keys(config: Path):
    code, out = run("report", "-c", str(config), "--until", "2026-11-30", "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert list(data) == ["period", "summary", "themes", "demand", "spikes", "sentiment", "share_of_voice",
                          "open_tickets"]  # fmt: skip
    assert data["period"]["days"] == 90 and data["period"]["since"] == "2026-09-02"


def test_markdown_by_the_out_suffix_in_english(config: Path, tmp_path: Path):
    out = tmp_path / "r.md"
    code, _ = run(
        "report", "-c", str(config), "--until", "2026-11-30", "--since", "4w", "--lang", "en", "--out", str(out)
    )
    text = out.read_text(encoding="utf-8")
    assert code == 0 and text.startswith("# lingting trend report") and "## Demand signals" in text
    assert "<img" not in text and "<script>" not in text


def test_bad_dates_are_user_errors(config: Path):
    code, out = run("report", "-c", str(config), "--since", "lately")
    assert code == 2 and "--since" in out and "90d" in out
    code, out = run("report", "-c", str(config), "--since", "2026-12-01", "--until", "2026-11-30")
    assert code == 2 and "after" in out
    code, out = run("report", "-c", str(config), "--product", "Nope", "--until", "2026-11-30")
    assert code == 2 and "Nope" in out
    code, out = run("report", "-c", str(config), "--out", str(config.parent / "lingting.toml" / "r.html"))
    assert code == 2 and "cannot write" in out
    empty = config.parent / "empty.toml"
    empty.write_text(CONFIG.replace("trends.db", "missing.db"), encoding="utf-8")
    code, out = run("report", "-c", str(empty))
    assert code == 2 and "lingting crawl" in out and not (config.parent / "missing.db").exists()


def test_the_html_page_draws_chinese_and_asks_for_nothing(config: Path, tmp_path: Path):
    playwright = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "report.html"
    code, out = run("report", "-c", str(config), "--until", "2026-11-30", "--out", str(page_file))
    assert code == 0, out
    html = page_file.read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "&lt;img" in html and "<img" not in html
    requests: list[str] = []
    with playwright.sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = context.new_page()

            control = tmp_path / "control.html"  # proves the counting counts: a page that does ask
            control.write_text('<img src="https://evil.test/control.png">', encoding="utf-8")
            pages = {page_file.as_uri(), control.as_uri()}

            def count(route, request) -> None:
                if request.url not in pages:
                    requests.append(request.url)
                    route.abort()
                else:
                    route.continue_()

            page.route("**/*", count)
            page.goto(control.as_uri())
            page.wait_for_load_state("load")
            assert requests == ["https://evil.test/control.png"]
            requests.clear()
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")
            text = page.inner_text("body")
            svg_text = page.locator("svg text").all_text_contents()
        finally:
            context.close()
    assert requests == []
    assert "反复出现的问题" in text and "需求信号" in text and "应考虑" in text
    assert any("掉线" in t for t in svg_text)  # a chart label in Chinese
    assert '<img src="https://evil.test/x.png">' in text  # shown as text, never loaded
