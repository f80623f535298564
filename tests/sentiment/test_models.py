"""The shipped models: where they come from, what they hold, and that analysis reads them exactly."""

from __future__ import annotations

import gzip
import io
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from config import AnalysisSettings, Product
from sentiment import Analyzer
from sentiment.emotion_words import emotion_words
from sentiment.features import char_grams, chars_marked, readable_gram, word_grams, words_marked
from sentiment.models import (
    CALIBRATED_NEGATIVE,
    MODEL_FILES,
    ModelError,
    calibrate,
    load_models,
)
from sentiment.textnorm import normalize_text

MODELS = resources.files("config") / "models"


@pytest.mark.parametrize("name", MODEL_FILES)
def test_every_model_ships_small_with_its_provenance(name: str) -> None:
    body = (MODELS / name).read_bytes()
    assert len(body) < 1_000_000
    provenance = json.loads((MODELS / name.replace(".json.gz", ".provenance.json")).read_text(encoding="utf-8"))
    assert provenance["file"] == name and provenance["bytes"] == len(body)
    assert provenance["command"].startswith("lingting train") and provenance["trained_at"]
    assert provenance["data"] and all({"file", "origin", "rows", "used"} <= set(d) for d in provenance["data"])


def test_sentiment_provenance_keeps_the_held_back_split_out() -> None:
    provenance = json.loads((MODELS / "sentiment_zh.provenance.json").read_text(encoding="utf-8"))
    used = {d["file"]: d for d in provenance["data"]}
    assert used["weibo2018_train.txt"]["used"] == 8000 and used["weibo2018_train.txt"]["rows"] == 10000
    assert used["waimai_10k.csv"]["used"] == 11987 - 2398
    assert set(provenance["figures"]["held_back"]) == {"weibo2018", "waimai_10k"}


def test_models_hold_n_grams_and_weights_not_the_texts() -> None:
    data = json.loads(gzip.decompress((MODELS / "sentiment_zh.json.gz").read_bytes()))
    views = {v["features"]: v["grams"] for v in data["views"]}
    assert set(views) == {"chars+marks", "words+marks"}
    # character pairs, words and word pairs at most: no sentence of the data set
    assert max(len(g) for g in views["chars+marks"] if not g.startswith("@")) == 2
    assert all(g.startswith(("w:", "b:", "@")) and g.count(" ") <= 1 for g in views["words+marks"])
    assert {g for v in views.values() for g in v if g.startswith("@")} >= {"@hownet:neg", "@dutir:怒"}


def test_config_default_threshold_is_where_calibration_lands() -> None:
    assert AnalysisSettings().negative_threshold == CALIBRATED_NEGATIVE
    assert calibrate(0.53, 0.53) == pytest.approx(CALIBRATED_NEGATIVE)
    assert calibrate(0.0, 0.53) == 0.0 and calibrate(1.0, 0.53) == 1.0
    assert calibrate(0.2, 0.53) < calibrate(0.6, 0.53)


