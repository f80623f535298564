"""Export policy with reviewers: confirm sends, dismiss holds, relabel overrides and revises."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from exporter import export, plan, review_states, route
from store import Store, add_review
from tests.exporter.support import add_post, settings


def tickets(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_route_defaults_auto_p0_review_p1_p2_never_p3(tmp_path: Path):
    policy = settings(tmp_path).export
    assert [route(p, policy) for p in ("P0", "P1", "P2", "P3")] == ["auto", "review", "review", "never"]
    assert route("P3", policy, exported=True) == "auto"  # a ticket already filed keeps being revised


def test_confirmed_p1_goes_out_and_unconfirmed_waits(tmp_path: Path):
    s = settings(tmp_path)
    store = Store(s.database_path)
    waiting = add_post(store, "1", "alice", priority="P1")
    confirmed = add_post(store, "2", "bob", priority="P2")
    add_review(store, confirmed, "confirm")
    summary = export(store, s)
    assert [p.cluster_id for p in summary.planned] == [confirmed] and summary.awaiting_review == 1
    assert [h.cluster_id for h in summary.held] == [waiting]
    (event,) = tickets(tmp_path / "tickets.jsonl")
    assert "confirmed by a reviewer" in " ".join(event["data"]["priority_reasons"])


def test_dismissed_cluster_never_goes_out_even_as_p0(tmp_path: Path):
    s = settings(tmp_path)
    store = Store(s.database_path)
    cid = add_post(store, "1", "alice", priority="P0")
    add_review(store, cid, "dismiss")
    summary = plan(store, s)
    assert summary.planned == [] and summary.held[0].why.startswith("policy or reviewer")


def test_relabel_overrides_and_is_a_new_revision_once_sent(tmp_path: Path):
    s = settings(tmp_path)
    store = Store(s.database_path)
    cid = add_post(store, "1", "alice", priority="P0")
    export(store, s)
    add_review(store, cid, "relabel", category="bug", priority="P1")
    summary = export(store, s)
    assert [p.revision for p in summary.planned] == [2]
    first, second = tickets(tmp_path / "tickets.jsonl")
    assert (first["data"]["category"], first["data"]["priority"]) == ("functional", "P0")
    assert (second["data"]["category"], second["data"]["priority"]) == ("bug", "P1")
    assert second["data"]["intake_id"] == first["data"]["intake_id"]
    assert second["data"]["external_refs"] == [{"system": "jsonl:0", "ref": f"tickets.jsonl#{first['id']}"}]
    assert export(store, s).planned == []  # the relabel stands; nothing more to send


def test_relabel_to_p0_goes_out_without_confirm(tmp_path: Path):
    s = settings(tmp_path)
    store = Store(s.database_path)
    cid = add_post(store, "1", "alice", priority="P2")
    assert plan(store, s).planned == []
    add_review(store, cid, "relabel", priority="P0")
    assert [p.event["data"]["priority"] for p in plan(store, s).planned] == ["P0"]


def test_confirm_stays_when_priority_rises(tmp_path: Path):
    s = settings(tmp_path, '[export]\nauto = []\nreview = ["P0", "P1", "P2"]\n')
    store = Store(s.database_path)
    cid = add_post(store, "1", "alice", priority="P1")
    add_review(store, cid, "confirm")
    assert len(export(store, s).planned) == 1
    add_post(store, "2", "bob", copy_of="1", priority="P1")
    add_post(store, "3", "carol", copy_of="1", priority="P1")  # three authors: the triage says P0
    summary = export(store, s)
    assert [(p.revision, p.event["data"]["priority"]) for p in summary.planned] == [(2, "P0")]


def test_review_states_fold_in_order():
    rows = [
        {"cluster_id": 1, "decision": "relabel", "category": "bug", "priority": None},
        {"cluster_id": 1, "decision": "confirm", "category": None, "priority": "P1"},
        {"cluster_id": 2, "decision": "confirm", "category": None, "priority": None},
        {"cluster_id": 2, "decision": "dismiss", "category": None, "priority": None},
    ]
    states = review_states(rows)
    assert (states[1].verdict, states[1].category, states[1].priority) == ("confirm", "bug", "P1")
    assert states[2].verdict == "dismiss"
