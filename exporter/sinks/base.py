"""What every sink shares: the `Sink` protocol, and HTTP sending with secrets kept out of errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from exporter.secrets import redact
from exporter.transport import DeliveryError, HttpResponse, RenderedRequest, check_status


class Sink(Protocol):
    name: str

    def deliver(self, event: dict[str, Any], *, previous_ref: str | None = None) -> str:
        """Deliver `event` (at most one ticket per intake id); return the external reference.

        `previous_ref` is what this sink returned for an earlier revision of the same record:
        the ticket to update rather than create.
        """
        ...


class Transport(Protocol):
    def send(self, request: RenderedRequest) -> HttpResponse: ...


class HttpSink:
    """Sends rendered requests; every answer is scrubbed of secrets before it is read, cut or kept."""

    def __init__(self, name: str, transport: Transport, secrets: Sequence[str]) -> None:
        self.name = name
        self.transport = transport
        self._secrets = tuple(secrets)

    def check(self, request: RenderedRequest, response: HttpResponse) -> None:
        check_status(request, response)

    def send(self, request: RenderedRequest) -> HttpResponse:
        try:
            response = self.transport.send(request).redacted(self._secrets)
            self.check(request, response)
        except DeliveryError as exc:
            raise DeliveryError(
                redact(str(exc), self._secrets),
                retry=exc.retry,
                retry_after=exc.retry_after,
                response=None if exc.response is None else redact(exc.response, self._secrets),
            ) from None
        return response


def field(response: HttpResponse, request: RenderedRequest, *path: str) -> Any:
    """A value from a JSON answer, or a dead `DeliveryError` saying the answer lacked it."""
    node: Any = response.json()
    for key in path:
        if not isinstance(node, dict) or key not in node:
            raise DeliveryError(
                f"{request.label}: answer has no {'.'.join(path)} / 返回内容缺少字段",
                retry=False,
                response=response.kept(),
            )
        node = node[key]
    return node


def footer(event: dict[str, Any]) -> str:
    """The line every ticket ends with: which intake record and revision it is."""
    record = event["data"]
    url = record["source"].get("url")  # checked when the record was built (exporter/links.py)
    return f"lingting intake `{record['intake_id']}` · revision {event['revision']}" + (f" · <{url}>" if url else "")
