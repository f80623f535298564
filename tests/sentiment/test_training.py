"""Training (pure: texts and labels in, model out) and the fixed held-back splits, on real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentiment import corpora
from sentiment.models import SentimentModel, load_models
from sentiment.training import CategoryExample, TrainingError, t2s_table, train_category, train_sentiment

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture(scope="module")
def weibo_rows() -> list[tuple[str, int, str]]:
    return corpora.weibo((DATA / "weibo2018_train.txt").read_text(encoding="utf-8"))


def test_weibo_split_is_fixed_every_fifth_by_mid(weibo_rows: list[tuple[str, int, str]]) -> None:
    train, held = corpora.weibo_split(weibo_rows)
    assert (len(train), len(held)) == (8000, 2000)
    first = min(weibo_rows, key=lambda r: int(r[0]))
    assert held[0] == (first[2], first[1])
    assert corpora.weibo_split(list(reversed(weibo_rows))) == (train, held)  # file order does not matter


def test_waimai_split_and_clap_reader() -> None:
    rows = corpora.waimai((DATA / "waimai_10k.csv").read_text(encoding="utf-8-sig"))
    train, held = corpora.waimai_split(rows)
    assert (len(train), len(held)) == (9589, 2398) and held[0] == rows[0] and held[1] == rows[5]
    reviews = corpora.clap((DATA / "clap_rq1.csv").read_text(encoding="utf-8"))
    assert len(reviews) == 3000 and {r.clap_class for r in reviews} == set(corpora.CLAP_TO_CATEGORY)
    assert reviews[0].rating == 5


def test_bad_files_are_named_by_line() -> None:
    with pytest.raises(corpora.CorpusError, match="line 2: expected `mid,label,text`"):
        corpora.weibo("1,0,好\n2,x,坏\n")
    with pytest.raises(corpora.CorpusError, match="missing review"):
        corpora.waimai("label,text\n1,好\n")


def test_sentiment_training_on_real_posts(weibo_rows: list[tuple[str, int, str]]) -> None:
    train, _ = corpora.weibo_split(weibo_rows)
    trained = train_sentiment({"social": train[:600]}, t2s=load_models().t2s, folds=3)
    model = trained.model
    assert isinstance(model, SentimentModel) and [e.name for e in model.experts] == ["social"]
    assert model.expert("post") is model.expert("review") is model.experts[0]  # one expert serves every register
    assert 0.02 <= model.experts[0].negative_below <= 0.98
    assert set(trained.figures["view_weights"]["social"]) == {"chars+marks", "words+marks"}
    cv = trained.figures["cross_validation"]["social"]
    assert cv["n"] == 600 and cv["auc"] > 0.7  # 600 Weibo posts already rank far better than chance
    assert model.probability("太失望了，垃圾，气死我了") < model.probability("开心，谢谢大家，太棒了")
    again = SentimentModel.from_dict(model.to_dict())
    assert again.probability("今天很开心") == pytest.approx(model.probability("今天很开心"), abs=1e-3)


def test_training_refuses_data_that_cannot_train() -> None:
    with pytest.raises(TrainingError, match="at least 20 negative"):
        train_sentiment({"social": [("好", 1)] * 30}, t2s={})
    with pytest.raises(TrainingError, match="unknown categories crash"):
        train_category([CategoryExample("x", "crash", "en")] * 30, t2s={})


def test_category_training_counts_registers_and_languages() -> None:
    reviews = corpora.clap((DATA / "clap_rq1.csv").read_text(encoding="utf-8"))[:400]
    examples = [CategoryExample(r.text, corpora.CLAP_TO_CATEGORY[r.clap_class], "en", "review") for r in reviews]
    trained = train_category(examples, t2s={}, folds=0)
    assert trained.model.coverage == {"review:en": 400}
    assert trained.model.covers("en", "review") and not trained.model.covers("en", "post")
    assert not trained.model.covers("zh", "review")


def test_t2s_table_keeps_simplified_characters() -> None:
    source = 'zh2hans = {\n    "閃": "闪",\n    "万": "万",\n    "余": "余",\n    "餘": "余",\n    "余": "馀",\n}\n'
    assert t2s_table(source) == {"閃": "闪", "餘": "余"}


def test_stratified_folds_spread_every_class_and_are_fixed() -> None:
    from sentiment.folds import stratified_folds

    labels = ["a"] * 10 + ["b"] * 5 + ["c"] * 3
    folds = stratified_folds(labels)
    assert folds == stratified_folds(labels)
    for label in "ab":
        assert sorted(f for f, y in zip(folds, labels, strict=True) if y == label) == sorted(
            [0, 1, 2, 3, 4] * (labels.count(label) // 5)
        )


def test_posts_get_their_own_category_model_on_words_and_lexicon_tokens() -> None:
    examples = [CategoryExample(f"app crashes {i}", "bug", "en", "review") for i in range(15)]
    examples += [CategoryExample(f"love it {i}", "other", "en", "review") for i in range(15)]
    examples += [CategoryExample(f"SDK crashes on launch {i}", "bug", "en", "post") for i in range(12)]
    examples += [CategoryExample(f"how do I set the callback {i}?", "question", "en", "post") for i in range(12)]
    trained = train_category(examples, t2s={}, folds=0)
    model = trained.model
    assert model.post_linear is not None and model.post_linear.features == "words+cues"
    assert any(g.startswith("§") for g in model.post_linear.grams)
    assert max(model.probabilities("how do i set the callback?", "post").items(), key=lambda kv: kv[1])[0] == "question"
    assert set(model.probabilities("crash", "review")) == {"bug", "other"}
    assert type(model).from_dict(model.to_dict()).post_linear is not None
