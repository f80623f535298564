"""The response value every renderer returns, and the bodies shared between sources."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=UTF-8"  # spelled as Reddit sends it


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes


def json_response(payload: Any, status: int = 200, *, sort_keys: bool = False) -> Response:
    # ensure_ascii=False: the real sites send UTF-8 text, not \\u escapes, and parsers must cope.
    body = json.dumps(payload, ensure_ascii=False, sort_keys=sort_keys, separators=(",", ":"))
    return Response(status, JSON, body.encode("utf-8"))


def html_page(status: int, title: str, message: str) -> Response:
    body = (
        "<!DOCTYPE html>\n<html><head><title>"
        + title
        + "</title></head>\n<body><h1>"
        + title
        + "</h1><p>"
        + message
        + "</p></body></html>\n"
    )
    return Response(status, HTML, body.encode("utf-8"))


def not_found_html() -> Response:
    return html_page(404, "404 Not Found", "The page you are looking for does not exist.")


def server_error_html() -> Response:
    # The shape a reverse proxy or Rails serves when the app fails: HTML where JSON was expected.
    body = (
        "<html><head><title>Internal Server Error</title></head>\n"
        "<body><h1>Internal Server Error</h1>"
        "<p>We're sorry, but something went wrong.</p></body></html>\n"
    )
    return Response(500, HTML, body.encode("utf-8"))


def robots_txt() -> Response:
    return Response(200, TEXT, b"User-agent: *\nDisallow: /private/\n")