def test_scoring_matches_scikit_learn_exactly() -> None:
    """The plain-Python scorer computes what TfidfVectorizer + LogisticRegression would."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from sentiment.training import _fit_category

    texts = ["app crashes on start", "please add dark mode", "love it", "crashes again and again", "add a widget"]
    labels = ["bug", "feature_request", "other", "bug", "feature_request"]
    model = _fit_category(texts, labels, c=10.0, min_df=1)
    vectorizer = TfidfVectorizer(analyzer=word_grams, sublinear_tf=True)
    regression = LogisticRegression(C=10.0, max_iter=5000).fit(vectorizer.fit_transform(texts), np.array(labels))
    for text in ("the app crashes, please add a fix", "love love it", "nothing known here"):
        expected = regression.predict_proba(vectorizer.transform([text]))[0]
        ours = model.logits(text)
        probs = np.exp(ours) / np.exp(ours).sum()
        assert probs == pytest.approx(expected, abs=1e-6)


def test_features_are_what_the_docs_say() -> None:
    assert char_grams("Ab  c") == ["a", "b", " ", "c", "ab", "b ", " c"]
    assert word_grams("App crashes 很卡") == ["app", "crashes", "app crashes", "很", "卡", "很卡"]
    assert words_marked("SDK又闪退了") == ["w:sdk", "w:又", "w:闪退", "w:了", "b:sdk 又", "b:又 闪退", "b:闪退 了"]
    assert chars_marked("愤怒") == ["愤", "怒", "愤怒", "@hownet:neg", "@dutir:怒"]
    assert [readable_gram(g) for g in ("b:不 开心", "b:not working", "@dutir:怒", "卡顿")] == [
        "不开心",
        "not working",
        None,
        "卡顿",
    ]


def test_emotion_word_lists_load_as_plain_strings_only() -> None:
    import pickle

    from sentiment.emotion_words import _WordListUnpickler

    assert emotion_words()["愤怒"] == ("@hownet:neg", "@dutir:怒") and len(emotion_words()) > 30_000
    hostile = pickle.dumps(Path("/etc/passwd"))  # a pickle that builds an object of another class
    with pytest.raises(pickle.UnpicklingError, match="not allowed"):
        _WordListUnpickler(io.BytesIO(hostile)).load()


def test_batches_score_exactly_as_single_posts() -> None:
    """analyze_many runs the Chinese model in batches; every result is what analyze gives alone."""
    analyzer = Analyzer([Product(name="声链", aliases=["ShengLian"])])
    items: list[dict[str, Any]] = [
        {"text": "声链SDK又闪退了，气死我了"},
        {"text": "这家外卖送得太慢了，菜都凉了", "source": "appstore"},
        {"text": "今天天气真好，心情不错", "register": "review"},
        {"text": "", "title": "声链 推送收不到"},
        {"text": "ShengLian crashes on Android 14, terrible", "rating": 1},
        {"text": "   "},
    ] * 3
    batch = analyzer.analyze_many(items)
    for item, result in zip(items, batch, strict=True):
        alone = analyzer.analyze(
            str(item["text"]),
            title=item.get("title"),
            source=item.get("source"),
            rating=item.get("rating"),
            register=item.get("register"),
        )
        assert result == alone


def test_the_register_picks_the_sentiment_expert() -> None:
    model = load_models().sentiment_zh
    assert [(e.name, e.register) for e in model.experts] == [("social", "post"), ("reviews", "review")]
    text = normalize_text("送餐太慢了，等了一个多小时", load_models().t2s)
    assert model.probability(text, "post") != model.probability(text, "review")
    assert model.expert("unknown register") is model.expert("post")


def test_traditional_chinese_reads_as_simplified() -> None:
    t2s = load_models().t2s
    assert normalize_text("這個SDK一直閃退，連線斷開", t2s) == "这个SDK一直闪退,连线断开"
    assert normalize_text("声链一直闪退", t2s) == "声链一直闪退"  # simplified text stays as it is
    analyzer = Analyzer([Product(name="聲鏈", aliases=["声链"])])
    result = analyzer.analyze("聲鏈SDK在安卓14上一直閃退，太爛了")
    assert result.relevant and result.complaint and result.complaint_terms == ["闪退"]


def test_a_model_folder_can_replace_the_shipped_models(tmp_path: Path) -> None:
    for name in MODEL_FILES:
        for file in (name, name.replace(".json.gz", ".provenance.json")):
            (tmp_path / file).write_bytes((MODELS / file).read_bytes())
    analyzer = Analyzer([], AnalysisSettings(models=str(tmp_path)))
    assert analyzer.analyze("声链怎么这么卡").sentiment == Analyzer([]).analyze("声链怎么这么卡").sentiment
    (tmp_path / "category.json.gz").write_bytes(b"not gzip")
    load_models.cache_clear()
    with pytest.raises(ModelError, match=r"category.json.gz: not a gzip JSON model .* / 模型文件损坏"):
        Analyzer([], AnalysisSettings(models=str(tmp_path)))
    with pytest.raises(ModelError, match="no such model folder"):
        Analyzer([], AnalysisSettings(models=str(tmp_path / "missing")))
    load_models.cache_clear()


def test_model_cues_are_the_posts_own_words() -> None:
    model = load_models().sentiment_zh
    negative = model.cues("声链SDK又闪退了，垃圾，客服也不回，气死我了", negative=True)
    assert "垃圾" in negative and all(len(w) >= 2 for w in negative)
    positive = model.cues("声链的新版本太好用了，延迟低，点赞", negative=False)
    assert "点赞" in positive and "的新" not in positive  # a pair with a function word explains nothing


def test_a_model_of_the_older_format_says_to_retrain(tmp_path: Path) -> None:
    for name in MODEL_FILES:
        (tmp_path / name).write_bytes((MODELS / name).read_bytes())
    older = {"kind": "sentiment", "experts": ["social"], "negative_below": 0.53, "model": {"format": "x"}}
    (tmp_path / "sentiment_zh.json.gz").write_bytes(gzip.compress(json.dumps(older).encode()))
    load_models.cache_clear()
    with pytest.raises(ModelError, match="older format; run `lingting train` again"):
        load_models(str(tmp_path))
    load_models.cache_clear()


def test_missing_emotion_word_lists_are_named_when_the_models_load(monkeypatch: pytest.MonkeyPatch) -> None:
    from sentiment import emotion_words as lists

    lists.emotion_words.cache_clear()
    load_models.cache_clear()
    monkeypatch.setattr(lists, "PACKAGE", "no_such_package_for_lingting")
    with pytest.raises(ModelError, match="no_such_package_for_lingting package is not installed"):
        load_models()
    monkeypatch.undo()
    lists.emotion_words.cache_clear()
    load_models.cache_clear()
    assert load_models().sentiment_zh.experts
