from __future__ import annotations

import pytest

from sentiment import Analyzer


def test_missing_info_lists_exactly_what_is_absent(analyzer: Analyzer) -> None:
    result = analyzer.analyze("声链 SDK 4.2.1, Android 14, 闪退, 日志如下")
    assert (result.sdk_version, result.platform, result.product_area) == ("4.2.1", "android 14", None)
    assert result.missing_info == ["product_area", "steps"]


def test_a_complete_report_lacks_nothing(analyzer: Analyzer) -> None:
    text = (
        "VoxLink RTC SDK 4.2.1 on Android 14: the video call crashes.\n"
        "Steps to reproduce: 1. join a channel 2. switch the camera\n"
        "Stack trace: java.lang.IllegalStateException at io.voxlink.rtc.Engine.start(Engine.java:42)"
    )
    result = analyzer.analyze(text)
    assert result.missing_info == []
    assert (result.product_area, result.sdk_version, result.platform) == ("rtc", "4.2.1", "android 14")


def test_a_bare_complaint_lacks_everything(analyzer: Analyzer) -> None:
    result = analyzer.analyze("声链太卡了")
    assert result.missing_info == ["product_area", "sdk_version", "platform", "steps", "logs"]


@pytest.mark.parametrize(
    "text",
    ["声链怎么设置回调地址", "希望声链支持鸿蒙", "声链音质很好，点赞", "Would love a Flutter plugin for VoxLink"],
)
def test_no_follow_up_questions_for_questions_requests_and_praise(text: str, analyzer: Analyzer) -> None:
    assert analyzer.analyze(text).missing_info == []


def test_service_asks_only_for_the_module(analyzer: Analyzer) -> None:
    assert analyzer.analyze("声链工单三天没人回").missing_info == ["product_area"]
    assert analyzer.analyze("声链云录制的工单三天没人回").missing_info == []


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("VoxLink SDK 4.2.1 crashes", "4.2.1"),
        ("crash since v4.2.1", "4.2.1"),
        ("声链 SDK 版本 4.1.8 有回声", "4.1.8"),
        ("声链版本号是 3.7.0，闪退", "3.7.0"),
        ("用的 4.2.0 版本，消息丢失", "4.2.0"),
        ("implementation 'io.voxlink:rtc-sdk:4.2.1'", "4.2.1"),
        ("升级到 4.2.1 后黑屏", "4.2.1"),
        ("iOS 版本 17.2 上闪退", None),  # the OS's version, not the SDK's
        ("Android 14 上闪退", None),
    ],
)
def test_sdk_version(text: str, version: str | None, analyzer: Analyzer) -> None:
    assert analyzer.analyze(text).sdk_version == version


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ("安卓14闪退", "android 14"),
        ("Android 14 crash", "android 14"),
        ("crashes on iOS 17.4", "ios 17.4"),
        ("iPhone 15 上黑屏", "ios"),  # a model number is no OS version
        ("鸿蒙 4.0 上没有声音", "harmonyos 4.0"),
        ("HarmonyOS NEXT 什么时候支持", "harmonyos"),
        ("Flutter plugin on Android 13 has echo", "flutter"),  # the SDK flavour first
        ("React Native SDK crashes", "react_native"),
        ("Windows 11 上屏幕共享黑屏", "windows 11"),
        ("macOS 14 crash", "macos 14"),
        ("Web SDK in Chrome has no audio", "web"),
        ("Unity 插件崩溃", "unity"),
        ("Electron app crash", "electron"),
        ("Ubuntu 22.04 server", "linux"),
        ("没有平台信息", None),
    ],
)
def test_platform(text: str, platform: str | None, analyzer: Analyzer) -> None:
    assert analyzer.analyze(text).platform == platform


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("声链消息推送失败", "push"),
        ("声链 IM 收不到消息", "im"),
        ("声链 RTM 信令丢失", "rtm"),
        ("声链视频通话有回声", "rtc"),
        ("声链云录制文件缺失", "recording"),
        ("声链对话式 AI 智能体延迟太高", "ai_agent"),
        ("VoxLink video call drops", "rtc"),
    ],
)
def test_product_area(text: str, area: str, analyzer: Analyzer) -> None:
    assert analyzer.analyze(text).product_area == area


def test_error_codes(analyzer: Analyzer) -> None:
    assert analyzer.analyze("声链 joinChannel 返回错误码 110，又报错码: 17").error_codes == ["110"]
    assert analyzer.analyze("error code: -17, then errCode=1027 and ERR_INVALID_TOKEN").error_codes == [
        "-17",
        "1027",
        "ERR_INVALID_TOKEN",
    ]


def test_can_t_log_in_is_no_log(analyzer: Analyzer) -> None:
    result = analyzer.analyze("I can't log in to VoxLink, login failed")
    assert "logs" in result.missing_info


@pytest.mark.parametrize(
    ("text", "attribution"),
    [
        ("弱网下声链通话一直掉线，4G 下丢包严重", "network"),
        ("声链扣费不透明，账单看不懂", "billing"),
        ("声链文档找不到参数说明", "docs"),
        ("声链 SDK bug: the engine crashes after upgrading to 4.2.1", "sdk"),
        ("我们的代码集成声链后，配置了 appid 还是连接失败", "integration"),
        ("声链闪退", "unknown"),
    ],
)
def test_attribution(text: str, attribution: str, analyzer: Analyzer) -> None:
    assert analyzer.analyze(text).attribution == attribution
