"""Databases with flagged clusters, built through the real store, for the exporter's tests."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from config import settings_from_toml
from config.settings import Settings
from store import ClusterTriage, Fingerprint, Store

ANALYSIS = {
    "lang": "zh", "relevant": True, "relevance_terms": ["声链"], "sentiment": 0.05, "polarity": "negative",
    "complaint": True, "complaint_terms": ["推送失败"], "category": "functional", "priority": "P0",
    "impact": "high", "urgency": "high", "reasons": ["r"], "missing_info": ["sdk_version"],
    "product_area": "push", "sdk_version": None, "platform": "android", "error_codes": [], "attribution": "sdk",
}  # fmt: skip


def settings(tmp_path: Path, extra: str = "") -> Settings:
    """A config in `tmp_path` with whatever `[export]` tables `extra` adds; the posts of `add_post`
    come from its V2EX source, so their links (on v2ex.test) go into the tickets."""
    text = (
        f'database = "l.db"\nproducts = [{{ name = "声链" }}]\n'
        f'[[sources]]\nname = "v2ex"\ntype = "v2ex"\nbase_url = "https://v2ex.test"\n{extra}'
    )
    return settings_from_toml(text, base_dir=tmp_path)


def zendesk_sink(url: str) -> str:
    """The `[export]` table of one Zendesk sink at `url`, its token in $ZD_TOKEN."""
    return (
        f'[export]\n[[export.sinks]]\ntype = "zendesk"\nbase_url = "{url}"\nemail = "ops@x.test"\n'
        'token_env = "ZD_TOKEN"\n'
    )


def _triage(members: list[dict[str, Any]], authors: int, size: int) -> ClusterTriage:
    lead = members[0]["analysis"]
    # Three authors or more make any cluster a P0 (so a test can make one grow and escalate).
    priority = lead.get("priority", "P3") if authors < 3 else "P0"
    return ClusterTriage(priority, "high", "high", lead.get("category", "other"), [f"{authors} 位用户 / authors"])


def _no_match(a: bytes, n: int, b: bytes, m: int) -> float:
    return 0.0


def add_post(
    store: Store, pid: str, author: str, *, text: str | None = None, copy_of: str | None = None, **analysis: Any
) -> int:
    """Store one complaint; `copy_of` puts it in the cluster of that earlier post. Returns the cluster id."""
    text = text or f"声链 推送失败 第 {pid} 号反馈 <b>{pid}</b>"
    key = hashlib.sha1((copy_of or pid).encode()).hexdigest()
    result = store.upsert_post(
        {"source": "v2ex", "source_post_id": pid, "url": f"https://v2ex.test/t/{pid}", "text": text,
         "title": f"推送失败 #{pid}", "author": author, "created_at": "2026-11-24T10:00:00Z",
         "fetched_at": "2026-11-24T11:00:00Z"},
        {**ANALYSIS, **analysis},
        Fingerprint(content_key=key, minhash=b"", shingles=0, bands=[]),
        triage=_triage,
        match=_no_match,
    )  # fmt: skip
    return result.cluster_id


def many_clusters(store: Store, n: int, **analysis: Any) -> list[int]:
    return [add_post(store, f"p{i}", f"user{i}", **analysis) for i in range(n)]
