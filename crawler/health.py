"""A source's health after a crawl: ok, unhealthy, blocked or backing off, with the reason in words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Verdict = tuple[str, str | None]


def verdict(run: Mapping[str, Any], *, ever_yielded: bool, max_error_rate: float) -> Verdict:
    """Judge one source's run from its counters.

    `ever_yielded`: an earlier run of the source parsed posts, so none now is a symptom (a changed
    page layout, an API that moved) rather than a quiet source.
    """
    if run.get("backoff_until"):
        reason = run.get("backoff_reason") or ""
        return (
            "backoff",
            f"skipped until {run['backoff_until']}: {reason} / 暂停抓取至 {run['backoff_until']}",
        )
    if lost := int(run.get("not_stored", 0)):
        return (
            "unhealthy",
            f"{lost} post(s) could not be stored (the ingest process stopped or the database failed);"
            f" the next crawl fetches them again / {lost} 条帖子未能入库, 下次抓取会重新获取",
        )
    if run.get("finish_reason", "finished") != "finished":
        return "unhealthy", f"the crawl ended early ({run['finish_reason']}) / 抓取提前结束"
    if run.get("blocked"):
        return "blocked", str(run.get("blocked_reason") or "blocked / 被封禁")
    responses = int(run.get("responses", 0))
    errors = int(run.get("errors", 0))
    if not int(run.get("requests", 0)) and not responses and not errors:
        # Its spider had nothing to ask (no query, node or feed), or another source's identical
        # request took its place: either way nothing was checked.
        return "unhealthy", "no request was made: check the source's settings / 没有发出任何请求, 请检查数据源配置"
    if responses == 0 and errors:
        samples = run.get("error_samples") or []
        first = samples[0] if samples else ""
        if not int(run.get("requests", 0)):
            return "unhealthy", f"not crawled: {first}" if first else "not crawled / 未抓取"
        return "unhealthy", f"no response from the site: {first} / 网站没有响应"
    posts = int(run.get("posts_parsed", 0))
    bad = int(run.get("parse_errors", 0)) + int(run.get("skipped", 0))
    total = posts + bad
    if total and bad / total > max_error_rate:
        rate = bad / total
        return (
            "unhealthy",
            f"{bad} of {total} responses or records could not be read ({rate:.0%} > {max_error_rate:.0%})"
            f" / 解析失败 {bad}/{total}（{rate:.0%}，超过 {max_error_rate:.0%}）",
        )
    if posts == 0 and errors:
        # Nothing read, and something failed: a first crawl of a dead or misconfigured source.
        samples = run.get("error_samples") or []
        first = f": {samples[0]}" if samples else ""
        return "unhealthy", f"nothing was read, {errors} error(s){first} / 没有读到任何帖子, 出错 {errors} 次"
    failed = int(run.get("failed_requests", 0))
    requests = max(int(run.get("requests", 0)), failed)
    if failed and failed / requests > max_error_rate:
        rate = failed / requests
        return (
            "unhealthy",
            f"{failed} of {requests} requests failed ({rate:.0%} > {max_error_rate:.0%})"
            f" / 请求失败 {failed}/{requests}（{rate:.0%}，超过 {max_error_rate:.0%}）",
        )
    if posts == 0 and ever_yielded and responses:
        return "unhealthy", "yielded posts before, none this run / 以前能抓到帖子，这次一条也没有"
    return "ok", None
