"""The small Markdown that intake descriptions use, as Atlassian Document Format (Jira Cloud v3).

Blocks: paragraphs, `> ` quotes, `- ` bullet lists. Inline: `**bold**`, `<https://…>` and
`[text](https://…)` links. The description HTML-escapes quoted post text for Markdown renderers;
ADF is structured JSON that Jira never reads as markup, so the text is unescaped here.
"""

from __future__ import annotations

import html
import re
from typing import Any

_INLINE = re.compile(
    r"\*\*(?P<bold>.+?)\*\*|<(?P<auto>https?://[^>\s]+)>|\[(?P<text>[^\]]+)\]\((?P<href>https?://[^)\s]+)\)"
)


def _text(value: str, marks: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    value = html.unescape(value)
    if not value:
        return []  # ADF rejects empty text nodes
    node: dict[str, Any] = {"type": "text", "text": value}
    if marks:
        node["marks"] = marks
    return [node]


def inline(line: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    pos = 0
    for m in _INLINE.finditer(line):
        nodes += _text(line[pos : m.start()])
        if m["bold"] is not None:
            nodes += _text(m["bold"], [{"type": "strong"}])
        else:
            href = html.unescape(m["auto"] or m["href"])
            nodes += _text(m["auto"] or m["text"], [{"type": "link", "attrs": {"href": href}}])
        pos = m.end()
    return nodes + _text(line[pos:])


def _paragraph(line: str) -> dict[str, Any]:
    return {"type": "paragraph", "content": inline(line)}


def to_adf(markdown: str) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    kind = ""
    for line in markdown.splitlines():
        if line.startswith(">"):
            if kind != "quote":
                blocks.append({"type": "blockquote", "content": []})
            blocks[-1]["content"].append(_paragraph(line[1:].strip()))
            kind = "quote"
        elif line.startswith("- "):
            if kind != "list":
                blocks.append({"type": "bulletList", "content": []})
            blocks[-1]["content"].append({"type": "listItem", "content": [_paragraph(line[2:])]})
            kind = "list"
        elif line.strip():
            blocks.append(_paragraph(line.strip()))
            kind = "paragraph"
        else:
            kind = ""
    return {"type": "doc", "version": 1, "content": blocks}
