"""GitHub Issues: an issue per intake record, carrying a hidden marker that is searched before create.

The body ends with `<!-- lingting-intake: lt-… -->`. A revision updates the issue its earlier
revision made; otherwise the search API is asked for the marker first. GitHub's search index
lags new issues by up to a minute or so, so a create retried sooner than that may not be seen.
A 403 that is a rate limit (`x-ratelimit-remaining: 0`, or a `retry-after`) is retried.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

from exporter.inert import plain
from exporter.sinks.base import HttpSink, Transport, field, footer
from exporter.transport import DeliveryError, HttpResponse, RenderedRequest, check_status, json_body, retry_after


def marker(intake_id: str) -> str:
    return f"<!-- lingting-intake: {intake_id} -->"


class GithubSink(HttpSink):
    def __init__(
        self,
        name: str,
        *,
        repo: str,
        token: str,
        transport: Transport,
        api_url: str = "https://api.github.com",
        labels: Sequence[str] = ("lingting",),
        priority_labels: bool = True,
    ) -> None:
        super().__init__(name, transport, [token])
        self.repo = repo
        self.api_url = api_url.rstrip("/")
        self.labels = list(labels)
        self.priority_labels = priority_labels
        self._headers = {
            "authorization": f"Bearer {token}",
            "accept": "application/vnd.github+json",
            "x-github-api-version": "2022-11-28",
        }

    def check(self, request: RenderedRequest, response: HttpResponse) -> None:
        limited = response.headers.get("x-ratelimit-remaining") == "0" or "retry-after" in response.headers
        if response.status == 403 and limited:
            wait = retry_after(response.headers.get("retry-after"), time.time())
            reset = response.headers.get("x-ratelimit-reset", "")
            if wait is None and reset.isdigit():
                wait = max(int(reset) - time.time(), 1.0)
            raise DeliveryError(f"{request.label}: rate limited / 触发限流", retry=True, retry_after=wait)
        check_status(request, response)

    def render_search(self, event: dict[str, Any]) -> RenderedRequest:
        intake_id = event["data"]["intake_id"]
        q = f'"{intake_id}" repo:{self.repo} is:issue in:body'
        url = f"{self.api_url}/search/issues?{urlencode({'q': q, 'per_page': '10'}, quote_via=quote)}"
        return RenderedRequest("GET", url, self._headers, None, f"{self.name} GET {self.api_url}/search/issues")

    def _issue(self, event: dict[str, Any]) -> dict[str, Any]:
        record = event["data"]
        labels = [*self.labels, *([f"priority:{record['priority']}"] if self.priority_labels else [])]
        body = f"{record['description_md']}\n\n---\n{footer(event)}\n\n{marker(record['intake_id'])}\n"
        # GitHub links `#1`, `owner/repo#1` and mentions in a title: look-alikes open none of them.
        return {"title": plain(record["title"], 150), "body": body, "labels": list(dict.fromkeys(labels))}

    def render_create(self, event: dict[str, Any]) -> RenderedRequest:
        url = f"{self.api_url}/repos/{self.repo}/issues"
        return RenderedRequest("POST", url, self._headers, json_body(self._issue(event)), f"{self.name} POST {url}")

    def render_update(self, event: dict[str, Any], number: int) -> RenderedRequest:
        url = f"{self.api_url}/repos/{self.repo}/issues/{number}"
        return RenderedRequest("PATCH", url, self._headers, json_body(self._issue(event)), f"{self.name} PATCH {url}")

    def find(self, event: dict[str, Any]) -> int | None:
        request = self.render_search(event)
        items = field(self.send(request), request, "items")
        wanted = marker(event["data"]["intake_id"])
        found = [i["number"] for i in items if isinstance(i, dict) and wanted in (i.get("body") or "")]
        return min(found) if found else None

    def _ref(self, number: int) -> str:
        return f"{self.repo}#{number}"

    def deliver(self, event: dict[str, Any], *, previous_ref: str | None = None) -> str:
        number = int(previous_ref.rsplit("#", 1)[1]) if previous_ref and "#" in previous_ref else self.find(event)
        if number is not None:
            self.send(self.render_update(event, number))
            return self._ref(number)
        request = self.render_create(event)
        return self._ref(int(field(self.send(request), request, "number")))
