"""The review app's parts without a server: messages, inert text, links, the login limiter,
redirect targets, the filter in URLs, accounts, the session key file and `lingting users`."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from config import ConfigError, settings_from_toml
from lingting.cli import main
from lingting.web.filters import filter_from_query, filter_query
from lingting.web.guard import local_target
from lingting.web.limiter import LoginLimiter
from lingting.web.messages import MESSAGES, translator
from lingting.web.passwords import hash_password, secret_key, secret_key_path, verify_password
from lingting.web.text import http_url, inert
from sentiment.lexicon import ATTRIBUTIONS
from store import Store
from store.review_queue import TABS, QueueFilter
from store.reviews import ACTIONS, CATEGORIES, DISMISS_REASONS
from store.users import ROLES, UserError, add_user, get_user, list_users, remove_user, set_language

TEMPLATES = Path(__file__).resolve().parents[2] / "lingting" / "web" / "templates"


def test_every_message_has_chinese_and_english() -> None:
    for key, (zh, en) in MESSAGES.items():
        assert zh.strip() and en.strip(), key
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key
    assert translator("en")("bulk.all_matching", n=7) == "All 7 clusters matching this filter"
    assert translator("zh")("tab.pending") == "待审核"
    assert translator("xx")("tab.pending") == "待审核"  # Chinese is the default


def test_every_key_a_template_names_is_in_the_catalog() -> None:
    named = set()
    for template in TEMPLATES.glob("*.html"):
        named |= set(re.findall(r"t\('([a-z_.]+)'", template.read_text(encoding="utf-8")))
    families = {key for key in named if key.endswith(".")}  # t('category.' + c): every value named
    assert named - families <= set(MESSAGES), named - families - set(MESSAGES)
    values = {
        "tab.": TABS, "state.": TABS[:-1], "reason.": DISMISS_REASONS, "decision.": ACTIONS,
        "outbox.": ("pending", "delivered", "failed", "dead"), "category.": CATEGORIES, "role.": ROLES,
        "missing.": ("product_area", "sdk_version", "platform", "steps", "logs"),
        "attribution.": (*ATTRIBUTIONS, "unknown"), "level.": ("high", "medium", "low"),
    }  # fmt: skip
    assert families == set(values)
    for family, names in values.items():
        assert {family + name for name in names} <= set(MESSAGES), family


def test_inert_escapes_markup_and_shows_invisible_characters() -> None:
    out = str(inert('<script>alert(1)</script>\u202eabc\u200b"'))
    assert "<script>" not in out and "&lt;script&gt;" in out and "&#34;" in out
    assert "\u202e" not in out and "\u200b" not in out
    assert "U+202E" in out and "U+200B" in out


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://example.com/t/1", True),
        ("http://example.com/a?b=c", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//evil.example/x", False),
        ("/relative", False),
        ("https://exa mple.com", False),
        (None, False),
    ],
)
def test_only_http_links_are_links(url: str | None, shown: bool) -> None:
    assert (http_url(url) is not None) is shown


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/clusters/3?back=x", "/clusters/3?back=x"), ("https://evil.example/", "/"), ("//evil.example", "/"),
     ("/\\evil.example", "/"), ("javascript:alert(1)", "/"), ("", "/"), (None, "/")],
)  # fmt: skip
def test_redirects_stay_on_the_site(target: str | None, expected: str) -> None:
    assert local_target(target) == expected


def test_login_limiter_refuses_the_eleventh_per_user_and_per_client() -> None:
    now = [1000.0]
    limiter = LoginLimiter(clock=lambda: now[0])
    for _ in range(10):
        assert not limiter.blocked("rita", "10.0.0.1")
        limiter.failed("rita", "10.0.0.1")
    assert limiter.blocked("rita", "10.0.0.2")  # same user, another client
    assert limiter.blocked("alice", "10.0.0.1")  # same client, another user
    assert not limiter.blocked("alice", "10.0.0.2")
    now[0] += 61
    assert not limiter.blocked("rita", "10.0.0.1")  # a minute later


def test_filter_travels_in_urls() -> None:
    flt = QueueFilter(tab="all", priorities=("P0", "P1"), categories=("bug",), q="闪退", since="2026-11-01")
    assert filter_from_query(filter_query(flt)) == flt
    assert filter_from_query("tab=nonsense&since=yesterday&q=%20") == QueueFilter()


def test_accounts(tmp_path: Path) -> None:
    store = Store(tmp_path / "l.db")
    user = add_user(store, "rita", "reviewer", hash_password("correct horse"))
    assert user.can_decide and not user.is_admin and user.language == "zh"
    assert verify_password(user.password_hash, "correct horse")
    assert not verify_password(user.password_hash, "wrong")
    assert not verify_password(None, "anything")
    with pytest.raises(UserError):
        add_user(store, "rita", "admin", "x")
    with pytest.raises(UserError):
        add_user(store, "bob", "superuser", "x")
    with pytest.raises(UserError):
        add_user(store, "two words", "viewer", "x")
    with pytest.raises(ValueError):
        hash_password("short")
    set_language(store, "rita", "en")
    assert get_user(store, "rita").language == "en"  # type: ignore[union-attr]
    assert [u.name for u in list_users(store)] == ["rita"]
    remove_user(store, "rita")
    assert get_user(store, "rita") is None
    with pytest.raises(UserError):
        remove_user(store, "rita")


def test_session_key_from_the_environment_else_a_private_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_from_toml('database = "l.db"\nproducts = [{ name = "声链" }]', base_dir=tmp_path)
    monkeypatch.setenv("LINGTING_SECRET_KEY", "from-env")
    assert secret_key(settings) == "from-env"
    assert not secret_key_path(settings).exists()
    monkeypatch.delenv("LINGTING_SECRET_KEY")
    made = secret_key(settings)
    path = secret_key_path(settings)
    assert len(made) >= 40 and path.read_text() == made
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert secret_key(settings) == made  # kept, not remade


def test_web_settings(tmp_path: Path) -> None:
    base = 'products = [{ name = "声链" }]\n'
    settings = settings_from_toml(base, base_dir=tmp_path)
    assert (settings.web.host, settings.web.port, settings.web.timezone) == ("127.0.0.1", 8080, "Asia/Shanghai")
    with pytest.raises(ConfigError, match="time zone"):
        settings_from_toml(base + '[web]\ntimezone = "Mars/Olympus"\n')


def test_users_command(tmp_path: Path) -> None:
    config = tmp_path / "lingting.toml"
    config.write_text('database = "l.db"\nproducts = [{ name = "声链" }]\n', encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(main, ["users", "add", "rita", "--role", "reviewer", "--password-stdin", "-c", str(config)],
                         input="a long password\n")  # fmt: skip
    assert done.exit_code == 0, done.output
    done = runner.invoke(main, ["users", "add", "vera", "--role", "viewer", "-c", str(config)],
                         input="viewer password\nviewer password\n")  # fmt: skip
    assert done.exit_code == 0, done.output
    listed = runner.invoke(main, ["users", "list", "-c", str(config)])
    assert "rita\treviewer" in listed.output and "vera\tviewer" in listed.output
    assert "password" not in listed.output and "argon2" not in listed.output
    again = runner.invoke(main, ["users", "add", "rita", "--role", "admin", "--password-stdin", "-c", str(config)],
                          input="another password\n")  # fmt: skip
    assert again.exit_code == 2 and "already exists" in again.output
    short = runner.invoke(main, ["users", "add", "sam", "--role", "admin", "--password-stdin", "-c", str(config)],
                          input="short\n")  # fmt: skip
    assert short.exit_code == 2 and "8" in short.output
    assert runner.invoke(main, ["users", "remove", "vera", "-c", str(config)]).exit_code == 0
    assert runner.invoke(main, ["users", "remove", "vera", "-c", str(config)]).exit_code == 2
    store = Store(tmp_path / "l.db")
    assert [u.name for u in list_users(store)] == ["rita"]
    assert verify_password(get_user(store, "rita").password_hash, "a long password")  # type: ignore[union-attr]
