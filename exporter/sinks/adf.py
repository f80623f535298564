"""The small Markdown that intake descriptions use, as Atlassian Document Format (Jira Cloud v3).

Blocks: paragraphs, `- ` bullet lists, and fenced code blocks (where the crawled text is: a
`codeBlock` node holds text only, no marks, so nothing in a post becomes a link or formatting).
Inline, outside code blocks: `**bold**`, `` `code` `` and `<https://…>` autolinks, which only our
own lines use (crawled words there are `exporter.inert.plain`, whose look-alikes open nothing).
"""

from __future__ import annotations

import re
from typing import Any

_INLINE = re.compile(r"\*\*(?P<bold>.+?)\*\*|`(?P<code>[^`]+)`|<(?P<auto>https?://[^>\s]+)>")
_FENCE = re.compile(r"(`{3,})[a-z]*")


def _text(value: str, marks: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
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
        elif m["code"] is not None:
            nodes += _text(m["code"], [{"type": "code"}])
        else:
            nodes += _text(m["auto"], [{"type": "link", "attrs": {"href": m["auto"]}}])
        pos = m.end()
    return nodes + _text(line[pos:])


def _paragraph(line: str) -> dict[str, Any]:
    return {"type": "paragraph", "content": inline(line)}


def to_adf(markdown: str) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    in_list = False
    lines = iter(markdown.splitlines())
    for line in lines:
        fence = _FENCE.fullmatch(line)
        if fence:
            body: list[str] = []
            for inner in lines:
                if inner == fence[1]:
                    break
                body.append(inner)
            blocks.append({"type": "codeBlock", "content": _text("\n".join(body))})
            in_list = False
        elif line.startswith("- "):
            if not in_list:
                blocks.append({"type": "bulletList", "content": []})
            blocks[-1]["content"].append({"type": "listItem", "content": [_paragraph(line[2:])]})
            in_list = True
        elif line.strip():
            blocks.append(_paragraph(line.strip()))
            in_list = False
        else:
            in_list = False
    return {"type": "doc", "version": 1, "content": blocks}
