"""`lingting train` (labeled files and reviewers' decisions -> models) and `lingting reanalyze`."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from config import load_settings, settings_from_toml
from crawler.analysis import fingerprint, matcher, triage_fn
from lingting.cli import main
from lingting.train import TrainingData, read_reviews
from sentiment.models import MODEL_FILES, load_models
from store import Store, add_review

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
COMPLAINT = "声链 IM 安卓端消息推送失败，所有用户都收不到消息，线上业务已经受影响，急！"


@pytest.mark.parametrize("command", ["train", "reanalyze"])
def test_help_is_bilingual_with_an_example(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "示例" in result.output and "Example" in result.output
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.output)


def _config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "lingting.toml"
    path.write_text(f'database = "l.db"\nproducts = [{{ name = "声链" }}]\n{extra}', encoding="utf-8")
    return path


def _store_post(store: Store, pid: str, text: str, author: str, analysis: dict[str, object]) -> int:
    post = {"source": "v2ex", "source_post_id": pid, "url": f"http://x/{pid}", "text": text, "author": author}
    settings = settings_from_toml('products = [{ name = "声链" }]')
    triage, match = triage_fn(settings), matcher(settings.analysis)
    return store.upsert_post(post, analysis, fingerprint(post), triage=triage, match=match).cluster_id


def test_labeled_jsonl_trains_a_category_model_and_keeps_what_it_cannot_train(tmp_path: Path) -> None:
    rows = list(csv.DictReader((DATA / "clap_rq1.csv").open(encoding="utf-8")))[:240]
    mapping = {"BUG": "bug", "FEATURE": "feature_request", "OTHER": "other"}
    lines = [
        json.dumps({"text": r["review"], "category": mapping[r["category"]], "register": "review"})
        for r in rows
        if r["category"] in mapping
    ]
    labeled = tmp_path / "mine.jsonl"
    labeled.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "models"
    result = CliRunner().invoke(main, ["train", "--labeled", str(labeled), "--out", str(out), "--no-reviews"])
    assert result.exit_code == 0, result.output
    assert "sentiment_zh.json.gz: kept the current model" in result.output
    assert {p.name for p in out.iterdir()} >= set(MODEL_FILES)
    category = json.loads(gzip.decompress((out / "category.json.gz").read_bytes()))
    assert category["coverage"] == {"review:en": len(lines)}
    provenance = json.loads((out / "category.provenance.json").read_text(encoding="utf-8"))
    assert provenance["command"] == f"lingting train --labeled {labeled} --out {out}"
    assert provenance["data"][0]["rows"] == len(lines) and "cross_validation" in provenance["figures"]
    load_models.cache_clear()
    models = load_models(str(out))
    assert models.category.covers("en", "review") and models.sentiment_zh.expert("post").negative_below > 0
    load_models.cache_clear()


def test_bad_input_is_reported_in_words(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "category": "crash"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["train", "--labeled", str(bad), "--out", str(tmp_path / "o"), "--no-reviews"])
    assert result.exit_code == 2 and "bad.jsonl:1: category must be one of" in result.output
    empty = CliRunner().invoke(main, ["train", "-c", str(tmp_path / "none.toml"), "--out", str(tmp_path / "o")])
    assert empty.exit_code == 2 and "nothing to learn from" in empty.output and "Traceback" not in empty.output


def test_review_decisions_become_training_examples(tmp_path: Path) -> None:
    config = _config(tmp_path)
    settings = load_settings(config)
    store = Store(settings.database_path)
    base = {"relevant": True, "complaint": True, "priority": "P1", "category": "functional", "lang": "zh",
            "impact": "medium", "urgency": "high", "reasons": []}  # fmt: skip
    confirmed = _store_post(store, "1", COMPLAINT, "alice", base)
    dismissed = _store_post(store, "2", "声链的发布会今天在上海举行，现场很热闹", "bob", base)
    relabeled = _store_post(store, "3", "希望声链出一个鸿蒙版的 SDK，我们很需要", "carol", base)
    add_review(store, confirmed, "confirm")
    add_review(store, dismissed, "dismiss")
    add_review(store, relabeled, "relabel", category="feature_request")
    data = TrainingData()
    assert read_reviews(settings, data) == 3
    assert (COMPLAINT, 0) in data.social and ("声链的发布会今天在上海举行，现场很热闹", 1) in data.social
    assert len(data.social) == 2  # a relabel says nothing about sentiment
    assert {(e.category, e.register) for e in data.categories} == {("functional", "post"), ("feature_request", "post")}


def test_reanalyze_rewrites_stale_analyses_and_retriages(tmp_path: Path) -> None:
    config = _config(tmp_path)
    store = Store(load_settings(config).database_path)
    stale = {"relevant": False, "complaint": False, "priority": "P3", "category": "other", "lang": "zh",
             "impact": "low", "urgency": "low", "reasons": []}  # fmt: skip
    cluster = _store_post(store, "1", COMPLAINT, "alice", stale)
    assert not store.cluster(cluster)["flagged"]  # type: ignore[index]
    result = CliRunner().invoke(main, ["reanalyze", "-c", str(config)])
    assert result.exit_code == 0, result.output
    assert "reanalyzed / 已重新分析 1 post(s): complaint changed / 投诉变化 1" in result.output
    post = store.posts()[0]
    assert post["complaint"] == 1 and post["analysis"]["flag_reasons"][-1].startswith("结论: 投诉")
    after = store.cluster(cluster)
    assert after is not None and after["flagged"] == 1 and after["priority"] == "P0"
    again = CliRunner().invoke(main, ["reanalyze", "-c", str(config)])
    assert "complaint changed / 投诉变化 0" in again.output  # idempotent


def test_reanalyze_needs_a_config(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["reanalyze", "-c", str(tmp_path / "none.toml")])
    assert result.exit_code == 2 and "lingting init" in result.output
