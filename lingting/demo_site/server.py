"""DemoSite: the Router behind a ThreadingHTTPServer running in a daemon thread.

Every 200 answer carries an ETag (a hash of the body) and a Last-Modified (the moment the content
is shown at), and a request whose If-None-Match or If-Modified-Since still holds gets 304 Not
Modified without a body, as Discourse, RSSHub and most feed servers do.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, cast
from urllib.parse import urlsplit

from lingting.demo_site.content import Content, as_utc, floor_hour, load_content
from lingting.demo_site.responses import Response
from lingting.demo_site.routes import FAULTY_TOPIC_ID, Router
from lingting.demo_site.synthetic import synthetic_content
from lingting.demo_site.timeline import content_at
from lingting.demo_site.topic_posts import topic_posts

log = logging.getLogger(__name__)


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hung client must never keep the test process alive

    def __init__(self, address: tuple[str, int], site: DemoSite) -> None:
        super().__init__(address, _Handler)
        self.site = site


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as crawlers expect; every response has Content-Length
    server_version = "lingting-demo/0.1"
    sys_version = ""

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def _respond(self, with_body: bool) -> None:
        site = cast(_Server, self.server).site
        if site.delay:
            time.sleep(site.delay)  # a slow site, so a test can stop a crawl half-way
        scripted = site._scripted(self.path)
        if scripted is not None:
            site._record(self.path, scripted.status)
            headers = dict(scripted.headers)
            self._send(Response(scripted.status, scripted.content_type, scripted.body), with_body, headers)
            return
        # Header names in one spelling (Cookie, Referer), as the routes look them up.
        headers = {name.title(): value for name, value in self.headers.items()}
        response, modified = site.serve(self.path, headers)
        if response.status != 200:
            site._record(self.path, response.status)
            self._send(response, with_body)
            return
        etag = '"' + hashlib.sha1(response.body).hexdigest()[:20] + '"'
        last_modified = format_datetime(modified, usegmt=True)
        if _still_valid(self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since"), etag, modified):
            site._record(self.path, 304)
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
            self.end_headers()
            return
        site._record(self.path, 200)
        self._send(response, with_body, {"ETag": etag, "Last-Modified": last_modified})

    def _send(self, response: Response, with_body: bool, extra: dict[str, str] | None = None) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        # The default writes to stderr on every request; tests and the CLI want quiet unless asked.
        log.debug("%s - %s", self.address_string(), format % args)


@dataclass(frozen=True)
class Scripted:
    """An answer a test puts in place of the normal one: a block page, a 429 with Retry-After, ..."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    times: int = 1
    """How many requests get this answer before the next scripted one (or the normal site)."""


def _still_valid(if_none_match: str | None, if_modified_since: str | None, etag: str, modified: datetime) -> bool:
    """RFC 9110: If-None-Match decides when sent (weak comparison); else If-Modified-Since."""
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if if_modified_since:
        try:
            return modified.replace(microsecond=0) <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
    return False


class DemoSite:
    """The bundled demo site: V2EX, Discourse, HN Algolia, RSSHub Weibo and Reddit feeds on one port.

    `scale`: serve that many synthetic posts (lingting/demo_site/synthetic.py) instead of posts.json,
    written from `texts` ({"zh": [...], "en": [...]}) if given, else from templates.
    `clock`: serve the site as it was at that moment (`set_clock` moves it; None is the anchor).
    `delay`: seconds every answer waits, to imitate a slow site.
    """

    FAULTY_TOPIC_ID: ClassVar[int] = FAULTY_TOPIC_ID

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: bool = False,
        anchor: datetime | None = None,
        *,
        scale: int = 0,
        texts: Mapping[str, Sequence[str]] | None = None,
        clock: datetime | None = None,
        delay: float = 0.0,
    ) -> None:
        self.host = host
        self.port = port
        self.faults = faults
        # Flooring to the hour makes every serve within the same hour byte-identical.
        self.anchor = as_utc(anchor) if anchor is not None else floor_hour(datetime.now(UTC))
        self.scale = scale
        self.texts = texts
        self.delay = delay
        self.base_url = ""
        self.requests: list[str] = []
        self.served: list[tuple[str, int]] = []
        """(request target, status) of every answer, 304s included."""
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._content: Content | None = None
        self._clock = as_utc(clock) if clock is not None else None
        self._router: Router | None = None
        self._script: dict[str, list[list[Any]]] = {}

    def script(self, path: str, *answers: Scripted) -> None:
        """Answer requests for `path` (query ignored) with `answers`, in order, then normally again."""
        with self._lock:
            self._script.setdefault(path, []).extend([answer, answer.times] for answer in answers)

    def _scripted(self, target: str) -> Scripted | None:
        path = urlsplit(target).path
        with self._lock:
            queue = self._script.get(path)
            if not queue:
                return None
            answer, left = queue[0]
            if left <= 1:
                queue.pop(0)
            else:
                queue[0][1] = left - 1
            return cast(Scripted, answer)

    @property
    def content(self) -> Content:
        """Everything the site holds at its anchor (before `clock` hides the newest)."""
        if self._content is None:
            base = load_content(self.anchor)
            self._content = synthetic_content(base, self.scale, self.texts) if self.scale else base
        return self._content

    @property
    def shown_at(self) -> datetime:
        return self._clock or self.anchor

    def set_clock(self, moment: datetime | None) -> None:
        """Serve the site as it was at `moment` (None: all of it, at the anchor)."""
        router = self._build_router(as_utc(moment) if moment is not None else None)
        with self._lock:
            self._clock = as_utc(moment) if moment is not None else None
            self._router = router

    def _build_router(self, moment: datetime | None) -> Router:
        content = content_at(self.content, moment) if moment is not None else self.content
        return Router(content, faults=self.faults, now=moment)

    def serve(self, target: str, headers: Mapping[str, str] | None = None) -> tuple[Response, datetime]:
        """The answer to a request target and the moment the content is shown at (its Last-Modified)."""
        with self._lock:
            router, moment = self._router, self.shown_at
        assert router is not None, "the site is not started"
        return topic_posts(router, self.base_url, target) or router.handle(self.base_url, target, headers), moment

    def start(self) -> DemoSite:
        if self._server is not None:
            return self
        self._router = self._build_router(self._clock)
        server = _Server((self.host, self.port), self)
        self.port = server.server_address[1]
        shown = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        self.base_url = f"http://{shown}:{self.port}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="lingting-demo-site", daemon=True
        )
        self._server = server
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def _record(self, target: str, status: int) -> None:
        with self._lock:
            self.requests.append(target)
            self.served.append((target, status))

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
