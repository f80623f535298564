"""A database built for the report tests: known posts on known days, analyzed and stored as the
pipeline does it (real analysis, real clustering), so every figure can be checked against SQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from config import settings_from_toml
from config.settings import Settings
from crawler.analysis import analyze_post, store_analyzed
from sentiment.analyzer import Analyzer
from store import Store

UNTIL = datetime(2026, 11, 30, tzinfo=UTC)
CONFIG = """
database = "trends.db"
[[products]]
name = "VoxLink"
aliases = ["声链"]
competitors = ["Agora"]
[report]
demand_threshold = 10
demand_days = 90
"""

DISCONNECT_ZH = ["声链 SDK 一直掉线, 进房间十秒就断开", "声链 语音通话老是掉线, 怎么回事", "用声链做直播, 观众频繁掉线"]
DISCONNECT_EN = [
    "VoxLink keeps disconnecting every few minutes",
    "VoxLink calls drop constantly, lost connection again",
]
CRASH = ["声链 SDK 在安卓 14 上闪退", "VoxLink app crashes on launch after the update"]
HARMONY_ZH = "希望声链支持鸿蒙, 我们的客户都在用华为"
HARMONY_EN = "Please add HarmonyOS support to VoxLink, our users need it"
FLUTTER = "Would love an official Flutter plugin for VoxLink"
AGORA = "Agora 的音频一直有回声, 太差了"


def _post(n: int, source: str, author: str, text: str, at: datetime) -> dict[str, Any]:
    return {
        "source": source, "source_post_id": f"{source}-{n}", "url": f"https://example.test/{source}/{n}",
        "kind": "post", "text": text, "author": author, "author_id": author,
        "created_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }  # fmt: skip


def trend_posts() -> list[dict[str, Any]]:
    """The posts: a disconnect problem every few days for seven weeks then a spike on the last
    evening (with one author posting twice in the hour), a wish for HarmonyOS from 11 people, one
    for Flutter from 3, a crash now and then, and a competitor's echo complaints."""
    posts: list[dict[str, Any]] = []
    n = 0

    def add(source: str, author: str, text: str, at: datetime) -> None:
        nonlocal n
        n += 1
        posts.append(_post(n, source, author, text, at))

    for day in range(3, 50, 3):  # one person a day, every third day, at 20:xx
        at = UNTIL - timedelta(days=day) + timedelta(hours=20, minutes=day)
        texts = DISCONNECT_ZH if day % 2 else DISCONNECT_EN
        add("v2ex" if day % 2 else "reddit", f"d{day}", f"{texts[day % len(texts)]} #{day}", at)
    spike = UNTIL + timedelta(hours=20)
    for i in range(9):
        texts = DISCONNECT_ZH if i % 2 else DISCONNECT_EN
        add(
            ("weibo", "v2ex", "github")[i % 3],
            f"s{i}",
            f"{texts[i % len(texts)]} 第{i}次",
            spike + timedelta(minutes=i),
        )
    add("weibo", "s0", f"{DISCONNECT_EN[0]} again", spike + timedelta(minutes=30))  # same author, same hour
    for i in range(11):
        at = UNTIL - timedelta(days=5 * i + 1, hours=-10)
        add("v2ex" if i % 2 else "github", f"h{i}", f"{HARMONY_ZH if i % 2 else HARMONY_EN} ({i})", at)
    for i in range(3):
        add("github", f"f{i}", f"{FLUTTER} #{i}", UNTIL - timedelta(days=7 * i + 2, hours=-9))
    for i, text in enumerate(CRASH * 2):
        add("v2ex", f"c{i}", f"{text} [{i}]", UNTIL - timedelta(days=10 * i + 4, hours=-11))
    for i in range(4):
        add("weibo", f"a{i}", f"{AGORA} {i}", UNTIL - timedelta(days=2 * i + 1, hours=-13))
    return posts


@pytest.fixture(scope="session")
def analyzer_settings(tmp_path_factory: pytest.TempPathFactory) -> tuple[Analyzer, Settings]:
    folder = tmp_path_factory.mktemp("report")
    settings = settings_from_toml(CONFIG, base_dir=folder)
    return Analyzer(settings.products, settings.analysis), settings


def build(store: Store, analyzer: Analyzer, settings: Settings, posts: list[dict[str, Any]]) -> None:
    for post in posts:
        store_analyzed(post, analyze_post(analyzer, post), store=store, settings=settings, source_name=post["source"])


@pytest.fixture
def trend_db(tmp_path: Path, analyzer_settings: tuple[Analyzer, Settings]) -> Iterator[tuple[Store, Settings]]:
    analyzer, settings = analyzer_settings
    store = Store(tmp_path / "trends.db")
    build(store, analyzer, settings, trend_posts())
    yield store, settings
    store.close()
