"""Web addresses in the config: a source fetches http(s) only, and says which other hosts it may reach."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field


def _http_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"{value!r} is not an http(s) address such as https://example.com"
            " / 须为 http(s) 网址, 例如 https://example.com"
        )
    return value.strip()


HttpUrl = Annotated[str, AfterValidator(_http_url)]
"""An http:// or https:// address with a host; `file://`, `ftp://` and bare words are refused."""

HostName = Annotated[str, Field(pattern=r"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")]
"""A host name (`cdn.example.com`); `*.example.com` also allows every host under it."""
