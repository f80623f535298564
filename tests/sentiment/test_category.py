"""The DESIGN.md examples of each category, in Chinese and English."""

from __future__ import annotations

import pytest

from sentiment import Analyzer


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # 功能类: a promised function fails
        ("声链消息推送失败，用户收不到通知", "functional"),
        ("声链 IM 的已读回执不准", "functional"),
        ("声链云录制文件缺失，录制文件不完整", "functional"),
        ("VoxLink push notifications are not delivered to Android devices", "functional"),
        # 使用体验类: works, but awkward
        ("声链接入流程繁琐，文档找不到参数", "experience"),
        ("VoxLink onboarding is confusing and the docs are unclear", "experience"),
        # 技术Bug类: crash, error code, leak, incompatibility
        ("声链 SDK 在安卓14闪退", "bug"),
        ("声链 joinChannel 返回错误码 110", "bug"),
        ("声链 SDK 有内存泄漏", "bug"),
        ("VoxLink crashes with a NullPointerException on startup", "bug"),
        ("VoxLink SDK is incompatible with iOS 18", "bug"),
        # 需求建议类: asks for something new
        ("希望声链支持鸿蒙", "feature_request"),
        ("Would love a Flutter plugin for VoxLink", "feature_request"),
        # 服务体验类: support, billing, contract
        ("声链工单三天没人回", "service"),
        ("声链扣费不透明", "service"),
        ("VoxLink support never replied to our ticket", "service"),
        # 咨询: asks how to
        ("声链怎么设置回调地址", "question"),
        ("How do I set the callback URL in VoxLink?", "question"),
        # 其他: praise, unrelated
        ("声链音质很好，体验不错，点赞", "other"),
        ("VoxLink is great, love it", "other"),
        ("今天天气真好", "other"),
    ],
)
def test_design_examples(text: str, category: str, analyzer: Analyzer) -> None:
    assert analyzer.analyze(text).category == category


def test_category_is_computed_for_irrelevant_texts_too(analyzer: Analyzer) -> None:
    result = analyzer.analyze("这个 App 一打开就闪退")
    assert not result.relevant and result.category == "bug"


def test_a_complaint_term_outweighs_a_question_cue(analyzer: Analyzer) -> None:
    assert analyzer.analyze("请问声链安卓14闪退怎么解决？").category == "bug"


def test_a_real_fault_outweighs_a_feature_cue_but_a_weak_one_does_not(analyzer: Analyzer) -> None:
    assert analyzer.analyze("希望声链尽快修复闪退").category == "bug"
    assert analyzer.analyze("Would love a Flutter plugin for VoxLink, the workaround is painful").category == (
        "feature_request"
    )


def test_negated_cue_words_do_not_make_a_bug(analyzer: Analyzer) -> None:
    assert analyzer.analyze("升级声链 4.2.2 之后再也没闪退过，很稳").category == "other"
