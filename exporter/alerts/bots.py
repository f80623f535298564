"""Chat robots: DingTalk, Feishu (Lark), WeCom and Slack incoming webhooks.

Each renders an `AlertMessage` as a request (pure; signed with the time it is given) and checks
the answer. The Chinese robots answer HTTP 200 even on failure, with `errcode` / `code` != 0 in
the body: that is a failure too, retried when the code means "too fast" or "busy", dead otherwise.
The robot's URL carries its token, so it comes from the environment and is never shown.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any, ClassVar
from urllib.parse import quote_plus, urlsplit

from exporter.alerts.digest import AlertMessage
from exporter.sinks.base import HttpSink, Transport
from exporter.transport import DeliveryError, HttpResponse, RenderedRequest, check_status, json_body


def _hmac_b64(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


class ChatBot(HttpSink):
    """One configured robot. Subclasses render and may read the answer's body."""

    kind: ClassVar[str] = ""
    default_per_minute: ClassVar[int] = 20
    retry_codes: ClassVar[frozenset[int]] = frozenset()
    """Body codes that mean "not now" (rate limit, busy)."""

    def __init__(
        self,
        name: str,
        *,
        url: str,
        transport: Transport,
        secret: str | None = None,
        priorities: tuple[str, ...] = ("P0", "P1", "P2"),
        immediate: tuple[str, ...] = ("P0",),
        window_minutes: int = 60,
        per_minute: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(name, transport, [s for s in (url, secret, *_url_parts(url)) if s])
        self.url = url
        self.secret = secret
        self.priorities = priorities
        self.immediate = immediate
        self.window = window_minutes * 60.0
        self.per_minute = per_minute or self.default_per_minute
        self.clock = clock
        parts = urlsplit(url)
        self.label = f"{name} POST {parts.scheme}://{parts.netloc}/…"

    def render(self, message: AlertMessage, *, now: float) -> RenderedRequest:
        raise NotImplementedError

    def _request(self, url: str, payload: dict[str, Any]) -> RenderedRequest:
        return RenderedRequest("POST", url, {"content-type": "application/json"}, json_body(payload), self.label)

    def check(self, request: RenderedRequest, response: HttpResponse) -> None:
        check_status(request, response)
        answer = response.json()
        code = _body_code(answer)
        if code not in (None, 0):
            message = answer.get("errmsg") or answer.get("msg") or ""  # a code implies a JSON object
            raise DeliveryError(
                f"{request.label}: HTTP 200 but code {code} {str(message)[:200]!r} / 机器人返回错误",
                retry=code in self.retry_codes,
                response=response.kept(),
            )

    def send_message(self, message: AlertMessage) -> None:
        self.send(self.render(message, now=self.clock()))


def _url_parts(url: str) -> list[str]:
    """The pieces of a robot URL that are its token: the query, and the path of a token-in-path URL."""
    parts = urlsplit(url)
    return [p for p in (parts.query, parts.path if len(parts.path) > 20 else "") if p]


def _body_code(answer: Any) -> int | None:
    if not isinstance(answer, dict):
        return None
    for key in ("errcode", "code", "StatusCode"):
        if isinstance(answer.get(key), int):
            return int(answer[key])
    return None


class DingtalkBot(ChatBot):
    """`timestamp` in milliseconds; `sign` = base64(HMAC-SHA256(secret, "{timestamp}\\n{secret}"))."""

    kind = "dingtalk"
    default_per_minute = 20
    retry_codes = frozenset({-1, 130101, 130102})  # system busy; sending too fast

    def render(self, message: AlertMessage, *, now: float) -> RenderedRequest:
        url = self.url
        if self.secret:
            stamp = str(int(now * 1000))
            sign = _hmac_b64(self.secret.encode(), f"{stamp}\n{self.secret}".encode())
            url += f"{'&' if '?' in url else '?'}timestamp={stamp}&sign={quote_plus(sign)}"
        text = message.markdown("markdown", limit=4000)
        return self._request(url, {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}})


class FeishuBot(ChatBot):
    """`timestamp` in seconds; `sign` = base64(HMAC-SHA256(key="{timestamp}\\n{secret}", message=""))."""

    kind = "feishu"
    default_per_minute = 100
    retry_codes = frozenset({11232, 9499})  # frequency limited; too many requests

    def render(self, message: AlertMessage, *, now: float) -> RenderedRequest:
        card = {
            "header": {
                "title": {"tag": "plain_text", "content": message.title},
                "template": "red" if any(i.priority == "P0" for i in message.items) else "orange",
            },
            "elements": [{"tag": "markdown", "content": message.markdown("markdown", limit=8000)}],
        }
        payload: dict[str, Any] = {"msg_type": "interactive", "card": card}
        if self.secret:
            stamp = str(int(now))
            payload = {"timestamp": stamp, "sign": _hmac_b64(f"{stamp}\n{self.secret}".encode(), b""), **payload}
        return self._request(self.url, payload)


class WecomBot(ChatBot):
    kind = "wecom"
    default_per_minute = 20
    retry_codes = frozenset({-1, 45009, 45033})  # busy; API frequency limit; concurrency limit

    def render(self, message: AlertMessage, *, now: float) -> RenderedRequest:
        # WeCom caps markdown at 4096 bytes; Chinese text is 3 bytes a character in UTF-8.
        text = message.markdown("markdown", limit=1300)
        return self._request(self.url, {"msgtype": "markdown", "markdown": {"content": text}})


class SlackBot(ChatBot):
    """Incoming webhook; fails with HTTP status (400, 403, 404, 410, 429) and a short text body."""

    kind = "slack"
    default_per_minute = 60

    def render(self, message: AlertMessage, *, now: float) -> RenderedRequest:
        text = message.markdown("slack", limit=2900)  # a section block holds 3000 characters
        return self._request(
            self.url, {"text": message.title, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}
        )


BOTS: dict[str, type[ChatBot]] = {b.kind: b for b in (DingtalkBot, FeishuBot, WecomBot, SlackBot)}
