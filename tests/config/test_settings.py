from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from config import ConfigError, load_settings, settings_from_toml

MINIMAL = 'products = [{ name = "VoxLink", aliases = ["声链"] }]\n'


def test_example_config_is_valid_and_commented():
    text = resources.files("config").joinpath("lingting.example.toml").read_text(encoding="utf-8")
    settings = settings_from_toml(text)
    assert settings.products[0].name == "Agora"
    assert {s.type for s in settings.sources} >= {"v2ex", "hackernews"}
    assert text.count("#") > 30


def test_example_configs_commented_out_blocks_are_valid_too():
    """Uncommenting every example in the shipped file must give a valid config."""
    import re

    text = resources.files("config").joinpath("lingting.example.toml").read_text(encoding="utf-8")
    toml_line = re.compile(r"^(\[\[[a-z.]+\]\]|[a-z_]+ = .+)$")
    lines = [line[2:] if line.startswith("# ") and toml_line.match(line[2:]) else line for line in text.splitlines()]
    settings = settings_from_toml("\n".join(lines))
    types = {s.type for s in settings.sources}
    assert types >= {"v2ex", "hackernews", "discourse", "rss", "reddit", "stackexchange", "github", "appstore"}
    assert types >= {"weibo", "tieba", "bilibili"}
    assert {s.type for s in settings.export.sinks} == {"jsonl", "webhook", "zendesk", "jira", "github"}
    assert {a.type for a in settings.export.alerts} == {"dingtalk", "feishu", "wecom", "slack"}


def test_defaults_are_polite():
    settings = settings_from_toml(MINIMAL)
    assert settings.crawl.obey_robots and settings.crawl.autothrottle
    assert settings.crawl.concurrent_per_domain == 1
    assert settings.export.auto == ["P0"] and settings.export.review == ["P1", "P2"]
    assert settings.product_terms == ["VoxLink", "声链"]


def test_unknown_key_names_file_and_key(tmp_path: Path):
    path = tmp_path / "lingting.toml"
    path.write_text(MINIMAL + '[[sources]]\nname = "v"\ntype = "v2ex"\nnodez = ["a"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    message = str(err.value)
    assert str(path) in message
    assert "sources[0].nodez" in message and "not a known key" in message


def test_unknown_source_type_lists_allowed():
    with pytest.raises(ConfigError, match=r"sources\[0\] has an unknown type 'zhihu'.*'v2ex'.*'rss'"):
        settings_from_toml(MINIMAL + '[[sources]]\nname = "z"\ntype = "zhihu"\n')


def test_bad_values_and_missing_products():
    with pytest.raises(ConfigError, match=r"crawl.retries"):
        settings_from_toml(MINIMAL + '[crawl]\nretries = "many"\n')
    with pytest.raises(ConfigError, match=r"products is required"):
        settings_from_toml("")
    with pytest.raises(ConfigError, match=r"not valid TOML"):
        settings_from_toml("products = [")


def test_priority_cannot_be_auto_and_review():
    with pytest.raises(ConfigError, match="P1 cannot be both auto and review"):
        settings_from_toml(MINIMAL + '[export]\nauto = ["P0", "P1"]\n')


def test_duplicate_source_names_rejected():
    src = '[[sources]]\nname = "a"\ntype = "rss"\nurl = "http://127.0.0.1/f"\n'
    with pytest.raises(ConfigError, match="used twice"):
        settings_from_toml(MINIMAL + src + src)


def test_an_app_source_names_a_configured_product():
    src = '[[sources]]\nname = "as"\ntype = "appstore"\napp_id = "1"\nproduct = "{}"\n'
    with pytest.raises(ConfigError, match="product 'Nope' is not a configured product name"):
        settings_from_toml(MINIMAL + src.format("Nope"))
    name = settings_from_toml(MINIMAL).products[0].name
    assert settings_from_toml(MINIMAL + src.format(name)).sources[0].product == name  # type: ignore[union-attr]


def test_relative_paths_resolve_against_config_folder(tmp_path: Path):
    path = tmp_path / "sub" / "lingting.toml"
    path.parent.mkdir()
    path.write_text(MINIMAL + 'database = "data/x.db"\n', encoding="utf-8")
    assert load_settings(path).database_path == tmp_path / "sub" / "data" / "x.db"
    path.write_text(MINIMAL + '[analysis]\nmodels = "models"\n', encoding="utf-8")
    (tmp_path / "sub" / "models").mkdir()
    assert load_settings(path).analysis.models == str(tmp_path / "sub" / "models")


def test_missing_file_says_how_to_fix(tmp_path: Path):
    with pytest.raises(ConfigError, match="lingting init"):
        load_settings(tmp_path / "nope.toml")


def test_sources_fetch_http_addresses_only():
    for url in ("file:///etc/passwd", "ftp://example.com/x", "not a url", "example.com/feed", "http://"):
        source = f'[[sources]]\nname = "f"\ntype = "rss"\nurl = "{url}"\n'
        with pytest.raises(ConfigError, match=r"sources\[0\].url .*not an http\(s\) address.*须为 http\(s\) 网址"):
            settings_from_toml(MINIMAL + source)
    with pytest.raises(ConfigError, match=r"sources\[0\].base_url"):
        settings_from_toml(MINIMAL + '[[sources]]\nname = "d"\ntype = "discourse"\nbase_url = "file:///tmp"\n')
    ok = settings_from_toml(
        MINIMAL + '[[sources]]\nname = "d"\ntype = "discourse"\nbase_url = "https://forum.example.com"\n'
        'allowed_hosts = ["cdn.example.net", "*.example.org"]\n'
    )
    assert ok.sources[0].allowed_hosts == ["cdn.example.net", "*.example.org"]
    assert ok.sources[0].site_url == "https://forum.example.com"


def test_a_config_that_cannot_analyze_is_refused_with_its_key(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"products\[0\].query '\(VoxLink AND' cannot be read.*查询不完整"):
        settings_from_toml('products = [{ name = "VoxLink", query = "(VoxLink AND" }]\n')
    path = tmp_path / "lingting.toml"
    path.write_text(MINIMAL + '[analysis]\nmodels = "trained"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"analysis.models: no folder .*trained.*模型文件夹不存在"):
        load_settings(path)
    (tmp_path / "trained").mkdir()
    assert load_settings(path).analysis.models == str(tmp_path / "trained")


def test_every_validation_message_is_bilingual_and_a_bom_is_accepted(tmp_path: Path):
    text = MINIMAL + '[crawl]\nretries = -1\ndownload_delay = "slow"\nobey_robots = "maybe"\nmax_response_mb = 0\n'
    with pytest.raises(ConfigError) as err:
        settings_from_toml(text)
    problems = [line for line in str(err.value).splitlines() if line.startswith("  - ")]
    assert len(problems) == 4
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in line) for line in problems), problems
    path = tmp_path / "lingting.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_settings(path).products[0].name == "VoxLink"
