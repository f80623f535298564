"""The shipped models: where they come from, what they hold, and that analysis reads them exactly."""

from __future__ import annotations

import gzip
import json
from importlib import resources
from pathlib import Path

import pytest

from config import AnalysisSettings, Product
from sentiment import Analyzer
from sentiment.features import char_grams, word_grams
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
    grams = data["model"]["grams"]
    assert max(len(g) for g in grams) == 2  # character pairs at most: no sentence of the data set


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
