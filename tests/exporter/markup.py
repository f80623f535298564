"""What a ticket's markup makes live, read the way the receivers read it (for the tests).

Markdown (GitHub, Zendesk, webhook and JSONL consumers) is parsed by markdown-it (CommonMark), and
GitHub's own extras (mentions, `#1` and `owner/repo#1` references, bare links) are looked for in
the text it shows outside code. ADF (Jira) is walked node by node.

The skeleton of a rendering is its structure with every text left out: a hostile post must
render to the same skeleton as a harmless one, so nothing it says became a link, emphasis, a
heading, HTML, a list or a code span.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark")
LIVE_IN_TEXT = re.compile(
    r"(?<![\w`])@[A-Za-z0-9]"  # a mention, @org/team too
    r"|(?<![\w&])#\d"  # an issue reference
    r"|[\w.-]/[\w.-]+#\d"  # a reference to another repository
    r"|\bGH-\d"
    r"|https?://|www\.|mailto:|javascript:"  # what GitHub's autolinker links
    r"|:[a-z0-9_+-]+:",  # an emoji short code
    re.IGNORECASE,
)


def skeleton(markdown: str) -> list[str]:
    """Block and inline structure, texts and code contents left out, link targets kept."""
    shape: list[str] = []
    for token in _MD.parse(markdown):
        shape.append(f"{token.type}:{token.tag}:{token.info}")
        for child in token.children or []:
            if child.type not in ("text", "softbreak"):
                shape.append(f"  {child.type}:{child.attrs.get('href', '')}")
    return shape


def live_text(markdown: str) -> list[str]:
    """Mentions, references and bare links in the text shown outside code (GitHub links those)."""
    found: list[str] = []
    for token in _MD.parse(markdown):
        in_link = False
        for child in token.children or []:
            in_link = (in_link or child.type == "link_open") and child.type != "link_close"
            if child.type == "text" and not in_link:  # a link's own text is its (checked) address
                found += [m.group(0) for m in LIVE_IN_TEXT.finditer(child.content)]
    return found


def invisible(text: str) -> list[str]:
    """Control, bidi and zero-width characters (a line break and a tab are fine)."""
    return [f"U+{ord(c):04X}" for c in text if c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cf", "Cs")]


def adf_skeleton(node: Any) -> Any:
    """An ADF document with its texts left out; marks and link targets kept."""
    if isinstance(node, dict):
        return {k: ("" if k == "text" else adf_skeleton(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [adf_skeleton(v) for v in node]
    return node


def adf_texts(node: Any, inside: str = "") -> list[tuple[str, str]]:
    """(the block a text is in, the text) for every text node."""
    if isinstance(node, list):
        return [t for v in node for t in adf_texts(v, inside)]
    if not isinstance(node, dict):
        return []
    if node.get("type") == "text":
        return [(inside, node["text"])]
    return adf_texts(node.get("content", []), node.get("type", inside) if node.get("type") == "codeBlock" else inside)
