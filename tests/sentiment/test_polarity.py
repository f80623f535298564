from __future__ import annotations

import pytest

from config import AnalysisSettings, Product
from sentiment import Analyzer
from sentiment.language import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "声链现在不卡了，很流畅",
        "用了声链一个月，通话没有掉线",
        "声链升级后再也没闪退过",
        "声链的闪退问题已经修复了",
        "VoxLink no longer crashes on Android 14",
        "VoxLink is not crashing anymore, great job",
        "VoxLink calls are lag-free now",
        "The VoxLink crash is fixed in 4.2.2",
    ],
)
def test_negated_complaint_terms_are_not_complaints(text: str, analyzer: Analyzer) -> None:
    result = analyzer.analyze(text)
    assert result.relevant
    assert not result.complaint and result.complaint_terms == []
    assert result.polarity != "negative"


@pytest.mark.parametrize(
    "text",
    [
        "声链 SDK 不停地闪退",  # 不停 negates nothing
        "有没有人遇到声链闪退",  # nor does an A-not-A question
        "声链打不开，一直闪退",  # nor a negation in an earlier clause
        "声链没多久就崩溃了",
        "I don't know why VoxLink keeps crashing",
        "Is the VoxLink crash still not fixed?",
    ],
)
def test_words_that_look_negating_keep_the_complaint(text: str, analyzer: Analyzer) -> None:
    result = analyzer.analyze(text)
    assert result.complaint, result.complaint_terms


@pytest.mark.parametrize(
    "text",
    [
        "VoxLink SDK 4.2.1 在安卓14上闪退",  # snownlp alone reads this as neutral-positive
        "请问大家，声链 SDK 在安卓14上闪退怎么办，谢谢",
        "The VoxLink app keeps crashing on Android 14",  # VADER alone reads this as exactly neutral
    ],
)
def test_strong_complaint_terms_force_negative(text: str, analyzer: Analyzer) -> None:
    result = analyzer.analyze(text)
    assert result.polarity == "negative" and result.sentiment < 0.4 and result.complaint


def test_sentiment_scale_and_polarity(analyzer: Analyzer) -> None:
    good = analyzer.analyze("VoxLink is great, I love it")
    bad = analyzer.analyze("VoxLink is terrible, worst SDK ever, it crashes all the time")
    assert 0 <= bad.sentiment < 0.4 <= 0.6 < good.sentiment <= 1
    assert (good.polarity, bad.polarity) == ("positive", "negative")


def test_negative_threshold_comes_from_settings() -> None:
    products = [Product(name="VoxLink")]
    text = "VoxLink works, nothing special"
    lenient = Analyzer(products, AnalysisSettings(negative_threshold=0.01)).analyze(text)
    strict = Analyzer(products, AnalysisSettings(negative_threshold=0.99)).analyze(text)
    assert lenient.polarity != "negative" and strict.polarity == "negative"


def test_rating_1_is_negative_evidence(analyzer: Analyzer) -> None:
    text = "VoxLink app update arrived today"
    plain = analyzer.analyze(text)
    one_star = analyzer.analyze(text, rating=1)
    five_star = analyzer.analyze(text, rating=5)
    assert plain.polarity != "negative"
    assert one_star.polarity == "negative" and one_star.sentiment < plain.sentiment
    assert five_star.polarity == "positive"
    assert not one_star.complaint  # stars alone are no complaint evidence


def test_rating_2_with_a_complaint_term_is_a_complaint(analyzer: Analyzer) -> None:
    result = analyzer.analyze("VoxLink 接入有点繁琐", rating=2)
    assert result.polarity == "negative" and result.complaint


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("声链 SDK 在安卓14上闪退", "zh"),
        ("SDK 4.2.1, Android 14, 闪退, 日志如下", "zh"),
        ("VoxLink crashes on 鸿蒙", "en"),
        ("The VoxLink app keeps crashing", "en"),
        ("アプリがすぐ落ちる", "und"),
        ("12345 !!!", "und"),
        ("", "und"),
    ],
)
def test_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_a_given_language_is_respected(analyzer: Analyzer) -> None:
    assert analyzer.analyze("VoxLink 闪退", lang="en").lang == "en"
    assert analyzer.analyze("VoxLink crash", lang="zh-CN").lang == "zh"
    assert analyzer.analyze("VoxLink クラッシュ", lang="ja").lang == "und"
    assert analyzer.analyze("VoxLink keeps crashing", lang="und").lang == "en"  # unknown: detected
