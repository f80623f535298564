from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from config import settings_from_toml
from config.settings import AnalysisSettings, Settings
from crawler.analysis import fingerprint, matcher
from exporter import IntakeError, export, plan, validate
from exporter.sinks import DeliveryError
from store import ClusterTriage, Outbox, Store
from tests.exporter.markup import invisible, live_text, skeleton

COMPLAINT = "声链 IM 安卓端消息推送失败，所有用户都收不到消息，线上业务已经受影响，急！<script>alert(1)</script>"
ANALYSIS = {
    "lang": "zh", "relevant": True, "relevance_terms": ["声链"], "sentiment": 0.05, "polarity": "negative",
    "complaint": True, "complaint_terms": ["推送失败", "收不到消息"], "category": "functional", "priority": "P0",
    "impact": "high", "urgency": "high", "reasons": ["r"], "missing_info": ["sdk_version", "logs"],
    "product_area": "push", "sdk_version": None, "platform": "android", "error_codes": [], "attribution": "sdk",
}  # fmt: skip


def settings(tmp_path: Path, extra: str = "") -> Settings:
    text = (
        f'database = "l.db"\nproducts = [{{ name = "声链" }}]\n'
        f'[[sources]]\nname = "v2ex"\ntype = "v2ex"\nbase_url = "https://v2ex.test"\n{extra}'
    )
    return settings_from_toml(text, base_dir=tmp_path)


def triage(members: list[dict[str, Any]], authors: int, size: int) -> ClusterTriage:
    lead = members[0]["analysis"]
    priority = lead.get("priority", "P3") if authors < 3 else "P0"
    return ClusterTriage(priority, "high", "high", lead.get("category", "other"), [f"{authors} 位用户 / authors"])


def add(store: Store, pid: str, author: str, text: str = COMPLAINT, **analysis: Any) -> None:
    store.upsert_post(
        {"source": "v2ex", "source_post_id": pid, "url": f"https://v2ex.test/t/{pid}", "text": text,
         "author": author, "created_at": "2026-11-24T10:00:00Z", "fetched_at": "2026-11-24T11:00:00Z"},
        {**ANALYSIS, **analysis},
        fingerprint({"text": text}),
        triage=triage,
        match=matcher(AnalysisSettings()),
    )  # fmt: skip


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_exports_once_then_revisions_on_growth(tmp_path: Path):
    s = settings(tmp_path)
    store = Store(s.database_path)
    add(store, "1", "alice")
    first = export(store, s)
    assert (len(first.planned), first.delivered) == (1, 1)
    again = export(store, s)
    assert (len(again.planned), again.delivered, again.unchanged) == (0, 0, 1)
    add(store, "2", "bob")  # the cluster grows: a new revision of the same intake id
    grown = export(store, s)
    assert len(grown.planned) == 1
    events = lines(tmp_path / "tickets.jsonl")
    assert [e["revision"] for e in events] == [1, 2]
    assert events[0]["data"]["intake_id"] == events[1]["data"]["intake_id"]
    assert events[0]["id"] != events[1]["id"]
    assert events[1]["data"]["related"]["distinct_authors"] == 2


def test_record_is_valid_cloudevent_and_escaped(tmp_path: Path):
    s = settings(tmp_path)
    store = Store(s.database_path)
    add(store, "1", "alice")
    export(store, s)
    (event,) = lines(tmp_path / "tickets.jsonl")
    assert event["specversion"] == "1.0" and event["type"] and event["source"] == "urn:lingting"
    assert event["subject"] == event["data"]["intake_id"] and event["id"].startswith(event["subject"])
    record = event["data"]
    validate(record)
    assert record["priority"] == "P0" and record["category"] == "functional"
    assert record["missing_info"] == ["sdk_version", "logs"]
    description = record["description_md"]
    assert f"```text\n{COMPLAINT}\n```" in description  # quoted whole, as text
    assert "script" not in "".join(live_text(description)) and not invisible(description)
    assert skeleton(description) == skeleton(description.replace(COMPLAINT, "x"))  # it adds no markup
    assert record["source"]["url"] == "https://v2ex.test/t/1" and "<https://v2ex.test/t/1>" in description
    assert all(t == t.lower() for t in record["tags"])


