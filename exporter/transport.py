"""Requests as data, and the one small transport that sends them.

A sink renders each request as a `RenderedRequest` (pure: tested without a network) and hands it
to `HttpTransport`, which enforces a deadline on the whole exchange and sorts every failure into
retry-later or dead:

    DeliveryError            delivery failed; `retry` says whether trying again may succeed
    ├── timeouts, connection errors (refused, reset), 408, 425, 429, 5xx     retry (Retry-After honoured)
    └── other 4xx, 3xx, a 2xx whose body says it failed (chat robots)        dead, the response kept
"""

from __future__ import annotations

import codecs
import json
import logging
import math
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from exporter.secrets import redact

# httpx logs every request's full URL at INFO, and a chat robot's URL carries its token.
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)

RETRY_STATUSES = frozenset({408, 425, 429})
MAX_BODY = 1 << 20
"""A response body is read up to this many bytes; an intake answer is small."""
KEPT = 2000
"""Characters of a failed response kept in the outbox."""
USER_AGENT = "lingting-exporter/0.1"


class DeliveryError(Exception):
    """Delivery failed. `retry` says whether trying again later may succeed; `retry_after` is the
    receiver's own wish (seconds), `response` what it answered (kept with a dead delivery)."""

    def __init__(
        self, message: str, *, retry: bool, retry_after: float | None = None, response: str | None = None
    ) -> None:
        super().__init__(message)
        self.retry = retry
        self.retry_after = retry_after
        self.response = response


@dataclass(frozen=True)
class RenderedRequest:
    """One HTTP request, complete. `label` names it without any secret (for messages and logs)."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    label: str = ""

    def json(self) -> Any:
        return None if self.body is None else json.loads(self.body)


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]
    """Lower-case names."""
    body: bytes

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def text(self, limit: int = KEPT) -> str:
        return self.body[:limit].decode("utf-8", errors="replace")

    def redacted(self, secrets: Iterable[str]) -> HttpResponse:
        """This answer with every secret it echoes taken out of the whole body, before any of it
        is cut to be kept. The body is read in the charset it declares (or its byte order mark
        shows); a body that held a secret is given back as UTF-8."""
        text = self.body.decode(_charset(self.headers.get("content-type", ""), self.body), errors="replace")
        clean = redact(text, secrets)
        return self if clean == text else HttpResponse(self.status, self.headers, clean.encode("utf-8"))

    def kept(self) -> str:
        """What is stored with a failed delivery: status line and the start of the body."""
        return f"HTTP {self.status}\n{self.text()}"


_CHARSET = re.compile(r"charset=\"?([\w.:-]+)", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))  # fmt: skip


def _charset(content_type: str, body: bytes) -> str:
    declared = _CHARSET.search(content_type)
    if declared:
        try:
            return codecs.lookup(declared.group(1)).name
        except LookupError:
            pass  # a charset Python does not know: read as UTF-8
    return next((name for bom, name in _BOMS if body.startswith(bom)), "utf-8")


def json_body(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:  # "nan" says nothing; "inf" or 1e400 is "very long", which the retry policy caps
        return None if math.isnan(seconds) else max(seconds, 0.0)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when.timestamp() - now, 0.0)


def check_status(request: RenderedRequest, response: HttpResponse, *, now: float | None = None) -> None:
    """Raise `DeliveryError` unless `response` is a 2xx."""
    status = response.status
    if 200 <= status < 300:
        return
    retry = status in RETRY_STATUSES or status >= 500
    wait = retry_after(response.headers.get("retry-after"), time.time() if now is None else now)
    raise DeliveryError(
        f"{request.label}: HTTP {status} {response.text(200)!r}",
        retry=retry,
        retry_after=wait if retry else None,
        response=response.kept(),
    )


class HttpTransport:
    """Sends a `RenderedRequest` with a deadline on the whole exchange, connect to last byte.

    httpx's own timeouts bound each phase; the deadline also stops a server that trickles its
    answer a byte at a time. Redirects are not followed: an intake that moved is a config error.
    """

    def __init__(self, timeout: float, *, client: httpx.Client | None = None) -> None:
        self.timeout = timeout
        self.client = client or httpx.Client(follow_redirects=False, headers={"user-agent": USER_AGENT})

    def send(self, request: RenderedRequest) -> HttpResponse:
        deadline = time.monotonic() + self.timeout
        try:
            with self.client.stream(
                request.method,
                request.url,
                headers=dict(request.headers),
                content=request.body,
                timeout=httpx.Timeout(self.timeout),
            ) as raw:
                chunks: list[bytes] = []
                size = 0
                for chunk in raw.iter_bytes():
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("deadline passed while reading the answer")
                    if size < MAX_BODY:
                        chunks.append(chunk[: MAX_BODY - size])
                    size += len(chunk)
                headers = {k.lower(): v for k, v in raw.headers.items()}
                return HttpResponse(raw.status_code, headers, b"".join(chunks))
        except httpx.TimeoutException:
            raise DeliveryError(f"{request.label}: no answer within {self.timeout:g}s / 超时", retry=True) from None
        except httpx.TransportError as exc:
            # The message of a transport error names no URL; its type says what happened.
            raise DeliveryError(f"{request.label}: {type(exc).__name__}: {exc} / 连接失败", retry=True) from None

    def close(self) -> None:
        self.client.close()


def unix_now() -> float:
    return datetime.now(UTC).timestamp()
