from __future__ import annotations

import pytest

from config import Product
from sentiment import Analyzer
from sentiment.relevance import ProductMatcher

from .conftest import PRODUCTS


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("VoxLink SDK 在安卓上闪退", ["VoxLink"]),
        ("声链的 IM 已读回执不准", ["声链"]),
        ("用voxlink的时候卡顿", ["VoxLink"]),  # case-insensitive
        ("VoxLink's docs are thin", ["VoxLink"]),  # possessive is a boundary
        ("the VoxLink-SDK build fails", ["VoxLink"]),  # so is a hyphen
        ("We run VoxLink RTC in production", ["VoxLink RTC", "VoxLink"]),  # the longer alias wins the spot
        ("VXL keeps crashing", ["VXL"]),
    ],
)
def test_names_and_aliases_make_a_text_relevant(text: str, terms: list[str]) -> None:
    result = ProductMatcher(PRODUCTS).match(text)
    assert result.relevant
    assert result.terms[0] == terms[0]


@pytest.mark.parametrize(
    "text",
    [
        "VoxLinker is a different product",  # a longer word is not the name
        "MyVoxLink app",  # nor a word that ends with it
        "vxl is lowercase noise",  # a short all-capitals alias matches in capitals only
        "天气不错",
    ],
)
def test_latin_names_match_on_word_boundaries_only(text: str) -> None:
    assert not ProductMatcher(PRODUCTS).match(text).relevant


@pytest.mark.parametrize(
    "text",
    [
        "The small Glasgow label VoxLink Records is reissuing a vinyl album",
        "My VoxLink cable is broken again",
    ],
)
def test_an_exclusion_word_makes_the_text_irrelevant(text: str, analyzer: Analyzer) -> None:
    result = analyzer.analyze(text)
    assert not result.relevant and result.relevance_terms == []
    assert not result.complaint  # "broken" is complaint evidence, but not about our product
    if "broken" in text:
        assert result.complaint_terms == ["broken"]


def test_exclusion_applies_per_product() -> None:
    matcher = ProductMatcher([Product(name="Echo", exclude=["Amazon Echo"]), Product(name="VoxLink")])
    result = matcher.match("Amazon Echo next to my VoxLink demo")
    assert result.relevant and result.terms == ["VoxLink"]