def test_policy_routes_review_and_never(tmp_path: Path):
    s = settings(tmp_path, '[export]\nauto = ["P0"]\nreview = ["P1"]\n')
    store = Store(s.database_path)
    add(store, "1", "alice", text="VoxLink 声链 录制文件缺失，回放打不开", priority="P1")
    add(store, "2", "bob", text="声链 控制台 按钮 文案有错别字", priority="P3")
    summary = plan(store, s)
    assert summary.planned == [] and summary.awaiting_review == 1


def test_validate_rejects_bad_record():
    with pytest.raises(IntakeError, match="priority"):
        validate({"intake_id": "lt-0000000000000000", "priority": "P9"})


class FlakySink:
    name = "jsonl:0"

    def __init__(self, error: DeliveryError) -> None:
        self.error = error

    def deliver(self, event: dict[str, Any], *, previous_ref: str | None = None) -> str:
        raise self.error


def test_failed_delivery_stays_in_outbox_and_dead_on_permanent_error(tmp_path: Path):
    s = settings(tmp_path)
    store = Store(s.database_path)
    add(store, "1", "alice")
    summary = export(store, s, sinks=[FlakySink(DeliveryError("HTTP 503", retry=True))])
    assert summary.failed == 1
    row = store.query("SELECT * FROM outbox")[0]
    assert row["status"] == "failed" and row["last_error"] == "HTTP 503" and row["attempts"] == 1
    assert Outbox(store).due() == []  # backed off, not due right now
    store.conn.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00Z'")
    summary = export(store, s, sinks=[FlakySink(DeliveryError("HTTP 400", retry=False))])
    assert summary.dead == 1 and summary.planned == []  # no second decision for the same state
    assert store.query("SELECT status FROM outbox")[0]["status"] == "dead"


def test_jsonl_sink_skips_events_already_written(tmp_path: Path):
    from exporter.sinks import JsonlFileSink

    path = tmp_path / "t.jsonl"
    path.write_text('{"id": "a"}\n{"id": "b", "torn', encoding="utf-8")  # a crash tore the last line
    sink = JsonlFileSink(path)
    sink.deliver({"id": "a"})
    sink.deliver({"id": "c"})
    sink.deliver({"id": "c"})
    text = path.read_text(encoding="utf-8").splitlines()
    assert text[0] == '{"id": "a"}' and text[-1] == '{"id": "c"}' and len(text) == 3


def test_one_exporter_at_a_time(tmp_path: Path):
    from exporter import ExportBusy, ExportLock

    db = str(tmp_path / "l.db")
    with ExportLock(db), pytest.raises(ExportBusy, match="another exporter"), ExportLock(db, wait=0.1):
        pass
    with ExportLock(db, wait=0.1):  # released on exit
        pass


def test_sink_and_alert_config_errors_are_readable(tmp_path: Path):
    from config import ConfigError

    with pytest.raises(ConfigError, match="unknown type 'teams'"):
        settings(tmp_path, '[export]\n[[export.sinks]]\ntype = "teams"\n')
    with pytest.raises(ConfigError, match="name used twice: a"):
        settings(
            tmp_path,
            '[export]\n[[export.sinks]]\ntype = "jsonl"\nname = "a"\n[[export.sinks]]\ntype = "jsonl"\nname = "a"\n',
        )
    with pytest.raises(ConfigError, match="secret_env"):
        settings(
            tmp_path,
            '[export]\n[[export.sinks]]\ntype = "webhook"\nurl = "https://x.test/h"\nsecret_env = "not a name"\n',
        )
    s = settings(
        tmp_path,
        '[export]\n[[export.sinks]]\ntype = "jsonl"\n[[export.sinks]]\ntype = "jsonl"\npath = "b.jsonl"\n'
        '[[export.alerts]]\ntype = "slack"\nurl_env = "SLACK_URL"\n',
    )
    assert s.export.destination_names() == ["jsonl:0", "jsonl:1", "slack:0"]
