"""Recognise a site that refuses the crawler, and read how long a site asks it to wait.

Pure functions over a response's status, URL, headers and body. A block is a 403 or a 429 that
retrying did not cure, a captcha or anti-bot page ("Just a moment...", 验证码), a login wall
(a redirect to a sign-in page, "请登录", Weibo's `{"ok": -100}`), or an API quota used up. A
block is "no access", never "no posts": the source backs off instead of reporting an empty crawl.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urlsplit

BlockKind = Literal["captcha", "login", "forbidden", "rate_limited"]


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    reason: str
    """In words, English / 中文."""
    until: float | None = None
    """Unix time the site named for trying again (Retry-After, a quota reset), if it named one."""


_HTML_HEAD = re.compile(
    rb"^\s*(?:\xef\xbb\xbf)?\s*<(?:!doctype html|html|head|body|meta|title|div|script)", re.IGNORECASE
)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
# Page titles that anti-bot and login pages use; checked on HTML only, and only in the title.
_CAPTCHA_TITLES = re.compile(
    r"just a moment|attention required|captcha|are you a robot|security check|access denied|"
    r"验证码|安全验证|人机验证|访问验证|身份验证|请稍候",
    re.IGNORECASE,
)
_LOGIN_TITLES = re.compile(r"^(?:log ?in|sign ?in)\b|\blog ?in to\b|\bsign ?in to\b|请登录|登录|通行证", re.IGNORECASE)
# Markers of a challenge anywhere in an HTML page (real content does not carry them).
_CAPTCHA_MARKERS = re.compile(
    rb"cf-chl-|challenge-platform|g-recaptcha|h-captcha|hcaptcha\.com|geetest|wappass\.baidu\.com", re.IGNORECASE
)
_LOGIN_HOST = re.compile(r"(?:^|\.)(?:passport|login|signin|accounts|sso)\.", re.IGNORECASE)
_CAPTCHA_HOST = re.compile(r"(?:^|\.)wappass\.", re.IGNORECASE)
_LOGIN_PATH = re.compile(r"/(?:login|signin|sign_in|sign-in|passport|visitor)(?:[/.?]|$)", re.IGNORECASE)
# JSON APIs that answer 200 with an error code: Weibo (ok -100: not logged in), Bilibili (-101: not
# logged in; -352 and -412: refused by risk control).
_JSON_LOGIN = re.compile(rb'^\s*\{[^{}]{0,200}?(?:"ok"\s*:\s*-100\b|"code"\s*:\s*-101\b)')
_JSON_REFUSED = re.compile(rb'^\s*\{[^{}]{0,200}?"code"\s*:\s*-(?:352|412)\b')
# Stack Exchange's wrapper asks for a pause with a top-level "backoff" (seconds).
_BACKOFF = re.compile(rb'(?<!\\)"backoff"\s*:\s*(\d+)')


def _title(body: bytes) -> str:
    match = _TITLE.search(body[:65536])
    if not match:
        return ""
    return " ".join(match.group(1).decode("utf-8", "replace").split())[:120]


def is_html(body: bytes, content_type: str = "") -> bool:
    return "html" in content_type.lower() or bool(_HTML_HEAD.match(body[:512]))


def header(headers: object, name: str) -> str | None:
    """One header's value as text, from a Scrapy `Headers` or a plain mapping."""
    getter = getattr(headers, "get", None)
    if getter is None:
        return None
    value = getter(name)
    if isinstance(value, bytes):
        return value.decode("latin-1").strip()
    return value.strip() if isinstance(value, str) else None


