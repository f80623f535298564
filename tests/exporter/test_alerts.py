"""Chat alerts: rendered requests, digests, windows, rate limits, and robots that fail with HTTP 200."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from config.settings import Settings
from exporter import export
from exporter.alerts import AlertItem, AlertMessage, DingtalkBot, FeishuBot, SlackBot, SlidingWindow, WecomBot
from exporter.inert import plain
from exporter.transport import HttpResponse, RenderedRequest
from store import Store
from tests.exporter.intake_server import IntakeState, intake_server
from tests.exporter.support import add_post, settings

T0 = 1_790_000_000.0
ROBOT_SECRET = "SEC0123456789abcdef"
HOSTILE = "推送失败 [点我](https://evil.test) <@all> **急** `x` | <!channel>"


class Unused:
    def send(self, request: RenderedRequest) -> HttpResponse:
        raise AssertionError("rendering sends nothing")


def item(priority: str = "P0", title: str = HOSTILE, **kw: Any) -> AlertItem:
    base = {"intake_id": "lt-0123456789abcdef", "revision": 1, "priority": priority, "category": "bug",
            "title": title, "url": "https://v2ex.test/t/1?a=(b)", "authors": 5, "size": 7}  # fmt: skip
    return AlertItem(**{**base, **kw})


def test_dingtalk_signs_with_a_millisecond_timestamp():
    bot = DingtalkBot("d", url="https://oapi.dingtalk.com/robot/send?access_token=abc123", secret=ROBOT_SECRET,
                      transport=Unused())  # fmt: skip
    req = bot.render(AlertMessage("immediate", (item(),)), now=T0 + 0.25)
    query = {k: v[0] for k, v in parse_qs(urlsplit(req.url).query).items()}
    assert query["access_token"] == "abc123" and query["timestamp"] == str(int(T0 * 1000) + 250)
    digest = hmac.new(ROBOT_SECRET.encode(), f"{query['timestamp']}\n{ROBOT_SECRET}".encode(), hashlib.sha256)
    assert query["sign"] == base64.b64encode(digest.digest()).decode()
    body = req.json()
    assert body["msgtype"] == "markdown" and body["markdown"]["title"].startswith("聆听 P0")
    assert "abc123" not in req.label and ROBOT_SECRET not in req.label


def test_feishu_signs_with_a_second_timestamp_in_the_body():
    bot = FeishuBot("f", url="https://open.feishu.cn/open-apis/bot/v2/hook/0f0e-token-xyz-1234", secret=ROBOT_SECRET,
                    transport=Unused())  # fmt: skip
    body = bot.render(AlertMessage("immediate", (item(),)), now=T0 + 0.9).json()
    assert body["timestamp"] == str(int(T0))
    key = f"{int(T0)}\n{ROBOT_SECRET}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["msg_type"] == "interactive" and body["card"]["header"]["template"] == "red"
    assert body["card"]["elements"][0]["tag"] == "markdown"
    assert "token-xyz" not in bot.label


def test_wecom_and_slack_payloads():
    msg = AlertMessage("digest", (item("P1"), item("P2", title="second")))
    wecom = WecomBot("w", url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-1", transport=Unused())
    body = wecom.render(msg, now=T0).json()
    assert body["msgtype"] == "markdown" and len(body["markdown"]["content"].encode()) <= 4096
    slack = SlackBot("s", url="https://hooks.slack.com/services/T0/B0/XXXXXXXXXXXX", transport=Unused())
    sbody = slack.render(msg, now=T0).json()
    assert sbody["text"].startswith("聆听汇总: 2") and sbody["blocks"][0]["text"]["type"] == "mrkdwn"
    assert "• *P1*" in sbody["blocks"][0]["text"]["text"]


@pytest.mark.parametrize("dialect", ["markdown", "slack"])
def test_hostile_titles_cannot_open_markup_links_or_mentions(dialect: Any):
    line = AlertMessage("immediate", (item(),)).markdown(dialect).splitlines()[-1]
    assert plain(HOSTILE).strip("…") in line
    assert not set(plain(HOSTILE)) & set("[]()<>*`|!@&#_")
    assert line.count("](" if dialect == "markdown" else "<https") == 1  # our one link, nothing more
    assert "%28b%29" in line  # the source URL cannot end the link early


def test_digest_lists_the_loudest_first_and_counts_the_rest():
    items = tuple(item("P2" if i % 2 else "P1", title=f"t{i}", authors=i) for i in range(30))
    text = AlertMessage("digest", items).markdown()
    lines = [x for x in text.splitlines() if x.startswith("- ")]
    assert len(lines) == 20 and lines[0].startswith("- **P1**") and "另有 10 条 / and 10 more" in text
    assert len(AlertMessage("digest", items).markdown(limit=600)) <= 600


def test_sliding_window():
    w = SlidingWindow(2, 60, sent=[T0 - 59])
    assert w.remaining(T0) == 1
    w.note(T0)
    assert w.remaining(T0) == 0 and w.wait(T0) == pytest.approx(1.0)
    assert w.remaining(T0 + 1) == 1


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def alert_settings(tmp_path: Path, url: str, extra: str = "") -> Settings:
    return settings(
        tmp_path,
        '[export]\nreview = []\nauto = ["P0", "P1", "P2"]\n[[export.sinks]]\ntype = "jsonl"\n'
        '[[export.alerts]]\ntype = "dingtalk"\nurl_env = "DT_URL"\nsecret_env = "DT_SECRET"\n'
        f"window_minutes = 30\n{extra}",
    )


def env(url: str) -> dict[str, str]:
    return {"DT_URL": f"{url}/robot/send?access_token=tok-abcdef", "DT_SECRET": ROBOT_SECRET}


def test_p0_at_once_others_in_one_digest_after_the_window(tmp_path: Path):
    with intake_server(IntakeState(robot_secret=ROBOT_SECRET)) as (url, state):
        s = alert_settings(tmp_path, url)
        store = Store(s.database_path)
        add_post(store, "1", "alice", priority="P0")
        add_post(store, "2", "bob", priority="P1")
        add_post(store, "3", "carol", priority="P2")
        clock = Clock()
        summary = export(store, s, env=env(url), clock=clock)
        assert summary.alerted == 1 and len(state.messages) == 1
        assert state.messages[0]["markdown"]["title"].startswith("聆听 P0")
        clock.now += 29 * 60
        assert export(store, s, env=env(url), clock=clock).alerted == 0
        clock.now += 60
        assert export(store, s, env=env(url), clock=clock).alerted == 2
        assert len(state.messages) == 2 and "聆听汇总: 2" in state.messages[1]["markdown"]["title"]
        kinds = [r["kind"] for r in store.query("SELECT kind FROM alert_messages ORDER BY id")]
        assert kinds == ["immediate", "digest"]


def test_rate_limit_folds_urgent_alerts_into_the_last_message_and_holds_the_rest(tmp_path: Path):
    with intake_server(IntakeState(robot_secret=ROBOT_SECRET)) as (url, state):
        s = alert_settings(tmp_path, url, "per_minute = 2\n")
        store = Store(s.database_path)
        for i in range(5):
            add_post(store, f"a{i}", f"u{i}", priority="P0")
        clock = Clock()
        assert export(store, s, env=env(url), clock=clock).alerted == 5
        assert len(state.messages) == 2 and "聆听汇总: 4" in state.messages[1]["markdown"]["title"]
        add_post(store, "late", "z", priority="P0")
        clock.now += 30
        assert export(store, s, env=env(url), clock=clock).alerted == 0  # the minute's budget is spent
        (row,) = store.query("SELECT * FROM outbox WHERE sink = 'dingtalk:0' AND status = 'pending'")
        assert row["attempts"] == 0 and row["next_attempt_at"].startswith("2026")
        clock.now += 31
        assert export(store, s, env=env(url), clock=clock).alerted == 1


def test_robot_token_is_never_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    with intake_server(IntakeState(robot_secret=ROBOT_SECRET)) as (url, state):
        s = alert_settings(tmp_path, url)
        store = Store(s.database_path)
        add_post(store, "1", "alice", priority="P0")
        state.faults = lambda r: "500"
        with caplog.at_level(logging.DEBUG):
            export(store, s, env=env(url), clock=Clock())
            state.faults = lambda r: "accept"
            store.conn.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000Z'")
            assert export(store, s, env=env(url), clock=Clock()).alerted == 1
    assert "robot" in caplog.text or "dingtalk" in caplog.text
    assert "tok-abcdef" not in caplog.text and ROBOT_SECRET not in caplog.text


def test_http_200_with_errcode_is_a_failure(tmp_path: Path):
    with intake_server(IntakeState(robot_secret="another-secret")) as (url, _):
        s = alert_settings(tmp_path, url)
        store = Store(s.database_path)
        add_post(store, "1", "alice", priority="P0")
        summary = export(store, s, env=env(url), clock=Clock())  # signed with the wrong secret
        assert summary.dead == 1 and summary.alerted == 0
        (row,) = store.query("SELECT * FROM outbox WHERE sink = 'dingtalk:0'")
        assert "code 310000" in row["last_error"] and '"errcode": 310000' in row["response"]
        assert "tok-abcdef" not in row["last_error"] and ROBOT_SECRET not in row["last_error"]


@pytest.mark.parametrize(("kind", "extra_env"), [("feishu", {}), ("wecom", {}), ("slack", {})])
def test_each_robot_delivers_through_a_real_server(tmp_path: Path, kind: str, extra_env: dict[str, str]):
    path = {"feishu": "/open-apis/bot/v2/hook/tok-abcdef", "wecom": "/cgi-bin/webhook/send?key=tok-abcdef",
            "slack": "/services/T0/B0/tok-abcdef"}[kind]  # fmt: skip
    with intake_server(IntakeState(robot_secret=ROBOT_SECRET)) as (url, state):
        signing = 'secret_env = "BOT_SECRET"\n' if kind == "feishu" else ""
        s = settings(tmp_path, f'[export]\n[[export.alerts]]\ntype = "{kind}"\nurl_env = "BOT_URL"\n{signing}')
        store = Store(s.database_path)
        add_post(store, "1", "alice", priority="P0")
        summary = export(store, s, env={"BOT_URL": url + path, "BOT_SECRET": ROBOT_SECRET}, clock=Clock())
        assert summary.alerted == 1 and len(state.messages) == 1, store.query("SELECT last_error FROM outbox")
