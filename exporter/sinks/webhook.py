"""HTTP webhook: each CloudEvent POSTed as is, signed as Standard Webhooks say.

Headers: `webhook-id` (the event id, the same on every retry), `webhook-timestamp` (Unix seconds),
`webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the secret), and
`Idempotency-Key` (the event id) for receivers that dedup on that instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from standardwebhooks.webhooks import Webhook

from exporter.secrets import ExportConfigError
from exporter.sinks.base import HttpSink, Transport
from exporter.transport import RenderedRequest, json_body

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"


class WebhookSink(HttpSink):
    def __init__(
        self, name: str, url: str, secret: str, *, transport: Transport, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(name, transport, [secret])
        try:
            self._signer = Webhook(secret)
        except Exception:  # the library raises bare errors for a secret that is not base64
            raise ExportConfigError(
                f"{name}: the signing secret is not `whsec_` + base64 / 签名密钥格式应为 whsec_ 加 base64"
            ) from None
        self.url = url
        self.clock = clock

    def render(self, event: dict[str, Any], *, now: float) -> RenderedRequest:
        body = json_body(event)
        stamp = int(now)
        signature = self._signer.sign(event["id"], datetime.fromtimestamp(stamp, UTC), body.decode("utf-8"))
        headers = {
            "content-type": CONTENT_TYPE,
            "webhook-id": event["id"],
            "webhook-timestamp": str(stamp),
            "webhook-signature": signature,
            "idempotency-key": event["id"],
        }
        return RenderedRequest("POST", self.url, headers, body, label=f"{self.name} POST {self.url}")

    def deliver(self, event: dict[str, Any], *, previous_ref: str | None = None) -> str:
        response = self.send(self.render(event, now=self.clock()))
        answer = response.json()
        ref = answer.get("id") if isinstance(answer, dict) else None
        return str(ref) if isinstance(ref, str | int) and ref != "" else str(event["id"])
