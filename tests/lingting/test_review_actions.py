from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import Settings
from exporter import export
from lingting import review_actions as ra
from store import ReviewError, Store, reviews
from store.review_queue import QueueFilter, cluster_detail, matching_ids, tab_counts
from tests.store.review_support import post, review_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return review_settings(tmp_path)


@pytest.fixture
def store(settings: Settings) -> Store:
    return Store(settings.database_path)


def _outbox(store: Store) -> list[tuple[str, int]]:
    return [(r["intake_id"], r["revision"]) for r in store.query("SELECT * FROM outbox ORDER BY id")]


def test_confirm_queues_the_intake_record_in_the_same_action(settings: Settings, store: Store):
    cid = post(store, "1", priority="P1")  # P1 waits for a reviewer by default
    intake = store.cluster(cid)["intake_id"]  # type: ignore[index]
    result = ra.apply_decision(settings, store, [cid], "confirm", reviewer="li")
    assert result.queued == [(intake, 1)] and _outbox(store) == [(intake, 1)]
    assert tab_counts(store, QueueFilter())["exported"] == 1
    # the exporter sees it decided and sends nothing twice
    summary = export(store, settings, env={})
    assert summary.planned == [] and summary.delivered == 1 and _outbox(store) == [(intake, 1)]
    detail = cluster_detail(store, cid)
    assert detail is not None and detail.deliveries[0]["status"] == "delivered"
    assert [h["reviewer"] for h in detail.history] == ["li"]


def test_bulk_writes_one_audit_row_per_cluster_or_nothing(settings: Settings, store: Store):
    ids = [post(store, str(i)) for i in range(5)]
    with pytest.raises(ReviewError, match="no cluster 999"):
        ra.apply_decision(settings, store, [*ids, 999], "dismiss", reviewer="li", reason="spam")
    assert reviews(store) == []
    with pytest.raises(ReviewError, match="needs a reason"):
        ra.apply_decision(settings, store, ids, "dismiss", reviewer="li")
    flt = QueueFilter(q="推送失败")
    result = ra.apply_decision(settings, store, matching_ids(store, flt), "dismiss", reviewer="li", reason="spam")
    assert sorted(result.cluster_ids) == sorted(ids)
    log = reviews(store)
    assert sorted(r["cluster_id"] for r in log) == sorted(ids)
    assert {(r["decision"], r["reason"], r["reviewer"]) for r in log} == {("dismiss", "spam", "li")}
    assert tab_counts(store, QueueFilter())["dismissed"] == 5


def test_undo_after_a_bulk_action_undoes_every_cluster_of_it_with_a_row_each(settings: Settings, store: Store):
    single = post(store, "0")
    ids = [post(store, str(i)) for i in range(1, 4)]
    ra.apply_decision(settings, store, [single], "confirm", reviewer="li")
    ra.apply_decision(settings, store, ids, "dismiss", reviewer="li", reason="duplicate")
    assert tab_counts(store, QueueFilter())["dismissed"] == 3
    result = ra.undo(settings, store, "li")
    assert sorted(result.cluster_ids) == sorted(ids) and len(result.review_ids) == 3
    assert tab_counts(store, QueueFilter())["dismissed"] == 0
    assert [r["decision"] for r in reviews(store) if r["cluster_id"] == ids[0]] == ["dismiss", "undo"]
    assert ra.undo(settings, store, "li").cluster_ids == [single]  # then the decision before it


def test_relabel_of_an_exported_cluster_queues_its_next_revision(settings: Settings, store: Store):
    cid = post(store, "1", priority="P0")
    export(store, settings, env={})
    intake = store.cluster(cid)["intake_id"]  # type: ignore[index]
    ra.apply_decision(settings, store, [cid], "relabel", reviewer="li", category="bug")
    assert _outbox(store) == [(intake, 1), (intake, 2)]
    ra.apply_decision(settings, store, [cid], "note", reviewer="li", note="用户已回复")
    assert _outbox(store) == [(intake, 1), (intake, 2)]


def test_undo_of_a_dismiss_lets_policy_decide_again(settings: Settings, store: Store):
    cid = post(store, "1", priority="P0")
    ra.apply_decision(settings, store, [cid], "dismiss", reviewer="li", reason="not_about_us")
    assert export(store, settings, env={}).planned == []
    result = ra.undo(settings, store, "li")
    assert result.cluster_ids == [cid] and len(result.queued) == 1
    assert ra.undo(settings, store, "nobody").cluster_ids == []


