"""Hostile text made inert and visible: crawled posts may carry markup, bidi overrides, zero-width
characters and 100 KB lines. Jinja's autoescape stops markup; these filters stop the rest."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markupsafe import Markup, escape

# Bidi embeddings/overrides/isolates and marks, zero-width and other invisible format characters.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad\u180e]")


def inert(value: object) -> Markup:
    """Escaped text in which every invisible or direction-changing character is shown as its code
    (e.g. `U+202E`), so a post cannot reorder or hide what the page shows around it."""
    text = escape("" if value is None else str(value))
    return Markup(
        _INVISIBLE.sub(lambda m: f'<span class="ctl" title="hidden character">U+{ord(m.group()):04X}</span>', text)
    )


def http_url(value: object) -> str | None:
    """The URL if it is http(s) with a host; None for javascript:, data:, relative and other links."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c in url for c in "\r\n\t "):
        return None
    return url


def cut(value: object, limit: int = 160) -> str:
    text = " ".join(("" if value is None else str(value)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
