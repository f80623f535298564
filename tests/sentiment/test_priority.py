from __future__ import annotations

import pytest

from config import AnalysisSettings
from sentiment import Analyzer, PriorityDecision, cluster_priority
from sentiment.priority import MATRIX


def test_design_p0_example_push_failing_for_all_users_business_stopped_urgent(analyzer: Analyzer) -> None:
    result = analyzer.analyze("声链实时消息推送失败，所有用户都收不到消息，业务停了，急！")
    assert (result.category, result.priority, result.impact, result.urgency) == ("functional", "P0", "high", "high")
    assert result.complaint
    assert any(r.startswith("影响范围: 提到所有用户") and " / impact: " in r for r in result.reasons)
    assert any("急" in r and "urgency: explicit pressure" in r for r in result.reasons)
    assert result.reasons[-1].endswith("= P0")


def test_p0_in_english(analyzer: Analyzer) -> None:
    result = analyzer.analyze("VoxLink push notifications are failing for all users, production down, urgent!")
    assert result.priority == "P0"


def test_design_p3_example_ui_typo(analyzer: Analyzer) -> None:
    for text in ("声链控制台界面上有个错别字", "There is a typo on the VoxLink console settings page"):
        result = analyzer.analyze(text)
        assert result.priority == "P3" and result.impact == "low", text
        assert result.category == "experience"


def test_every_reason_is_chinese_then_english(analyzer: Analyzer) -> None:
    result = analyzer.analyze("声链 SDK 4.2.1 在安卓14上闪退，明天上线，急")
    for reason in result.reasons:
        zh, sep, en = reason.partition(" / ")
        assert sep and any("\u4e00" <= ch <= "\u9fff" for ch in zh), reason
        assert en[:1].isascii() and en[:1].islower(), reason


def test_a_crash_is_high_impact_from_one_author_and_lag_is_not(analyzer: Analyzer) -> None:
    crash = analyzer.analyze("声链 SDK 在安卓14上闪退")
    assert (crash.impact, crash.priority) == ("high", "P1")
    assert any("关键功能失效 (闪退)" in r and "a key function is gone" in r for r in crash.reasons)
    assert analyzer.analyze("声链 SDK 在安卓14上闪退，明天上线，急").priority == "P0"
    assert analyzer.analyze("声链 SDK 在安卓14上偶尔卡顿").priority == "P2"


@pytest.mark.parametrize(
    ("text", "part", "level"),
    [
        ("VoxLink chat works fine with my ad blocker on, the page loads quickly", "urgency", "low"),
        ("Took a crash course in VoxLink's SDK this weekend, the docs are clear", "impact", "low"),
        ("No problem with VoxLink calls so far, audio is clean", "impact", "low"),
    ],
)
def test_word_sense_traps_are_no_evidence(analyzer: Analyzer, text: str, part: str, level: str) -> None:
    result = analyzer.analyze(text)
    assert getattr(result, part) == level and result.priority == "P3", result.reasons


def test_non_complaints_are_p3_and_a_feature_request_with_churn_p2(analyzer: Analyzer) -> None:
    assert analyzer.analyze("声链怎么设置回调地址").priority == "P3"
    assert analyzer.analyze("声链音质很好，点赞").priority == "P3"
    assert analyzer.analyze("希望声链支持鸿蒙").priority == "P3"
    churn = analyzer.analyze("希望声链支持鸿蒙，不然我们只能换成声网了")
    assert churn.category == "feature_request" and churn.priority == "P2" and churn.urgency == "high"
    assert any("churn" in r for r in churn.reasons)


def test_a_move_without_a_rival_is_no_churn(analyzer: Analyzer) -> None:
    result = analyzer.analyze("When I switch to speaker mode, VoxLink audio has echo")
    assert result.urgency == "medium"


def test_negated_pressure_is_no_pressure(analyzer: Analyzer) -> None:
    assert analyzer.analyze("声链 SDK 偶尔闪退，不急，有空看看").urgency == "medium"


def test_rating_1_raises_urgency(analyzer: Analyzer) -> None:
    result = analyzer.analyze("VoxLink app stopped working", rating=1)
    assert result.urgency == "medium" and any("1-star" in r for r in result.reasons)


def test_matrix_is_the_design_table() -> None:
    assert [MATRIX[("high", u)] for u in ("high", "medium", "low")] == ["P0", "P1", "P2"]
    assert [MATRIX[("medium", u)] for u in ("high", "medium", "low")] == ["P1", "P2", "P3"]
    assert [MATRIX[("low", u)] for u in ("high", "medium", "low")] == ["P2", "P3", "P3"]


def test_cluster_priority_raises_impact_with_distinct_authors(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze("声链 SDK 在安卓14上偶尔卡顿")
    assert (analysis.impact, analysis.priority) == ("medium", "P2")

    wide = cluster_priority(analysis, distinct_authors=5, size=5)
    assert isinstance(wide, PriorityDecision)
    assert (wide.impact, wide.urgency, wide.priority) == ("high", "medium", "P1")
    assert "影响范围: 5 位不同用户反馈 / impact: 5 distinct authors" in wide.reasons
    assert wide.reasons[-1].endswith("= P1") and sum(r.startswith("优先级:") for r in wide.reasons) == 1

    few = cluster_priority(analysis.to_dict(), distinct_authors=2, size=3)  # the stored JSON form
    assert few.impact == "medium" and few.priority == "P2"
    assert any(r.startswith("影响范围: 2 位不同用户反馈, 共 3 条") for r in few.reasons)

    alone = cluster_priority(analysis, distinct_authors=1, size=4)
    assert (alone.impact, alone.priority) == ("medium", "P2")
    assert not any("位不同用户" in r for r in alone.reasons)


def test_cluster_priority_lifts_low_impact_and_honours_settings(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze("希望声链支持鸿蒙").to_dict()
    assert cluster_priority(analysis, distinct_authors=3, size=3).impact == "medium"
    settings = AnalysisSettings(wide_impact_authors=3)
    decision = cluster_priority(analysis, distinct_authors=3, size=3, settings=settings)
    assert (decision.impact, decision.priority) == ("high", "P2")


def test_cluster_priority_leaves_praise_and_spam_alone(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze("声链音质很好，点赞")
    assert analysis.category == "other"
    assert cluster_priority(analysis, distinct_authors=9, size=9).priority == "P3"


def test_cluster_priority_rejects_a_broken_record() -> None:
    with pytest.raises(ValueError):
        cluster_priority({"impact": "huge", "urgency": "low", "reasons": []}, distinct_authors=2, size=2)
