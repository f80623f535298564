from __future__ import annotations

import pytest

from sentiment import Analyzer
from sentiment.lexicon import load_lexicon
from sentiment.signals import find_failure, lexicon_tokens

TEMPLATE = (
    "VoxLink Android SDK: onMessageReceived is never called\n"
    "**Describe the bug**\nAfter upgrading to 4.2.1 the callback is never called.\n"
    "**Steps to reproduce**\n1. Send a message\n**Expected behavior**\nThe callback runs."
)


def test_a_bug_template_is_a_failure_described() -> None:
    failure = find_failure(TEMPLATE.lower(), load_lexicon())
    assert failure.described
    assert {"describe the bug", "steps to reproduce", "expected behavior"} <= set(failure.report)


@pytest.mark.parametrize(
    "text",
    [
        TEMPLATE,
        "VoxLink push no longer arrives on Android 14 after the 4.2.1 update.",
        "VoxLink IM: cannot send images in group chats, the upload returns error code 413.",
        "声链 IM 升级后离线推送无法收到，复现步骤：杀掉进程后发送消息。期望结果：收到通知。",
        "java.lang.NullPointerException at com.voxlink.im.ChatManager.login(ChatManager.java:88) in VoxLink IM",
    ],
)
def test_flat_failure_reports_are_complaints(analyzer: Analyzer, text: str) -> None:
    result = analyzer.analyze(text)
    assert result.complaint, result.flag_reasons
    assert result.category in {"functional", "bug"}, result.reasons


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Wish VoxLink had an official Flutter plugin", "feature_request"),
        ("It would be nice if VoxLink supported HarmonyOS", "feature_request"),
        ("声链什么时候支持鸿蒙？能不能支持一下", "feature_request"),
        ("建议声链提供 Unity 插件", "feature_request"),
    ],
)
def test_feature_requests_in_both_languages(analyzer: Analyzer, text: str, category: str) -> None:
    result = analyzer.analyze(text)
    assert result.category == category and not result.complaint, result.reasons


def test_lexicon_tokens_name_what_the_lexicons_see() -> None:
    tokens = lexicon_tokens("how do i fix this crash?\nsteps to reproduce: error code 110")
    assert {"§cue:question", "§theme:bug", "§report", "§code", "§asks", "§question_end"} <= set(tokens)
