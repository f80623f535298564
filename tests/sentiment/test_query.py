"""Boolean relevance queries and context words: ambiguous product names (Agora is also a Greek word)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from config import Product
from sentiment import Analyzer
from sentiment.query import Query, QueryError
from sentiment.relevance import ProductMatcher

AGORA = '(Agora OR 声网) AND (SDK OR RTC OR "video call" OR 音视频 OR 直播) NOT "Agora Road" NOT agorà'


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("The Agora SDK drops video calls on Android 14", True),
        ("声网 SDK 在安卓上卡顿", True),
        ("Agora RTC: echo on iOS", True),
        ("We had a video call about the agora of ancient Athens", True),  # the query says so, literally
        ("The agora was the central public space of Athens", False),  # no context word
        ("Agora Road SDK of the city planning office", False),  # excluded phrase
        ("声网的直播", True),
    ],
)
def test_boolean_query_with_context_and_exclusions(text: str, matches: bool) -> None:
    assert Query(AGORA).matches(text) is matches


def test_implicit_and_quoted_phrases_and_minus() -> None:
    query = Query('Agora "web sdk" -Road')
    assert query.matches("agora web SDK crashes")
    assert not query.matches("agora SDK for web")  # not the phrase
    assert not query.matches("Agora Road web sdk")
    assert query.positive_terms() == ["Agora", "web sdk"]


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("声网推流卡顿", True),  # 0 characters between
        ("声网安卓推流一直卡顿", True),  # 6 between
        ("声网今天发布了新版本文档，另外我们这边的网络卡顿", False),  # far apart
        ("Agora calls keep dropping, so laggy", True),
        ("Agora is nice. Yesterday my neighbour's old router was very laggy", False),
    ],
)
def test_near(text: str, matches: bool) -> None:
    query = Query("(声网 OR Agora) NEAR/6 (卡顿 OR laggy OR 掉线)")
    assert query.matches(text) is matches


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty"),
        ("(Agora OR 声网", "not closed"),
        ("Agora OR", "ends too early"),
        ('""', "empty"),
        ("Agora)", "unexpected"),
        ("(a AND b) NEAR/3 c", "NEAR joins"),
    ],
)
def test_bad_queries_are_explained(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        Query(query)


def test_a_bad_product_query_names_the_product() -> None:
    # Refused where the config is read (config/query_syntax.py) ...
    with pytest.raises(ValidationError, match=r"'\(Agora OR' cannot be read: the query ends too early / 查询不完整"):
        Product(name="Agora", query="(Agora OR")
    # ... and, for a product made without validation, by the matcher, which names it.
    unchecked = Product.model_construct(name="Agora", aliases=[], exclude=[], context=[], query="(Agora OR")
    with pytest.raises(QueryError, match=r"product 'Agora'.*/"):
        ProductMatcher([unchecked])


def test_context_words_disambiguate_a_name() -> None:
    matcher = ProductMatcher([Product(name="Agora", aliases=["声网"], context=["SDK", "RTC", "声网", "通话"])])
    assert matcher.match("Agora SDK 4.2 crashes").relevant
    assert not matcher.match("Agora means a public square in Greek").relevant
    assert matcher.match("声网真不错").relevant  # the alias is its own context


def test_query_decides_instead_of_names_and_exclusions_still_apply() -> None:
    product = Product(name="Agora", query="Agora AND (SDK OR RTC)", exclude=["Agora Financial"])
    matcher = ProductMatcher([product])
    assert matcher.match("agora RTC echo").terms == ["Agora"]
    assert not matcher.match("agora rtc echo").relevant  # RTC: short capitals match as capitals, as in lexicons
    assert not matcher.match("Agora is a square").relevant
    assert not matcher.match("Agora Financial SDK newsletter").relevant


def test_thread_title_is_context_for_relevance_only() -> None:
    analyzer = Analyzer([Product(name="VoxLink")])
    reply = "same here, it keeps crashing on Android 14"
    alone = analyzer.analyze(reply)
    in_thread = analyzer.analyze(reply, thread_title="VoxLink SDK 4.2 crashes on startup")
    assert not alone.relevant and not alone.complaint
    assert in_thread.relevant and in_thread.complaint
    assert in_thread.flag_reasons[0].startswith("相关性: 所在主题提到 VoxLink")
    # the thread's words are not the reply's: no version or product area borrowed from the title
    assert in_thread.sdk_version is None and in_thread.complaint_terms == alone.complaint_terms
    praise = analyzer.analyze("works fine for me", thread_title="VoxLink SDK 4.2 crashes on startup")
    assert praise.relevant and not praise.complaint


def test_minus_before_a_quoted_phrase_excludes_the_phrase() -> None:
    from config.settings import Product
    from sentiment import Analyzer

    analyzer = Analyzer([Product(name="Agora", aliases=["声网"], query='(Agora NEAR/3 SDK) OR 声网 -"Agora Road"')])
    assert analyzer.analyze("声网的 RTC 卡顿").relevant
    assert analyzer.analyze("Agora SDK crashes").relevant
    assert not analyzer.analyze("声网 office on Agora Road").relevant
