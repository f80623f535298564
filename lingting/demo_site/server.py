"""DemoSite: the Router behind a ThreadingHTTPServer running in a daemon thread."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import ClassVar, cast

from lingting.demo_site.content import as_utc, floor_hour, load_content
from lingting.demo_site.routes import FAULTY_TOPIC_ID, Router

log = logging.getLogger(__name__)


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hung client must never keep the test process alive

    def __init__(self, address: tuple[str, int], site: DemoSite, router: Router) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self.router = router


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as crawlers expect; every response has Content-Length
    server_version = "lingting-demo/0.1"
    sys_version = ""

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def _respond(self, with_body: bool) -> None:
        server = cast(_Server, self.server)
        server.site._record(self.path)
        response = server.router.handle(server.site.base_url, self.path)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if with_body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        # The default writes to stderr on every request; tests and the CLI want quiet unless asked.
        log.debug("%s - %s", self.address_string(), format % args)


class DemoSite:
    """The bundled demo site: V2EX, Discourse, HN Algolia, RSSHub Weibo and Reddit feeds on one port."""

    FAULTY_TOPIC_ID: ClassVar[int] = FAULTY_TOPIC_ID

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: bool = False,
        anchor: datetime | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.faults = faults
        # Flooring to the hour makes every serve within the same hour byte-identical.
        self.anchor = as_utc(anchor) if anchor is not None else floor_hour(datetime.now(UTC))
        self.base_url = ""
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> DemoSite:
        if self._server is not None:
            return self
        router = Router(load_content(self.anchor), faults=self.faults)
        server = _Server((self.host, self.port), self, router)
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

    def _record(self, target: str) -> None:
        with self._lock:
            self.requests.append(target)

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