def test_merge_of_an_exported_cluster_gives_its_intake_id_a_revision_not_a_new_ticket(settings: Settings, store: Store):
    old = post(store, "1", priority="P0")
    export(store, settings, env={})
    kept_intake = store.cluster(old)["intake_id"]  # type: ignore[index]
    new = post(store, "2", priority="P2")  # not exported: P2 waits for review
    kept = ra.merge(settings, store, new, old, "li")
    assert kept == old
    assert _outbox(store) == [(kept_intake, 1), (kept_intake, 2)]
    export(store, settings, env={})
    assert {i for i, _ in _outbox(store)} == {kept_intake}
    merged = store.cluster(new)
    assert merged is not None and merged["merged_into"] == old and merged["queue_state"] is None
    assert store.cluster(old)["size"] == 2  # type: ignore[index]
    assert [r["decision"] for r in reviews(store)] == ["merge", "merge"]
    assert tab_counts(store, QueueFilter()) == tab_counts(store, QueueFilter(since="1970-01-01"))
    with pytest.raises(ReviewError, match="merged into"):
        ra.merge(settings, store, new, old, "li")


def test_merge_keeps_the_newer_cluster_when_only_it_has_a_ticket(settings: Settings, store: Store):
    old = post(store, "1", priority="P2")
    new = post(store, "2", priority="P0")
    export(store, settings, env={})
    new_intake = store.cluster(new)["intake_id"]  # type: ignore[index]
    assert ra.merge(settings, store, old, new, "li") == new
    export(store, settings, env={})
    assert {i for i, _ in _outbox(store)} == {new_intake}


def test_split_moves_a_post_to_a_new_cluster_and_the_old_keeps_its_ticket(settings: Settings, store: Store):
    cid = post(store, "1", priority="P0")
    post(store, "2", copy_of="1", priority="P0", author="other")
    export(store, settings, env={})
    intake = store.cluster(cid)["intake_id"]  # type: ignore[index]
    seed = store.cluster(cid)["seed_post_id"]  # type: ignore[index]
    new = ra.split(settings, store, seed, "li")  # the seed itself leaves
    assert new != cid
    old_row, new_row = store.cluster(cid), store.cluster(new)
    assert old_row is not None and new_row is not None
    assert old_row["intake_id"] == intake and new_row["intake_id"] != intake
    assert old_row["size"] == 1 and new_row["size"] == 1 and old_row["seed_post_id"] != seed
    revisions = [r for i, r in _outbox(store) if i == intake]
    assert revisions == [1, 2]  # the old ticket gets the smaller cluster as a revision
    with pytest.raises(ReviewError, match="alone"):
        ra.split(settings, store, seed, "li")


def test_draft_reply_asks_for_exactly_what_is_missing_in_the_posts_language(settings: Settings, store: Store):
    zh = post(store, "1", missing_info=["sdk_version", "logs"])
    en = post(store, "2", lang="en", text="VoxLink push fails", relevance_terms=["VoxLink"], missing_info=["platform"])
    done = post(store, "3", missing_info=[])
    zh_reply = ra.draft_reply(settings, cluster_detail(store, zh))  # type: ignore[arg-type]
    assert "您好" in zh_reply and "SDK 版本号" in zh_reply and "日志" in zh_reply and "平台" not in zh_reply
    en_reply = ra.draft_reply(settings, cluster_detail(store, en))  # type: ignore[arg-type]
    assert en_reply.startswith("Hi, thanks for reporting this problem with 声链")
    assert "platform and OS" in en_reply and "SDK version" not in en_reply
    assert "everything we need" in ra.draft_reply(settings, cluster_detail(store, done), "en")  # type: ignore[arg-type]


def test_reply_templates_beside_the_config_override_the_shipped_ones(settings: Settings, store: Store):
    (settings.base_dir / "replies").mkdir()
    (settings.base_dir / "replies" / "zh.toml").write_text('greeting = "亲，"\n[items]\nlogs = "发下日志"\n', "utf-8")
    reply = ra.draft_reply(settings, cluster_detail(store, post(store, "1")))  # type: ignore[arg-type]
    assert reply.startswith("亲，") and "发下日志" in reply and "SDK 版本号" in reply


def test_intake_preview_is_the_record_the_ticket_system_gets(settings: Settings, store: Store):
    cid = post(store, "1", priority="P1")
    ra.apply_decision(settings, store, [cid], "relabel", reviewer="li", category="bug")
    record = ra.intake_preview(settings, store, cid)
    assert record is not None and record["category"] == "bug" and record["intake_id"].startswith("lt-")
    assert ra.intake_preview(settings, store, 999) is None


def test_an_export_planned_before_a_reviewers_decision_does_not_take_its_revision(settings: Settings, store: Store):
    from exporter.export import decide_cluster, plan, queue
    from store.outbox import RevisionTaken

    cid = post(store, "1", priority="P0")
    planned = plan(store, settings).planned  # the exporter read the database ...
    decide_cluster(store, settings, cid)  # ... then a reviewer's action queued revision 1 ...
    with pytest.raises(RevisionTaken):
        queue(store, planned[0], 0.0)  # ... so the exporter's revision 1 is refused, not doubled
    assert _outbox(store) == [(store.cluster(cid)["intake_id"], 1)]  # type: ignore[index]
    assert export(store, settings, env={}).planned == []
