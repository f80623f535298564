from __future__ import annotations

from pathlib import Path

import pytest

from store import ReviewError, Store, add_review, latest_review, reviews
from tests.store.test_store import COMPLAINT, add


def test_latest_review_is_in_force_and_history_kept(tmp_path: Path):
    store = Store(tmp_path / "l.db")
    cid = add(store, "1", COMPLAINT, "alice").cluster_id
    add_review(store, cid, "confirm", reviewer="li")
    add_review(store, cid, "relabel", category="bug", priority="P1", note="是崩溃")
    latest = latest_review(store, cid)
    assert latest is not None and latest["decision"] == "relabel" and latest["category"] == "bug"
    assert [r["decision"] for r in reviews(store)] == ["confirm", "relabel"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cluster_id": 999, "decision": "confirm"}, "no cluster 999"),
        ({"decision": "relabel", "category": "bugs"}, "category 'bugs'"),
        ({"decision": "relabel", "priority": "P7"}, "priority 'P7'"),
        ({"decision": "relabel"}, "needs a category or a priority"),
    ],
)
def test_bad_reviews_are_refused_in_words(tmp_path: Path, kwargs: dict, message: str):
    store = Store(tmp_path / "l.db")
    cid = add(store, "1", COMPLAINT, "alice").cluster_id
    args = {"cluster_id": cid, **kwargs}
    with pytest.raises(ReviewError, match=message):
        add_review(store, args.pop("cluster_id"), args.pop("decision"), **args)
    assert reviews(store) == []
