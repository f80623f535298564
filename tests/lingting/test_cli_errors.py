"""Errors a person can read: real `lingting` processes given mistakes, each answered with one
bilingual sentence and exit code 2, never a traceback (issue 11, class 7 and config-time class 1)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRODUCT = '[[products]]\nname = "VoxLink"\n'
FEED = '[[sources]]\nname = "f"\ntype = "rss"\nurl = "http://127.0.0.1:9/feed.xml"\n'


def lingting(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("LINGTING_CONFIG", None)
    command = [sys.executable, "-m", "lingting.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=cwd or REPO, env=env)


def assert_one_sentence(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit code 2, nothing on stdout's behalf of a crash, one `错误 / error:` line naming `words`."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr.replace("error:", "")
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("错误 / error: "), lines
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0].removeprefix("错误 / error: "))
    for word in words:
        assert word in lines[0], (word, lines[0])


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_database_path_under_a_file(tmp_path: Path):
    write(tmp_path / "notes.txt", "a file, not a folder")
    config = write(tmp_path / "lingting.toml", f'database = "notes.txt/lingting.db"\n{PRODUCT}{FEED}')
    for command in (("crawl",), ("sources",), ("flagged",)):
        assert_one_sentence(lingting(*command, "-c", str(config)), "notes.txt", "database", "数据库")


def test_init_into_a_missing_folder(tmp_path: Path):
    target = tmp_path / "no" / "such" / "lingting.toml"
    assert_one_sentence(lingting("init", "--path", str(target)), str(target.parent), "文件夹不存在")
    assert not target.parent.exists()


def test_demo_on_a_busy_port(tmp_path: Path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = lingting("demo", "--port", str(port), "--dir", str(tmp_path / "demo"))
    assert_one_sentence(result, str(port), "--port", "端口")


@pytest.mark.parametrize(
    ("config", "words"),
    [
        (f'{PRODUCT}query = "(VoxLink AND"\n', ("products[0].query", "查询不完整")),
        (
            f'{PRODUCT}[analysis]\nmodels = "trained"\n',
            ("analysis.models", "trained", "模型文件夹不存在"),
        ),
        (f'{PRODUCT}[[sources]]\nname = "f"\ntype = "rss"\nurl = "file:///etc/passwd"\n', ("sources[0].url", "网址")),
    ],
)
def test_a_config_that_cannot_crawl_or_analyze_is_refused_before_any_request(
    tmp_path: Path, config: str, words: tuple[str, ...]
):
    path = write(tmp_path / "lingting.toml", config)
    result = lingting("crawl", "-c", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert all(word in result.stderr for word in words), result.stderr
    assert not (tmp_path / "lingting.db").exists()


def test_a_config_with_a_bom_is_read(tmp_path: Path):
    path = tmp_path / "lingting.toml"
    path.write_bytes("\ufeff".encode() + PRODUCT.encode())
    result = lingting("sources", "-c", str(path))
    assert result.returncode == 0 and "no sources configured" in result.stdout, result.stderr


def test_a_models_folder_without_models_is_told_before_the_crawl(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    config = write(tmp_path / "lingting.toml", f'{PRODUCT}{FEED}[analysis]\nmodels = "empty"\n')
    assert_one_sentence(lingting("crawl", "-c", str(config)), "sentiment_zh", "lingting train", "模型")


def test_a_source_whose_crawl_never_ran_gets_an_unhealthy_run(tmp_path: Path):
    from config import settings_from_toml
    from lingting.crawl import record_missing
    from store import Store, record_run, runs_of

    settings = settings_from_toml(f'database = "{tmp_path / "l.db"}"\n{PRODUCT}{FEED}', base_dir=tmp_path)
    store = Store(settings.database_path)
    done = {"run_id": "r1", "source_name": "done", "source": "rss", "started_at": "t", "finished_at": "t"}
    record_run(store, {**done, "requests": 1, "posts_parsed": 3})
    grouped = {"rss": ["done", "f", "g"]}
    record_missing(settings, "r1", grouped, {"f": "ValueError: no cookie"}, "2026-12-04T17:00:00Z")
    runs = {r["source_name"]: r for r in runs_of(store, "r1")}
    assert runs["done"]["health"] == "ok" and runs["done"]["posts_parsed"] == 3  # left as it was
    assert runs["f"]["health"] == "unhealthy" and "ValueError: no cookie" in runs["f"]["health_reason"]
    assert runs["g"]["health"] == "unhealthy" and "stopped before" in runs["g"]["health_reason"]
