"""Zendesk Support: a ticket per intake record, created with `Idempotency-Key` and `external_id`.

A later revision updates the same ticket (subject, priority, tags) and adds an internal note.
Zendesk remembers an idempotency key for about two hours: a create retried within that time
returns the first ticket instead of making a second one.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

from exporter.sinks.base import HttpSink, Transport, field, footer
from exporter.transport import RenderedRequest, json_body

TICKET_TYPES = {"question": "question", "feature_request": "task"}
"""Anything else is a `problem`."""


class ZendeskSink(HttpSink):
    def __init__(
        self,
        name: str,
        *,
        base_url: str,
        email: str,
        token: str,
        transport: Transport,
        priority_map: Mapping[str, str],
        tags: Sequence[str] = (),
        group_id: int | None = None,
    ) -> None:
        auth = base64.b64encode(f"{email}/token:{token}".encode()).decode()
        super().__init__(name, transport, [token, auth])
        self.base_url = base_url.rstrip("/")
        self._auth = f"Basic {auth}"
        self.priority_map = dict(priority_map)
        self.tags = list(tags)
        self.group_id = group_id

    def _headers(self, event: dict[str, Any]) -> dict[str, str]:
        return {"authorization": self._auth, "content-type": "application/json", "idempotency-key": event["id"]}

    def _fields(self, record: dict[str, Any]) -> dict[str, Any]:
        tags = list(dict.fromkeys([*record["tags"], *self.tags, "lingting", f"lingting_{record['priority'].lower()}"]))
        ticket: dict[str, Any] = {
            "subject": record["title"],
            "priority": self.priority_map.get(record["priority"], "normal"),
            "type": TICKET_TYPES.get(record["category"], "problem"),
            "tags": tags,
        }
        if self.group_id is not None:
            ticket["group_id"] = self.group_id
        return ticket

    def render(self, event: dict[str, Any], *, previous_ref: str | None = None) -> RenderedRequest:
        record = event["data"]
        ticket = self._fields(record)
        text = f"{record['description_md']}\n\n---\n{footer(event)}"
        if previous_ref is None:
            ticket |= {"external_id": record["intake_id"], "comment": {"body": text}}
            url = f"{self.base_url}/api/v2/tickets.json"
            return RenderedRequest(
                "POST", url, self._headers(event), json_body({"ticket": ticket}), f"{self.name} POST {url}"
            )
        ticket["comment"] = {"body": f"Updated / 已更新: revision {event['revision']}\n\n{text}", "public": False}
        url = f"{self.base_url}/api/v2/tickets/{previous_ref}.json"
        return RenderedRequest(
            "PUT", url, self._headers(event), json_body({"ticket": ticket}), f"{self.name} PUT {url}"
        )

    def deliver(self, event: dict[str, Any], *, previous_ref: str | None = None) -> str:
        request = self.render(event, previous_ref=previous_ref)
        response = self.send(request)
        return str(field(response, request, "ticket", "id"))
