from __future__ import annotations

import dataclasses
import json
from itertools import islice
from pathlib import Path
from typing import Any

import pytest

from sentiment import Analysis, Analyzer

WEIBO = Path(__file__).resolve().parents[3] / "shared" / "data" / "weibo2018_train.txt"
FIELDS = [
    "lang", "relevant", "relevance_terms", "sentiment", "polarity", "complaint", "complaint_terms", "category",
    "priority", "impact", "urgency", "reasons", "missing_info", "product_area", "sdk_version", "platform",
    "error_codes", "attribution", "sentiment_model", "flag_reasons", "symptoms", "me_too", "evidence_capped",
]  # fmt: skip


def test_analysis_fields_and_dict_form(analyzer: Analyzer) -> None:
    result = analyzer.analyze("声链 SDK 4.2.1 在安卓14上闪退，错误码 110", source="v2ex")
    assert [f.name for f in dataclasses.fields(Analysis)] == FIELDS
    data = result.to_dict()
    assert list(data) == FIELDS
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.priority = "P0"  # type: ignore[misc]
    assert result.error_codes == ["110"] and result.complaint_terms == ["闪退", "错误码"]


def test_title_is_analyzed_with_the_text(analyzer: Analyzer) -> None:
    result = analyzer.analyze("SDK 4.2.1，一进房间就这样", title="声链安卓14闪退")
    assert result.relevant and result.category == "bug" and result.platform == "android 14"


def test_full_width_text_is_matched(analyzer: Analyzer) -> None:
    result = analyzer.analyze("ＶｏｘＬｉｎｋ ＳＤＫ ４.２.１ 闪退")
    assert result.relevant and result.sdk_version == "4.2.1"


def test_analyze_many_preserves_order_and_options(analyzer: Analyzer) -> None:
    items: list[dict[str, Any]] = [
        {"text": "声链实时消息推送失败，所有用户都收不到消息，业务停了，急！"},
        {"text": "How do I set the callback URL in VoxLink?", "lang": "en"},
        {"text": "VoxLink update arrived", "source": "appstore", "rating": 1},
        {"text": "", "title": "希望声链支持鸿蒙"},
        {"text": "天气不错"},
    ]
    results = analyzer.analyze_many(items)
    assert [r.priority for r in results][:1] == ["P0"]
    assert [r.category for r in results] == ["functional", "question", results[2].category, "feature_request", "other"]
    assert results[2].polarity == "negative"
    single = [
        analyzer.analyze(i["text"], title=i.get("title"), lang=i.get("lang"), rating=i.get("rating")) for i in items
    ]
    assert results == single


def test_empty_text(analyzer: Analyzer) -> None:
    result = analyzer.analyze("")
    assert (result.lang, result.relevant, result.polarity, result.category, result.priority) == (
        "und",
        False,
        "neutral",
        "other",
        "P3",
    )


@pytest.mark.skipif(not WEIBO.exists(), reason="../shared/data is not beside the project")
def test_runs_over_real_weibo_posts(analyzer: Analyzer) -> None:
    with WEIBO.open(encoding="utf-8") as f:
        rows = [line.rstrip("\n").split(",", 2) for line in islice(f, 200)]
    texts = [row[2] for row in rows if len(row) == 3]
    assert len(texts) >= 150
    results = analyzer.analyze_many({"text": t} for t in texts)
    assert len(results) == len(texts)
    for result in results:
        assert 0 <= result.sentiment <= 1
        assert result.lang in {"zh", "en", "und"}
        assert result.priority in {"P0", "P1", "P2", "P3"}
        assert result.reasons and result.reasons[-1].startswith("优先级:")
    assert sum(r.lang == "zh" for r in results) > 0.9 * len(results)
    assert not any(r.relevant for r in results)  # no Weibo post of 2018 mentions the product
