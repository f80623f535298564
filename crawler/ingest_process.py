"""Ingest in a process of its own, fed by the crawl process's pipelines through a local socket.

Crawling is I/O and ingest (analyze, store, cluster) is CPU: in one process the crawl waits on the
analysis. `lingting crawl` starts one ingest process (`start_ingest`), which alone writes posts,
checkpoints and cached pages; every spider's pipeline connects to it (`IngestLink`) and sends its batches and
checkpoints in the order the spider yielded them. One worker thread takes the messages of all
connections in turn, so a checkpoint is committed after the posts it covers, and only if they
were stored (crawler/incremental.py).

Crashes: the ingest stores a batch in one transaction, so a killed ingest leaves whole batches or
none, and the checkpoints of what it did not store were never committed: the next crawl redoes
that work, the store's (source, source_post_id) key doubles nothing. A crawl process that dies
leaves the ingest to finish what it received and exit.
"""

from __future__ import annotations

import logging
import os
import queue
import tempfile
import threading
from contextlib import suppress
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path
from typing import Any

from config.settings import Settings
from crawler.analysis import build_analyzer
from crawler.incremental import Checkpoint, CrawlState
from crawler.ingest import Ingest, Stored
from crawler.trends import refresh as refresh_trends
from store import Store
from store.crawl_state import save_response

log = logging.getLogger(__name__)
SOCKET_NAME = "ingest.sock"
_DONE = ("done",)
QUEUED = 64


class IngestError(Exception):
    """The ingest process could not start."""


@dataclass(frozen=True)
class Batch:
    number: int
    posts: list[dict[str, Any]]
    source_names: list[str | None]


@dataclass(frozen=True)
class CachedPage:
    """A response to keep with its validators (store/crawl_state.py save_response), written here too."""

    url: str
    source_name: str | None
    status: int
    headers: dict[str, list[str]]
    body: bytes
    etag: str | None
    last_modified: str | None


class IngestLink:
    """A pipeline's connection to the ingest process: batches out, what became of them back."""

    def __init__(self, address: str) -> None:
        self.conn: Connection = Client(address, family="AF_UNIX")

    def send(self, message: Batch | Checkpoint | CachedPage) -> None:
        self.conn.send(message)

    def replies(self, *, wait: bool) -> list[tuple[int, list[Stored]]]:
        """Answers that arrived; `wait`: every answer until the ingest confirms the last message."""
        out: list[tuple[int, list[Stored]]] = []
        if wait:
            self.conn.send(_DONE)
        while wait or self.conn.poll():
            reply = self.conn.recv()  # EOFError: the ingest process is gone
            if reply == _DONE:
                break
            out.append(reply)
        return out

    def close(self) -> None:
        self.conn.close()


def start_ingest(settings: Settings, *, verbose: bool = False) -> tuple[Any, str, tempfile.TemporaryDirectory[str]]:
    """Start the ingest process; returns it, the address pipelines connect to, and the folder to clean."""
    folder = tempfile.TemporaryDirectory(prefix="lingting-ingest-")  # 0700: only this user connects
    address = str(Path(folder.name) / SOCKET_NAME)
    context = get_context("spawn")  # a fresh interpreter: no reactor or Scrapy state copied across
    ready = context.Event()
    process = context.Process(
        target=serve, args=(settings, address, ready, os.getpid(), verbose), name="lingting-ingest"
    )
    process.start()
    while not ready.wait(0.2):
        if not process.is_alive():
            folder.cleanup()
            raise IngestError(
                f"the ingest process could not start (exit {process.exitcode}); -v shows why / 入库进程无法启动"
            )
    return process, address, folder


def stop_ingest(address: str) -> None:
    """Ask the ingest process to finish what it holds and exit."""
    conn = Client(address, family="AF_UNIX")
    conn.send(("stop",))
    conn.close()


def serve(settings: Settings, address: str, ready: Any, parent: int, verbose: bool = False) -> None:
    """The ingest process: accept pipelines, store their batches, commit their checkpoints, in order."""
    # What goes wrong with a post is answered to its pipeline and told by the run summary; the log
    # (tracebacks included) is for -v, as the crawl's own.
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s ingest %(name)s: %(message)s")
    else:
        logging.getLogger().addHandler(logging.NullHandler())
    store = Store(settings.database_path)
    ingest = Ingest(store, build_analyzer(settings), settings)
    state = CrawlState(store, incremental=settings.crawl.incremental)
    # Bounded: a crawl faster than its ingest waits on its socket instead of filling this process.
    work: queue.Queue[tuple[Connection, Any]] = queue.Queue(maxsize=QUEUED)
    listener = Listener(address, family="AF_UNIX")
    threading.Thread(target=_accept, args=(listener, work), daemon=True).start()
    ready.set()
    try:
        while True:
            try:
                conn, message = work.get(timeout=1.0)
            except queue.Empty:
                if os.getppid() != parent:  # the crawl process died: nothing more will come
                    return
                continue
            if message == ("stop",):
                return
            _handle(conn, message, ingest, state)
    finally:
        try:
            refresh_trends(store, settings)  # the report's daily aggregates, incrementally
            store.maintain()
        finally:
            store.close()
            listener.close()


def _accept(listener: Listener, work: queue.Queue[tuple[Connection, Any]]) -> None:
    while True:
        conn = listener.accept()
        threading.Thread(target=_read, args=(conn, work), daemon=True).start()


def _read(conn: Connection, work: queue.Queue[tuple[Connection, Any]]) -> None:
    try:
        while True:
            work.put((conn, conn.recv()))
    except (EOFError, OSError):
        return


def _handle(conn: Connection, message: Any, ingest: Ingest, state: CrawlState) -> None:
    if isinstance(message, Batch):
        try:
            outcomes = ingest.store_batch(message.posts, message.source_names)
        except Exception as exc:  # the database itself failed (locked, full): the batch is not stored
            log.exception("batch %d not stored", message.number)
            why = f"not stored: {type(exc).__name__}: {exc} / 未能入库"
            outcomes = [Stored(error=f"post {p.get('source_post_id')} {why}", lost=True) for p in message.posts]
        _answer(conn, (message.number, outcomes))
    elif isinstance(message, CachedPage):
        # Written by the one writer: in the crawl process it would wait for every batch's transaction.
        save_response(ingest.store, **asdict(message))
    elif message == _DONE:
        _answer(conn, _DONE)
    elif not state.commit(message):
        # A post of the pass failed to store: keep the old state, so the next crawl redoes it.
        log.info("[%s] state kept: not every post of %s is stored", message.source_name, message)


def _answer(conn: Connection, reply: Any) -> None:
    with suppress(OSError):  # the pipeline is gone; what it sent is stored all the same
        conn.send(reply)
