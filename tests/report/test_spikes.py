"""Spike detection (pure) and spike alerts through a real chat robot on 127.0.0.1: once per spike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from config.settings import Settings
from crawler.trends import refresh
from exporter.alerts import DingtalkBot
from exporter.transport import HttpTransport
from lingting.report.alerts import detect_spikes, send_spike_alerts
from lingting.report.build import build_report
from lingting.report.digest import check_spikes, digest_message, send_digest
from lingting.report.spikes import SpikeRule, detect, robust_threshold
from store import Store
from tests.exporter.intake_server import IntakeState, intake_server
from tests.report.conftest import UNTIL, _post, build

RULE = SpikeRule(k=4, min_authors=5, baseline_days=14, cooldown_hours=24)
HOSTILE = "声链 掉线 [点我](https://evil.test) <@all> **急**"


def quiet_days(days: int = 20, evening: int = 1) -> list[int]:
    series = []
    for _ in range(days):
        series += [0] * 20 + [evening] + [0] * 3
    return series


def test_a_quiet_theme_needs_min_authors_not_two_people():
    series = quiet_days()
    series[-4] = 3
    assert detect(series, robust_threshold(RULE, 24), 24, start=14 * 24) == []
    series[-4] = 6
    [run] = detect(series, robust_threshold(RULE, 24), 24, start=14 * 24)
    assert run.authors == 6 and run.start == len(series) - 4 and run.baseline == 1


def test_the_daily_cycle_is_the_baseline_of_an_hour():
    busy_evenings = quiet_days(evening=8)
    busy_evenings[-4] = 10  # a usual evening, a little busier
    assert detect(busy_evenings, robust_threshold(RULE, 24), 24, start=14 * 24) == []
    busy_evenings[-10] = 8  # the same number at 2 pm, when nobody posts: a spike
    assert [r.start for r in detect(busy_evenings, robust_threshold(RULE, 24), 24, start=14 * 24)] == [
        len(busy_evenings) - 10
    ]


def test_hours_within_the_cooldown_are_one_spike():
    series = quiet_days(days=20, evening=0)
    for hour in (-30, -29, -10):
        series[hour] = 9
    runs = detect(series, robust_threshold(RULE, 24), 24, start=14 * 24)
    assert len(runs) == 1 and runs[0].start == len(series) - 30 and runs[0].end == len(series) - 10
    assert len(detect(series, robust_threshold(RULE, 24), 5, start=14 * 24)) == 2


def test_no_history_no_baseline():
    assert detect([0, 0, 30], robust_threshold(RULE, 24), 24) == []


def _robot(url: str) -> DingtalkBot:
    return DingtalkBot("dingtalk:0", url=f"{url}/robot/send?access_token=tok-abcdef", transport=HttpTransport(5))


def _clock(hours_after_spike: float) -> float:
    return (UNTIL + timedelta(hours=20 + hours_after_spike)).timestamp()


def test_a_product_spike_alerts_once_through_the_robot(trend_db: tuple[Store, Settings]):
    store, settings = trend_db
    refresh(store, settings)
    detect_spikes(store, settings, UNTIL.date() - timedelta(days=1), UNTIL.date())
    with intake_server(IntakeState()) as (url, state):
        bot = _robot(url)
        labels = {"disconnect": HOSTILE}
        assert send_spike_alerts(store, settings, [bot], labels, clock=lambda: _clock(1)) == 1
        assert send_spike_alerts(store, settings, [bot], labels, clock=lambda: _clock(2)) == 0
        refresh(store, settings)
        detect_spikes(store, settings, UNTIL.date() - timedelta(days=1), UNTIL.date())  # found again: kept once
        assert send_spike_alerts(store, settings, [bot], labels, clock=lambda: _clock(3)) == 0
    [message] = state.messages
    text = message["markdown"]["text"]
    assert "9 authors in one hour" in text and "9 位用户/小时" in text and "weibo" in text
    assert "[点我](" not in text and "<@all>" not in text and "**急**" not in text  # inert
    assert store.count("alert_messages") == 1


def test_a_spike_within_the_cooldown_extends_the_first_and_sends_nothing_new(
    trend_db: tuple[Store, Settings], analyzer_settings
):
    store, settings = trend_db
    refresh(store, settings)
    detect_spikes(store, settings, UNTIL.date() - timedelta(days=1), UNTIL.date())
    with intake_server(IntakeState()) as (url, state):
        assert send_spike_alerts(store, settings, [_robot(url)], {}, clock=lambda: _clock(1)) == 1
        analyzer, _ = analyzer_settings
        later = UNTIL + timedelta(hours=23)
        late = [_post(500 + i, "v2ex", f"late{i}", f"声链 又掉线了 {i}", later) for i in range(8)]
        build(store, analyzer, settings, late)
        refresh(store, settings)
        detect_spikes(store, settings, UNTIL.date() - timedelta(days=1), UNTIL.date())
        assert send_spike_alerts(store, settings, [_robot(url)], {}, clock=lambda: _clock(4)) == 0
    assert len(state.messages) == 1
    [hourly] = store.query("SELECT * FROM trend_spikes WHERE grain = 'hour'")
    assert hourly["ended_at"] == "2026-11-30T23:00:00Z" and hourly["authors"] == 9


def test_an_old_or_competitor_spike_is_reported_not_alerted(trend_db: tuple[Store, Settings], analyzer_settings):
    store, settings = trend_db
    analyzer, _ = analyzer_settings
    at = UNTIL + timedelta(hours=20)
    build(store, analyzer, settings, [_post(700 + i, "weibo", f"ag{i}", f"Agora 又有回声了 {i}", at) for i in range(8)])
    report = build_report(store, settings, UNTIL.date() - timedelta(days=1), UNTIL.date())
    assert any(s["brand"] == "Agora" and not s["own"] for s in report["spikes"])
    with intake_server(IntakeState()) as (url, state):
        assert send_spike_alerts(store, settings, [_robot(url)], {}, clock=lambda: _clock(30)) == 0  # too old
        assert send_spike_alerts(store, settings, [_robot(url)], {}, clock=lambda: _clock(1)) == 1
    assert all("Agora" not in m["markdown"]["text"] for m in state.messages)


def test_check_spikes_after_a_crawl_and_the_digest(trend_db: tuple[Store, Settings]):
    store, settings = trend_db
    with intake_server(IntakeState()) as (url, state):
        now = _clock(1)
        assert check_spikes(store, settings, bots=[_robot(url)], clock=lambda: now) == 1
    report = build_report(store, settings, UNTIL.date() - timedelta(days=6), UNTIL.date(), lang="en")
    text = digest_message(report, "https://lingting.example/report").markdown()
    assert "Recurring problems" in text and "disconnect" in text and "(https://lingting.example/report)" in text
    assert datetime.fromtimestamp(now, UTC).date() == UNTIL.date()
    assert len(state.messages) == 1


def test_the_weekly_digest_goes_to_every_robot_and_is_noted(trend_db: tuple[Store, Settings]):
    store, settings = trend_db
    with intake_server(IntakeState()) as (url, state):
        failed = send_digest(store, settings, until=UNTIL.date(), bots=[_robot(url)], clock=lambda: _clock(1))
        dead = DingtalkBot("dingtalk:1", url="http://127.0.0.1:9/robot/send?access_token=x", transport=HttpTransport(1))
        assert send_digest(store, settings, until=UNTIL.date(), bots=[dead], clock=lambda: _clock(1)) == ["dingtalk:1"]
    assert failed == []
    [message] = state.messages
    text = message["markdown"]["text"]
    assert "聆听 趋势报告" in message["markdown"]["title"] and "掉线" in text and "需求信号" in text
    assert store.query("SELECT kind FROM alert_messages") == [{"kind": "digest"}]
