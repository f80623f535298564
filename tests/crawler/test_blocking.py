"""Blocks are told apart from empty or broken answers; waits are read from the headers sites send."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crawler.blocking import Block, backoff_seconds, detect_block, quota_reset, retry_after
from crawler.health import verdict

NOW = 1_790_000_000.0
CLOUDFLARE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
    b"<body><div id='cf-chl-widget'></div></body></html>"
)
BAIDU_CHECK = "<html><head><title>百度安全验证</title></head><body>请完成下方验证</body></html>".encode()
WEIBO_LOGIN = json.dumps({"ok": -100, "url": "https://passport.weibo.com/sso/signin"}).encode()
BILIBILI_RISK = json.dumps({"code": -412, "message": "请求被拦截", "ttl": 1}, ensure_ascii=False).encode()


def block(status: int = 200, body: bytes = b"", **kwargs: Any) -> Block | None:
    options: dict[str, Any] = {"url": "https://example.com/api", "headers": {}, "now": NOW, **kwargs}
    return detect_block(status=status, body=body, **options)


@pytest.mark.parametrize("body", [CLOUDFLARE, BAIDU_CHECK])
def test_captcha_pages_are_blocks(body: bytes):
    found = block(body=body, headers={"Content-Type": "text/html"})
    assert found is not None and found.kind == "captcha"
    assert "验证码" in found.reason


def test_cloudflare_403_names_the_page():
    found = block(403, CLOUDFLARE)
    assert found is not None and found.kind == "captcha" and "Just a moment" in found.reason


def test_login_redirect_without_cookie_is_a_login_wall():
    found = block(
        body=b"<html><head><title>Sina Visitor System</title></head></html>",
        url="https://passport.weibo.com/visitor/visitor?entry=miniblog",
        redirected_from=["https://m.weibo.cn/api/container/getIndex?containerid=1"],
    )
    assert found is not None and found.kind == "login" and "passport.weibo.com" in found.reason
    assert "cookie" not in found.reason.lower()


@pytest.mark.parametrize("body", [WEIBO_LOGIN, json.dumps({"code": -101, "message": "账号未登录"}).encode()])
def test_not_logged_in_with_a_cookie_names_the_expired_cookie(body: bytes):
    found = block(body=body, sent_cookie=True, cookie_env="WEIBO_COOKIE")
    assert found is not None and found.kind == "login"
    assert "cookie expired or invalid (WEIBO_COOKIE)" in found.reason
    assert "Cookie 已过期" in found.reason


def test_login_page_title():
    found = block(body="<html><head><title>登录 - 知乎</title></head></html>".encode())
    assert found is not None and found.kind == "login"


def test_risk_control_code_is_a_block():
    found = block(body=BILIBILI_RISK)
    assert found is not None and found.kind == "forbidden"


def test_429_names_when_to_try_again():
    found = block(429, b"slow down", headers={"Retry-After": "120"}, retries=2)
    assert found is not None and found.kind == "rate_limited" and found.until == NOW + 120
    assert "after 2 retries" in found.reason


def test_403_with_used_up_quota_waits_for_the_reset():
    headers = {
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(int(NOW) + 900),
        "Content-Type": "application/json",
    }
    found = block(403, b'{"message": "API rate limit exceeded"}', headers=headers)
    assert found is not None and found.kind == "rate_limited" and found.until == int(NOW) + 900


def test_json_403_about_one_resource_is_not_a_block():
    body = b'{"errors":["You are not permitted to view the requested resource."],"error_type":"invalid_access"}'
    assert block(403, body, headers={"Content-Type": "application/json"}) is None


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (200, b'{"topics": []}', "application/json"),  # no posts is not a block
        (200, b"", "application/json"),
        (500, b"<html><head><title>Internal Server Error</title></head></html>", "text/html"),
        (404, b"<html><head><title>404 Not Found</title></head></html>", "text/html"),
        (200, '<html><head><title>百度贴吧_声链吧</title></head><body><a href="/login">登录</a></body></html>'.encode(),
         "text/html"),
        (200, b'{"items": [{"body": "He said \\"ok\\": -100 in the post"}]}', "application/json"),
    ],
)  # fmt: skip
def test_ordinary_answers_are_not_blocks(status: int, body: bytes, content_type: str):
    assert block(status, body, headers={"Content-Type": content_type}) is None


def test_retry_after_seconds_and_dates():
    assert retry_after({"Retry-After": "30"}, NOW) == 30
    assert retry_after({"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}, 1_792_567_680.0 - 60) == 60
    assert retry_after({"Retry-After": "soon"}, NOW) is None
    assert retry_after({}, NOW) is None


def test_quota_reset_reads_epochs_and_seconds():
    assert quota_reset({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1790000900"}, NOW) == 1_790_000_900
    assert quota_reset({"X-RateLimit-Remaining": "0.0", "X-RateLimit-Reset": "42"}, NOW) == NOW + 42  # Reddit
    assert quota_reset({"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": "42"}, NOW) is None


def test_stack_exchange_backoff():
    assert backoff_seconds(b'{"items": [], "has_more": false, "backoff": 10, "quota_remaining": 9}') == 10
    assert backoff_seconds(b'{"items": [{"body": "set \\"backoff\\": 5"}], "has_more": false}') is None
    assert backoff_seconds(b'{"items": [], "backoff": 10') is None  # unreadable: no guess
    assert backoff_seconds(b"[1, 2]") is None


def counters(**fields: object) -> dict[str, object]:
    return {"requests": 3, "responses": 3, "posts_parsed": 10, "errors": 0, "parse_errors": 0, "skipped": 0, **fields}


def test_health_verdicts():
    assert verdict(counters(), ever_yielded=True, max_error_rate=0.2) == ("ok", None)
    health, reason = verdict(counters(posts_parsed=0), ever_yielded=True, max_error_rate=0.2)
    assert health == "unhealthy" and "none this run" in (reason or "")
    assert verdict(counters(posts_parsed=0), ever_yielded=False, max_error_rate=0.2)[0] == "ok"  # a quiet new source
    health, reason = verdict(counters(posts_parsed=6, skipped=3, parse_errors=1), ever_yielded=True, max_error_rate=0.2)
    assert health == "unhealthy" and "40%" in (reason or "")
    health, reason = verdict(
        counters(blocked=2, blocked_reason="captcha / 验证码"), ever_yielded=True, max_error_rate=0.2
    )
    assert (health, reason) == ("blocked", "captcha / 验证码")
    health, reason = verdict(
        counters(responses=0, errors=2, error_samples=["DNS"]), ever_yielded=True, max_error_rate=0.2
    )
    assert health == "unhealthy" and "DNS" in (reason or "")
    health, reason = verdict(
        counters(backoff_until="2026-11-25T03:00:00Z", backoff_reason="captcha"), ever_yielded=True, max_error_rate=0.2
    )
    assert health == "backoff" and "2026-11-25T03:00:00Z" in (reason or "")


def test_a_source_whose_answers_all_failed_is_not_healthy_even_on_its_first_crawl():
    # 500s or 404s on a first crawl: answers came, none could be used.
    health, reason = verdict(
        counters(posts_parsed=0, errors=3, failed_requests=3, error_samples=["u: HTTP 500"]),
        ever_yielded=False,
        max_error_rate=0.2,
    )
    assert health == "unhealthy" and "nothing was read" in (reason or "") and "HTTP 500" in (reason or "")
    # Posts, but too many of the requests failed.
    health, reason = verdict(counters(requests=4, errors=2, failed_requests=2), ever_yielded=True, max_error_rate=0.2)
    assert health == "unhealthy" and "2 of 4 requests failed" in (reason or "")
    assert verdict(counters(requests=10, errors=1, failed_requests=1), ever_yielded=True, max_error_rate=0.2)[0] == "ok"


def test_a_source_that_asked_nothing_is_not_healthy():
    health, reason = verdict(counters(requests=0, responses=0, posts_parsed=0), ever_yielded=False, max_error_rate=0.2)
    assert health == "unhealthy" and "no request was made" in (reason or "")


def test_a_crawl_that_ended_early_is_not_healthy():
    health, reason = verdict(counters(finish_reason="shutdown"), ever_yielded=True, max_error_rate=0.2)
    assert health == "unhealthy" and "shutdown" in (reason or "") and "提前结束" in (reason or "")
