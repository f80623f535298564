"""Jira Cloud: an issue per intake record, found again by a label carrying the intake id.

Jira has no idempotency key, so every delivery first searches (JQL) for the label: a revision,
or a create whose answer was lost to a crash, updates the issue found instead of making another.
The description is Atlassian Document Format.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode

from exporter.sinks.adf import to_adf
from exporter.sinks.base import HttpSink, Transport, field, footer
from exporter.transport import RenderedRequest, json_body


class JiraSink(HttpSink):
    def __init__(
        self,
        name: str,
        *,
        base_url: str,
        email: str,
        token: str,
        project_key: str,
        transport: Transport,
        issue_type: str = "Bug",
        labels: Sequence[str] = ("lingting",),
        priority_map: Mapping[str, str] | None = None,
    ) -> None:
        auth = base64.b64encode(f"{email}:{token}".encode()).decode()
        super().__init__(name, transport, [token, auth])
        self.base_url = base_url.rstrip("/")
        self._headers = {"authorization": f"Basic {auth}", "accept": "application/json"}
        self.project_key = project_key
        self.issue_type = issue_type
        self.labels = list(labels)
        self.priority_map = dict(priority_map or {})

    def render_search(self, event: dict[str, Any]) -> RenderedRequest:
        jql = f'project = "{self.project_key}" AND labels = "{event["data"]["intake_id"]}" ORDER BY created ASC'
        query = urlencode({"jql": jql, "fields": "summary,labels", "maxResults": "5"}, quote_via=quote)
        url = f"{self.base_url}/rest/api/3/search/jql?{query}"
        return RenderedRequest(
            "GET", url, self._headers, None, f"{self.name} GET {self.base_url}/rest/api/3/search/jql"
        )

    def _fields(self, event: dict[str, Any]) -> dict[str, Any]:
        record = event["data"]
        fields: dict[str, Any] = {
            "summary": record["title"],
            "description": to_adf(f"{record['description_md']}\n\n{footer(event)}"),
            "labels": list(dict.fromkeys([*self.labels, record["intake_id"], *record["tags"]])),
        }
        if record["priority"] in self.priority_map:
            fields["priority"] = {"name": self.priority_map[record["priority"]]}
        return fields

    def render_create(self, event: dict[str, Any]) -> RenderedRequest:
        fields = {"project": {"key": self.project_key}, "issuetype": {"name": self.issue_type}, **self._fields(event)}
        url = f"{self.base_url}/rest/api/3/issue"
        headers = {**self._headers, "content-type": "application/json"}
        return RenderedRequest("POST", url, headers, json_body({"fields": fields}), f"{self.name} POST {url}")

    def render_update(self, event: dict[str, Any], key: str) -> RenderedRequest:
        url = f"{self.base_url}/rest/api/3/issue/{quote(key)}"
        headers = {**self._headers, "content-type": "application/json"}
        return RenderedRequest(
            "PUT", url, headers, json_body({"fields": self._fields(event)}), f"{self.name} PUT {url}"
        )

    def find(self, event: dict[str, Any]) -> str | None:
        request = self.render_search(event)
        issues = field(self.send(request), request, "issues")
        keys = [i["key"] for i in issues if isinstance(i, dict) and isinstance(i.get("key"), str)]
        return keys[0] if keys else None

    def deliver(self, event: dict[str, Any], *, previous_ref: str | None = None) -> str:
        key = previous_ref or self.find(event)
        if key:
            self.send(self.render_update(event, key))
            return key
        request = self.render_create(event)
        return str(field(self.send(request), request, "key"))
