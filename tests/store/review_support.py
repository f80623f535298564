"""Flagged clusters for the review tests, stored through the real upsert path."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from config import settings_from_toml
from config.settings import Settings
from store import ClusterTriage, Fingerprint, Store
from tests.exporter.support import ANALYSIS as EXPORT_ANALYSIS
from tests.exporter.support import _no_match

ANALYSIS: dict[str, Any] = {
    **EXPORT_ANALYSIS,
    "priority": "P2",
    "impact": "medium",
    "urgency": "low",
    "missing_info": ["sdk_version", "logs"],
}


def review_settings(tmp_path: Path, extra: str = "") -> Settings:
    text = f'database = "l.db"\nproducts = [{{ name = "声链", aliases = ["VoxLink"] }}]\n{extra}'
    return settings_from_toml(text, base_dir=tmp_path)


def triage(members: list[dict[str, Any]], authors: int, size: int) -> ClusterTriage:
    lead = members[0]["analysis"]
    return ClusterTriage(lead.get("priority", "P3"), "medium", "low", lead.get("category", "other"), ["r"])


def post(
    store: Store,
    pid: str,
    *,
    text: str | None = None,
    title: str | None = None,
    author: str | None = None,
    source: str = "v2ex",
    copy_of: str | None = None,
    **analysis: Any,
) -> int:
    """Store one post; `copy_of` puts it in that earlier post's cluster. Returns the cluster id."""
    key = hashlib.sha1((copy_of or pid).encode()).hexdigest()
    result = store.upsert_post(
        {"source": source, "source_post_id": pid, "url": f"https://{source}.test/t/{pid}",
         "text": text or f"声链 推送失败 第 {pid} 号反馈", "title": title or f"推送失败 #{pid}",
         "author": author or f"u{pid}",
         "created_at": "2026-11-24T10:00:00Z", "fetched_at": "2026-11-24T11:00:00Z"},
        {**ANALYSIS, **analysis},
        Fingerprint(content_key=key, minhash=b"", shingles=0, bands=[]),
        triage=triage,
        match=_no_match,
    )  # fmt: skip
    return result.cluster_id
