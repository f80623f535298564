from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from config import load_settings
from lingting.cli import main

PARSEABLE = {
    "v2ex": ["v2ex/*.json"],
    "discourse": ["discourse/*.json", "discourse/*.rss"],
    "hackernews": ["hackernews/*.json"],
    "rss": ["rss_atom/*.xml", "reddit/*.atom.xml"],
}


def fixture_files(shared: Path) -> list[tuple[str, Path]]:
    return [(src, f) for src, globs in PARSEABLE.items() for g in globs for f in sorted((shared / "fixtures").glob(g))]


def test_parse_every_matching_fixture(shared: Path):
    files = fixture_files(shared)
    assert len(files) >= 8
    runner = CliRunner()
    for source, path in files:
        result = runner.invoke(main, ["parse", source, str(path)])
        assert result.exit_code == 0, (path, result.output)
        posts = [json.loads(line) for line in result.stdout.splitlines()]
        assert posts, path
        for post in posts:
            assert post["source_post_id"] and post["url"], (path, post)
            assert post["created_at"], (path, post["source_post_id"])  # every one of these files has times


def test_parse_bad_file_is_one_clear_message(tmp_path: Path):
    bad = tmp_path / "latest.json"
    bad.write_text('[{"id": 1, "title": "trunc', encoding="utf-8")
    result = CliRunner().invoke(main, ["parse", "v2ex", str(bad)])
    assert result.exit_code == 2
    assert "latest.json" in result.output and "Traceback" not in result.output


def test_init_writes_valid_commented_config_and_will_not_overwrite(tmp_path: Path):
    runner = CliRunner()
    path = tmp_path / "lingting.toml"
    assert runner.invoke(main, ["init", "--path", str(path)]).exit_code == 0
    settings = load_settings(path)
    assert settings.sources and settings.products
    again = runner.invoke(main, ["init", "--path", str(path)])
    assert again.exit_code == 2 and "--force" in again.output


def test_bad_config_is_a_message_not_a_traceback(tmp_path: Path):
    path = tmp_path / "lingting.toml"
    path.write_text('products = [{ name = "x" }]\n[[sources]]\nname = "a"\ntype = "zhihu"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["crawl", "-c", str(path)])
    assert result.exit_code == 2
    assert "unknown type 'zhihu'" in result.output and "Traceback" not in result.output
    missing = CliRunner().invoke(main, ["flagged", "-c", str(tmp_path / "none.toml")])
    assert missing.exit_code == 2 and "lingting init" in missing.output


def test_crawl_unknown_source_is_named(tmp_path: Path):
    path = tmp_path / "lingting.toml"
    path.write_text(
        'products = [{ name = "x" }]\n[[sources]]\nname = "a"\ntype = "rss"\nurl = "http://127.0.0.1:9/f"\n'
    )
    result = CliRunner().invoke(main, ["crawl", "-c", str(path), "--source", "nope"])
    assert result.exit_code == 2 and "nope" in result.output


def test_analyze_writes_one_object_per_line_in_order():
    lines = [
        {"text": "声链安卓端推送失败，所有用户都收不到消息，线上业务停了，急！"},
        {"text": "How do I set the callback URL in VoxLink?", "lang": "en"},
        {"text": "VoxLink app is useless, crashes on launch", "source": "appstore", "rating": 1},
        "not an object",
        {"text": "天气不错"},
    ]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n"
    result = CliRunner().invoke(main, ["analyze", "-p", "VoxLink", "-p", "声链"], input=stdin)
    assert result.exit_code == 1  # one bad line, reported, the others still analyzed
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 5 and "error" in out[3]
    for item in (out[0], out[1], out[2], out[4]):
        for key in ("lang", "relevant", "sentiment", "polarity", "complaint", "category", "priority", "reasons",
                    "missing_info"):  # fmt: skip
            assert key in item
        assert 0 <= item["sentiment"] <= 1
    assert out[0]["relevant"] and out[0]["complaint"] and out[0]["priority"] in ("P0", "P1")
    assert out[1]["category"] == "question" and not out[1]["complaint"]
    assert out[2]["polarity"] == "negative"
    assert not out[4]["relevant"] and out[4]["category"]


def test_analyze_takes_thread_title_and_register_and_names_bad_fields():
    lines = [
        {"text": "我这边也一样，一直闪退", "thread_title": "声链 SDK 安卓14闪退"},
        {"text": "我这边也一样，一直闪退"},
        {"text": "送得太慢了，菜都凉了", "register": "review"},
        {"text": "好", "title": ["not", "a", "string"]},
    ]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n"
    result = CliRunner().invoke(main, ["analyze", "-p", "声链"], input=stdin)
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0]["relevant"] and not out[1]["relevant"]  # the thread's title is context for relevance
    assert out[2]["polarity"] == "negative"
    assert result.exit_code == 1 and "must be strings" in out[3]["error"]


