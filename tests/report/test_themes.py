"""Themes above clusters, pure: one meaning across words and languages, and names in both."""

from __future__ import annotations

from config import Product
from sentiment.themes import BrandMatcher, ThemePost, cluster_theme, name_themes, tokens


def test_disconnect_in_chinese_and_english_is_one_theme():
    zh = cluster_theme([ThemePost("声链一直掉线", "functional", ["掉线"])])
    en = cluster_theme([ThemePost("VoxLink keeps disconnecting", "functional", ["disconnect"])])
    other = cluster_theme([ThemePost("声链闪退", "bug", ["闪退"])])
    assert zh == en and zh.theme == "disconnect" and zh.kind == "problem"
    assert other.theme == "crash"


def test_a_cluster_takes_the_concept_most_of_its_posts_name():
    posts = [ThemePost("a", "functional", ["掉线"]), ThemePost("b", "functional", ["断线", "卡顿"]),
             ThemePost("me too", "other", [])]  # fmt: skip
    assert cluster_theme(posts).theme == "disconnect"


def test_requests_meet_on_the_feature_they_ask_for():
    zh = cluster_theme([ThemePost("希望声链支持鸿蒙", "feature_request")])
    en = cluster_theme([ThemePost("Please add HarmonyOS support", "feature_request")])
    bg = cluster_theme([ThemePost("能不能加个虚拟背景", "feature_request")])
    bg_en = cluster_theme([ThemePost("we need a virtual background", "feature_request")])
    assert zh == en and zh.theme == "request:harmonyos" and zh.kind == "request"
    assert bg == bg_en and bg.theme == "request:virtual_background"


def test_a_request_naming_no_known_feature_falls_back_to_platform_then_keyword():
    assert cluster_theme([ThemePost("add it please", "feature_request", platform="unity")]).theme == "request:unity"
    word = cluster_theme([ThemePost("希望增加白板功能, 白板很重要", "feature_request")], exclude=["声链"])
    assert word.theme == "request:白板"


def test_a_post_with_no_complaint_or_request_is_other():
    assert cluster_theme([ThemePost("怎么设置回调地址", "question")]).kind == "other"


def test_names_give_the_top_terms_in_both_languages():
    names = name_themes(
        {
            "disconnect": (["声链掉线", "又掉线了", "keeps disconnecting", "VoxLink disconnect"],
                           [["掉线"], ["掉线"], ["disconnect"], ["disconnect"]]),
            "crash": (["闪退了"], [["闪退"]]),
        },
        exclude=["VoxLink", "声链"],
    )  # fmt: skip
    assert names["disconnect"].zh[0] == "掉线" and names["disconnect"].en[0] == "disconnect"
    assert names["disconnect"].label.startswith("掉线") and "disconnect" in names["disconnect"].label
    assert "voxlink" not in names["disconnect"].keywords


def test_tokens_leave_out_stop_words_and_product_names():
    words = tokens("声链 SDK 安卓端一直掉线, 希望支持鸿蒙 and the app keeps disconnecting", exclude=["声链"])
    assert "掉线" in words and "disconnecting" in words
    assert not {"声链", "希望", "the", "and", "一直"} & set(words)


def test_brands_are_our_products_by_relevance_and_competitors_by_name():
    matcher = BrandMatcher([Product(name="VoxLink", aliases=["声链"], competitors=["Agora", "声网"])])
    assert matcher.brands("声链比声网好", ["声链"]) == ["VoxLink", "声网"]
    assert matcher.brands("Agora echo is bad", []) == ["Agora"]
    assert matcher.brands("nothing here", []) == []
