"""A misbehaving web site on 127.0.0.1 for the hardening tests: errors, redirect loops, redirects to
other hosts, a gzip bomb and a huge post, served by a real http.server in a thread."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from xml.sax.saxutils import escape

Answer = tuple[int, dict[str, str], bytes]


def rss(items: list[tuple[str, str]], site: str) -> bytes:
    """An RSS 2.0 feed of (title, text) items, newest first."""
    when = format_datetime(datetime(2026, 11, 30, 8, 0, tzinfo=UTC), usegmt=True)
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>{site}/p/{n}</link><guid>{site}/p/{n}</guid>"
        f"<pubDate>{when}</pubDate><description>{escape(text)}</description></item>"
        for n, (title, text) in enumerate(items, start=1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><link>{site}</link>'
        f"<description>d</description>{entries}</channel></rss>"
    ).encode()


GOOD_ITEMS = [
    ("VoxLink 推送失败", "VoxLink 的消息推送一直失败, 客户投诉了, 太烂了"),
    ("VoxLink SDK", "VoxLink works fine"),
]
BOMB_MB = 64
"""What the gzip bomb inflates to (its compressed size is about 64 KB)."""
HUGE_REPEATS = 40_000
"""The huge post says "VoxLink 闪退 错误码 110" this many times (about 800,000 characters)."""
MANY_CODES = 40
"""The post of /codes names this many distinct error codes, more than an analysis lists."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a crawler that hangs up on a too-large answer is what the tests expect


class MisbehavingSite:
    """`answers` maps a path to a function of the site's address giving (status, headers, body)."""

    def __init__(self, host: str = "127.0.0.1", other: str = "") -> None:
        self.host = host
        self.other = other
        """The address of a second site (another host), where /away redirects to."""
        self.hits: list[str] = []
        self.query = ""
        """The query string of the request being answered."""
        self._server: ThreadingHTTPServer | None = None
        self.url = ""

    def answers(self) -> dict[str, Callable[[], Answer]]:
        feed = {"Content-Type": "application/rss+xml; charset=utf-8"}
        bomb = gzip.compress(b"\0" * (BOMB_MB * 1024 * 1024), compresslevel=9)
        huge = " ".join(["VoxLink 闪退 错误码 110"] * HUGE_REPEATS)
        codes = "VoxLink 闪退 " + " ".join(f"错误码 {1000 + i}" for i in range(MANY_CODES))
        return {
            "/feed.xml": lambda: (200, feed, rss(GOOD_ITEMS, self.url)),
            "/status/500": lambda: (500, {"Content-Type": "text/html"}, b"<h1>Internal Server Error</h1>"),
            "/status/404": lambda: (404, {"Content-Type": "text/html"}, b"<h1>Not Found</h1>"),
            "/loop": lambda: (302, {"Location": "/loop-back"}, b""),
            "/loop-back": lambda: (302, {"Location": "/loop"}, b""),
            "/away": lambda: (302, {"Location": f"{self.other}/feed.xml?{self.query}"}, b""),
            "/metadata": lambda: (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
            "/bomb": lambda: (200, {**feed, "Content-Encoding": "gzip"}, bomb),
            "/huge": lambda: (200, feed, rss([("VoxLink 崩溃", huge)], self.url)),
            "/codes": lambda: (200, feed, rss([("VoxLink 错误码", codes)], f"{self.url}/codes")),
        }

    def start(self) -> MisbehavingSite:
        routes = self.answers()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site.hits.append(self.path)
                path, _, site.query = self.path.partition("?")
                route = routes.get(path)
                status, headers, body = route() if route else (404, {}, b"no such page")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = _Server((self.host, 0), Handler)
        self._server = server
        self.url = f"http://{self.host}:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> MisbehavingSite:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