def seconds_from_header(value: str | None, now: float) -> float | None:
    """Retry-After: delay-seconds or an HTTP date, as seconds from `now` (never negative)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(moment.timestamp() - now, 0.0)


def retry_after(headers: object, now: float | None = None) -> float | None:
    return seconds_from_header(header(headers, "Retry-After"), time.time() if now is None else now)


def quota_reset(headers: object, now: float | None = None) -> float | None:
    """When a used-up API quota comes back (X-RateLimit-Remaining 0), as Unix time; None if not used up.

    GitHub sends the reset as Unix time, Reddit as seconds from now; both are read.
    """
    now = time.time() if now is None else now
    remaining = header(headers, "X-RateLimit-Remaining")
    try:
        if remaining is None or float(remaining) > 0:
            return None
    except ValueError:
        return None
    reset = header(headers, "X-RateLimit-Reset")
    try:
        value = float(reset) if reset else 0.0
    except ValueError:
        return None
    if value <= 0:
        return None
    return value if value > 1_000_000_000 else now + value


def backoff_seconds(body: bytes) -> int | None:
    """Stack Exchange's `backoff`: seconds to wait before the next request to that API."""
    if body.lstrip()[:1] != b"{" or b'"backoff"' not in body:
        return None
    match = _BACKOFF.search(body)
    if not match:
        return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    value = data.get("backoff") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _clock(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(seconds))


def detect_block(
    *,
    status: int,
    url: str,
    headers: object,
    body: bytes,
    redirected_from: Sequence[str] = (),
    retries: int = 0,
    sent_cookie: bool = False,
    cookie_env: str | None = None,
    now: float | None = None,
) -> Block | None:
    """The block a final response (after retries and redirects) shows, or None if it is not one."""
    now = time.time() if now is None else now
    content_type = header(headers, "Content-Type") or ""
    html = is_html(body, content_type)
    title = _title(body) if html else ""
    shown = f' ("{title}")' if title else ""
    reset = quota_reset(headers, now)

    if status == 429 or (status == 403 and reset is not None):
        wait = retry_after(headers, now)
        until = reset if reset is not None else (now + wait if wait is not None else None)
        tried = f" after {retries} retries / 重试 {retries} 次后" if retries else ""
        when = f", again at {_clock(until)} / {_clock(until)} 后再试" if until else ""
        return Block(
            "rate_limited",
            f"HTTP {status}: rate-limited{tried}{when} / 被限流 (请求过多)",
            until,
        )

    login = _login_wall(url, redirected_from, title, body)
    if login:
        if sent_cookie or cookie_env:
            name = f" ({cookie_env})" if cookie_env else ""
            return Block(
                "login",
                f"cookie expired or invalid{name}: the site asks to log in again{login}"
                f" / Cookie 已过期或无效{name}：需要重新登录",
            )
        return Block("login", f"login wall: the site wants a logged-in user{login} / 需要登录才能访问")

    if _captcha(url, html, title, body):
        return Block("captcha", f"captcha or anti-bot check{shown} / 遇到验证码或人机验证")

    if _JSON_REFUSED.match(body[:512]):
        return Block("forbidden", "the API refused the request (risk control) / 接口拒绝请求（风控）")

    if status == 403:
        if body.strip() and not html:
            # An API's JSON 403 is about one resource (a private topic), not the crawler as a whole.
            return None
        return Block("forbidden", f"HTTP 403 forbidden{shown}: the site refuses the crawler / 被拒绝访问（可能被封禁）")
    return None


def _login_wall(url: str, redirected_from: Sequence[str], title: str, body: bytes) -> str:
    """Where the login wall shows, as a few words to add to the reason; empty if there is none."""
    parts = urlsplit(url)
    if redirected_from and (_LOGIN_HOST.search(parts.hostname or "") or _LOGIN_PATH.search(parts.path)):
        return f" (redirected to {parts.hostname}{parts.path})"
    if title and _LOGIN_TITLES.search(title) and not _CAPTCHA_TITLES.search(title):
        return f' (page "{title}")'
    if _JSON_LOGIN.match(body[:512]):
        return " (the API answered: not logged in)"
    return ""


def _captcha(url: str, html: bool, title: str, body: bytes) -> bool:
    if _CAPTCHA_HOST.search(urlsplit(url).hostname or ""):
        return True
    if not html:
        return False
    return bool(_CAPTCHA_TITLES.search(title) or _CAPTCHA_MARKERS.search(body[:262144]))
