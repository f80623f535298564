"""The feedback-intake v1 record built from a cluster, and its validation against the schema file."""

from __future__ import annotations

import html
import json
import re
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

SCHEMA_FILE = "feedback-intake-v1.schema.json"
SCHEMA_ID = "https://lingting.dev/schemas/feedback-intake/v1.json"
CLASSIFIER = "lingting-rules/0.1"
_SEVERITY = {"P0": 0, "P1": 1, "P2": 2, "P3": 3}
_TAG_CHARS = re.compile(r"[^a-z0-9_-]+")


class IntakeError(ValueError):
    """A record does not satisfy the feedback-intake v1 schema."""


@cache
def schema() -> dict[str, Any]:
    text = resources.files("exporter").joinpath("schema", SCHEMA_FILE).read_text(encoding="utf-8")
    return dict(json.loads(text))


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())


def validate(record: dict[str, Any]) -> None:
    validator = _validator()
    errors = sorted(validator.iter_errors(record), key=lambda e: list(e.path))
    if errors:
        problems = "; ".join(f"{'/'.join(str(p) for p in e.path) or '(record)'}: {e.message}" for e in errors[:5])
        raise IntakeError(f"intake record {record.get('intake_id')}: {problems}")


def lead_post(posts: list[dict[str, Any]]) -> dict[str, Any]:
    """The post that speaks for the cluster: the most severe complaint, earliest first."""
    return min(posts, key=lambda p: (not p["complaint"], _SEVERITY.get(p["priority"] or "P3", 3), p["id"]))


def _tag(value: str) -> str:
    return _TAG_CHARS.sub("-", value.lower()).strip("-")


def _title(post: dict[str, Any]) -> str:
    text = (post.get("title") or post.get("text") or "").strip()
    text = " ".join(text.split())
    return text if len(text) <= 150 else text[:149] + "…"


def _quote(text: str, limit: int = 600) -> str:
    """Crawled text as a Markdown quote that cannot inject HTML or break out of the quote."""
    short = text if len(text) <= limit else text[:limit] + "…"
    return "\n".join("> " + html.escape(line) for line in short.splitlines() or [""])


def _description(lead: dict[str, Any], posts: list[dict[str, Any]], cluster: dict[str, Any]) -> str:
    analysis = lead["analysis"]
    lines = [
        f"**{cluster['priority']}** · {analysis.get('category')} · "
        f"{cluster['size']} post(s) by {cluster['distinct_authors']} author(s)",
        "",
        _quote(lead["text"]),
        "",
        f"Source: {html.escape(lead['source'])} — <{html.escape(lead['url'])}>",
        "",
        "**Why this priority / 优先级原因**",
        *[f"- {html.escape(r)}" for r in cluster["reasons"]],
    ]
    missing = analysis.get("missing_info") or []
    if missing:
        lines += ["", "**Ask the poster / 需向用户确认**", *[f"- {m}" for m in missing]]
    others = [p for p in posts if p["id"] != lead["id"]][:10]
    if others:
        lines += ["", "**Similar posts / 相似反馈**", *[f"- <{html.escape(p['url'])}>" for p in others]]
    return "\n".join(lines)


def build_record(cluster: dict[str, Any], posts: list[dict[str, Any]], *, captured_at: str) -> dict[str, Any]:
    """The intake record for `cluster`, whose member rows (analysis decoded) are `posts`."""
    lead = lead_post(posts)
    a = lead["analysis"]
    terms = list(dict.fromkeys([*a.get("complaint_terms", []), *a.get("relevance_terms", [])]))
    tags = [_tag(t) for t in ("lingting", lead["source"], a.get("category") or "", a.get("product_area") or "")]
    record: dict[str, Any] = {
        "intake_id": cluster["intake_id"],
        "title": _title(lead),
        "description_md": _description(lead, posts, cluster),
        "priority": cluster["priority"],
        "impact": cluster["impact"],
        "urgency": cluster["urgency"],
        "priority_reasons": list(cluster["reasons"]) or ["—"],
        "category": cluster["category"] or a.get("category") or "other",
        "product_area": a.get("product_area"),
        "sdk_version": a.get("sdk_version"),
        "platform": a.get("platform"),
        "missing_info": list(a.get("missing_info") or []),
        "attribution": a.get("attribution") or "unknown",
        "tags": list(dict.fromkeys(t for t in tags if t)),
        "source": {
            "platform": lead["source"],
            "url": lead["url"],
            "post_id": lead["source_post_id"],
            "author": lead["author"],
            "published_at": lead["created_at"],
            "language": lead["lang"] or a.get("lang") or "und",
            "captured_at": lead["fetched_at"] or captured_at,
        },
        "evidence": {
            "excerpt": " ".join(lead["text"].split())[:500],
            "matched_terms": terms,
            "sentiment": round(float(a.get("sentiment", 0.5)), 4),
            "classifier": CLASSIFIER,
        },
        "related": {
            "cluster_id": cluster["id"],
            "similar_count": max(cluster["size"] - 1, 0),
            "distinct_authors": cluster["distinct_authors"],
            "urls": [p["url"] for p in posts if p["id"] != lead["id"]][:20],
        },
        "detected_at": cluster["flagged_at"] or cluster["first_seen_at"],
        "external_refs": [],
    }
    return record
