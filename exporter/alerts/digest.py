"""Alert messages as Markdown, in each robot's dialect. Crawled titles are hostile: characters
that could open markup, links or mentions are replaced by look-alikes that cannot (exporter/inert.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from exporter.inert import plain, safe_url

Dialect = Literal["markdown", "slack"]
MAX_ITEMS = 20
"""Items listed in one message; the rest are counted."""


@dataclass(frozen=True)
class AlertItem:
    intake_id: str
    revision: int
    priority: str
    category: str
    title: str
    url: str
    authors: int
    size: int

    @classmethod
    def from_event(cls, event: dict[str, Any]) -> AlertItem:
        r = event["data"]
        url = r["source"].get("url", "")  # absent when the post's own was refused
        return cls(
            r["intake_id"], int(event["revision"]), r["priority"], r["category"], r["title"], url,
            int(r["related"]["distinct_authors"]), int(r["related"]["similar_count"]) + 1,
        )  # fmt: skip


@dataclass(frozen=True)
class AlertMessage:
    kind: Literal["immediate", "digest"]
    items: tuple[AlertItem, ...]

    @property
    def title(self) -> str:
        n = len(self.items)
        if self.kind == "immediate" and n == 1:
            return f"聆听 {self.items[0].priority} 工单 / lingting {self.items[0].priority} ticket"
        top = min((i.priority for i in self.items), default="P3")
        return f"聆听汇总: {n} 个工单, 最高 {top} / lingting digest: {n} ticket(s), top {top}"

    def _line(self, item: AlertItem, dialect: Dialect) -> str:
        title = plain(item.title)
        url = safe_url(item.url)
        update = f" r{item.revision}" if item.revision > 1 else ""
        facts = f"{item.category} · {item.authors} 位用户 / authors · {item.size} 帖 / posts"
        if dialect == "slack":
            link = f"<{url}|{title}>" if url else title
            return f"• *{item.priority}* · {facts} · {link} (`{item.intake_id}`{update})"
        link = f"[{title}]({url})" if url else title
        return f"- **{item.priority}** · {facts} · {link} (`{item.intake_id}`{update})"

    def markdown(self, dialect: Dialect = "markdown", *, limit: int = 3500) -> str:
        """The message text, at most `limit` characters (robots cap their messages)."""
        head = f"*{self.title}*" if dialect == "slack" else f"### {self.title}"
        lines = [head, ""]
        shown = 0
        for item in sorted(self.items, key=lambda i: (i.priority, -i.authors))[:MAX_ITEMS]:
            line = self._line(item, dialect)
            if sum(len(x) + 1 for x in lines) + len(line) + 40 > limit:
                break
            lines.append(line)
            shown += 1
        if shown < len(self.items):
            lines.append(f"… 另有 {len(self.items) - shown} 条 / and {len(self.items) - shown} more")
        return "\n".join(lines)