@pytest.mark.parametrize("command", ["init", "crawl", "export", "run", "demo", "flagged", "parse", "analyze", "review"])
def test_help_is_bilingual_with_an_example(command: str):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "示例" in result.output and "Example" in result.output
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.output)


def test_review_records_a_decision(tmp_path: Path):
    from store import Store, latest_review
    from tests.store.test_store import COMPLAINT, add

    path = tmp_path / "lingting.toml"
    path.write_text('database = "l.db"\nproducts = [{ name = "声链" }]\n', encoding="utf-8")
    store = Store(tmp_path / "l.db")
    cid = add(store, "1", COMPLAINT, "alice").cluster_id
    result = CliRunner().invoke(main, ["review", "-c", str(path), str(cid), "--relabel", "bug"])
    assert result.exit_code == 0, result.output
    assert latest_review(store, cid)["category"] == "bug"  # type: ignore[index]
    bad = CliRunner().invoke(main, ["review", "-c", str(path), str(cid)])
    assert bad.exit_code == 2 and "--confirm" in bad.output


def test_every_command_takes_the_same_config_option(tmp_path: Path, monkeypatch):
    """One -c/--config everywhere, read from $LINGTING_CONFIG when the command runs."""
    from lingting.options import default_config_path

    monkeypatch.setenv("LINGTING_CONFIG", str(tmp_path / "elsewhere.toml"))
    with_config = {name: cmd for name, cmd in main.commands.items() if any(p.name == "config_path" for p in cmd.params)}
    expected = {"crawl", "export", "deliver", "run", "flagged", "review", "sources", "analyze", "train", "reanalyze"}
    assert expected <= set(with_config)
    for name, cmd in with_config.items():
        option = next(p for p in cmd.params if p.name == "config_path")
        assert option.opts == ["--config", "-c"] or set(option.opts) == {"--config", "-c"}, name
        assert option.default is default_config_path, name
    missing = CliRunner().invoke(main, ["reanalyze"])
    assert missing.exit_code == 2 and "elsewhere.toml" in missing.output and "Traceback" not in missing.output


def test_crawl_summary_fits_80_columns_and_keeps_every_count_when_wide():
    from rich.console import Console
    from rich.text import Text

    from lingting.tables import run_table

    runs = [
        {
            "source_name": "weibo-声链-realtime-search", "source": "weibo", "requests": 1234, "not_modified": 5,
            "posts_parsed": 9876, "new_posts": 543, "flagged": 21, "errors": 3, "refused": 2, "too_large": 1,
            "cut_posts": 0, "duration_seconds": 61.5, "health": "unhealthy",
        }
    ]  # fmt: skip
    narrow = Console(width=80, record=True, force_terminal=False)
    narrow.print(run_table(runs, 80))
    lines = narrow.export_text().splitlines()
    assert all(Text(line).cell_len <= 80 for line in lines)
    body = [line for line in lines if "weibo" in line]
    assert len(body) == 1 and "9876" in body[0] and "543" in body[0] and "unhealthy" in body[0] and "3" in body[0]
    wide = Console(width=160, record=True, force_terminal=False)
    wide.print(run_table(runs, 160))
    text = wide.export_text()
    assert "1234" in text and "61.5" in text and "(weibo)" in text
