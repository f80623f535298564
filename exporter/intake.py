"""The feedback-intake v1 record built from a cluster, and its validation against the schema file."""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from exporter.inert import clean, code_block, plain
from exporter.links import url_problem

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
    """The post's title (else its text) on one line, without invisible characters; at most 150."""
    text = next((t for t in (" ".join(clean(post.get(k) or "").split()) for k in ("title", "text")) if t), "—")
    return text if len(text) <= 150 else text[:149] + "…"


def _source_line(lead: dict[str, Any], url: str | None, omitted: str | None) -> str:
    where = plain(lead["source"], 40)
    if url:
        return f"Source / 来源: {where} — <{url}>"
    return f"Source / 来源: {where} — link left out / 未附链接: {plain(omitted or '', 200)}"


def _description(
    lead: dict[str, Any], cluster: dict[str, Any], url: str | None, omitted: str | None, similar: list[str]
) -> str:
    """The ticket's Markdown. Crawled text goes in a code block, checked links in autolinks; the
    rest is ours (slugs, counts), and what quotes words a post said (the reasons) is made `plain`."""
    analysis = lead["analysis"]
    lines = [
        f"**{cluster['priority']}** · {analysis.get('category')} · "
        f"{cluster['size']} post(s) by {cluster['distinct_authors']} author(s)",
        "",
        code_block(lead["text"]),
        "",
        _source_line(lead, url, omitted),
        "",
        "**Why this priority / 优先级原因**",
        *[f"- {plain(r, 300)}" for r in cluster["reasons"]],
    ]
    missing = analysis.get("missing_info") or []
    if missing:
        lines += ["", "**Ask the poster / 需向用户确认**", *[f"- {m}" for m in missing]]
    if similar:
        lines += ["", "**Similar posts / 相似反馈**", *[f"- <{u}>" for u in similar[:10]]]
    return "\n".join(lines)


def build_record(
    cluster: dict[str, Any],
    posts: list[dict[str, Any]],
    *,
    captured_at: str,
    sites: Mapping[str, Collection[str]],
) -> dict[str, Any]:
    """The intake record for `cluster`, whose member rows (analysis decoded) are `posts`.

    `sites` (from `exporter.links.source_sites`) says which hosts each platform's posts may link
    to; a post's address elsewhere is left out, and `source.url_omitted` says why."""
    lead = lead_post(posts)
    a = lead["analysis"]
    omitted = url_problem(lead["url"] or "", sites.get(lead["source"], ()))
    url = None if omitted else lead["url"]
    similar = [
        p["url"] for p in posts if p["id"] != lead["id"] and not url_problem(p["url"] or "", sites.get(p["source"], ()))
    ]
    terms = list(dict.fromkeys([*a.get("complaint_terms", []), *a.get("relevance_terms", [])]))
    tags = [_tag(t) for t in ("lingting", lead["source"], a.get("category") or "", a.get("product_area") or "")]
    source: dict[str, Any] = {
        "platform": lead["source"],
        "post_id": lead["source_post_id"],
        "author": None if lead["author"] is None else clean(lead["author"]),
        "published_at": lead["created_at"],
        "language": lead["lang"] or a.get("lang") or "und",
        "captured_at": lead["fetched_at"] or captured_at,
    }
    source |= {"url": url} if url else {"url_omitted": omitted}
    record: dict[str, Any] = {
        "intake_id": cluster["intake_id"],
        "title": _title(lead),
        "description_md": _description(lead, cluster, url, omitted, similar),
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
        "source": source,
        "evidence": {
            "excerpt": " ".join(clean(lead["text"]).split())[:500],
            "matched_terms": terms,
            "sentiment": round(float(a.get("sentiment", 0.5)), 4),
            "classifier": CLASSIFIER,
        },
        "related": {
            "cluster_id": cluster["id"],
            "similar_count": max(cluster["size"] - 1, 0),
            "distinct_authors": cluster["distinct_authors"],
            "urls": similar[:20],
        },
        "detected_at": cluster["flagged_at"] or cluster["first_seen_at"],
        "external_refs": [],
    }
    return record
