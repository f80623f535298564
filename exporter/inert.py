"""Crawled text made inert wherever a ticket or a chat message shows it.

Posts are hostile: a title can carry `@everyone`, `owner/repo#1`, `[reset your password](https://…)`,
HTML, or bidi overrides that make a line read backwards. Each sink quotes crawled text in its own
markup through these few functions, and nothing else:

    clean(text)        no control, bidi or zero-width character; lines kept
    plain(text)        one line whose markup, link and mention characters are look-alikes that
                       open nothing (`@` -> `＠`, `[` -> `［`, `#` -> `＃`, `:` -> `：`, `www.`, `GH-1`)
    code_block(text)   a fenced Markdown code block, longer fence than any run inside: every
                       renderer shows it as text (no link, mention, reference, HTML or emphasis)
    safe_url(url)      an http(s) URL percent-encoded so it cannot end a Markdown or Slack link early
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_LOOKALIKE = str.maketrans(
    {"[": "［", "]": "］", "(": "（", ")": "）", "<": "‹", ">": "›", "*": "＊", "_": "＿", "#": "＃", "`": "ˋ",
     "|": "｜", "~": "～", "!": "！", "&": "＆", "@": "＠", "\\": "＼", ":": "："}
)  # fmt: skip
_SPACE = re.compile(r"\s+")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_BACKTICKS = re.compile(r"`+")
_WWW = re.compile(r"www\.", re.IGNORECASE)
"""Linked without a scheme by GitHub and chat robots (a scheme's `:` is already a look-alike)."""
_GH_REF = re.compile(r"\bGH-(?=\d)", re.IGNORECASE)
"""GitHub links `GH-12` like `#12`."""


def _visible(c: str) -> bool:
    # Cc: controls; Cf: bidi overrides and isolates, zero-width spaces and joiners, BOM, soft
    # hyphen; Cs: lone surrogates. None of them is text a reader sees.
    return c in "\n\t" or not unicodedata.category(c).startswith(("Cc", "Cf", "Cs"))


def clean(text: str) -> str:
    """`text` without control, bidi-override or zero-width characters; line breaks become `\\n`."""
    return "".join(c for c in _NEWLINES.sub("\n", text) if _visible(c))


def plain(text: str, limit: int = 80) -> str:
    """One line of inert text, at most `limit` characters."""
    one = _SPACE.sub(" ", clean(text)).strip().translate(_LOOKALIKE)
    one = _GH_REF.sub("GH‐", _WWW.sub("www．", one))
    return one if len(one) <= limit else one[: limit - 1] + "…"


def code_block(text: str, limit: int = 600) -> str:
    """`text` (cut to `limit` characters) as a fenced code block that nothing inside can close."""
    body = clean(text).strip("\n")
    body = body if len(body) <= limit else body[:limit] + "…"
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{body}\n{fence}"


def safe_url(url: str) -> str:
    """An http(s) URL with nothing in it that ends a Markdown or Slack link early; else ''."""
    if not re.match(r"^https?://", url):
        return ""
    return quote(url, safe=":/?#=&%+,;~@!$'*-._")  # percent-encodes ( ) [ ] < > | space and quotes
