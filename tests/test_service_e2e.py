"""End to end: `lingting serve` (the review page, the scheduler and the delivery worker) as a real
process against the demo site on 127.0.0.1.

Short intervals are a real setting (`every_minutes = 0.05`, every 3 s). A clean single crawl and
export of the same site is the reference: the service, however often it crawls and however it is
stopped (SIGTERM, SIGKILL) and restarted, must end with the same posts, each once, and every
ticket the policy owes delivered once per revision.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from config import load_settings
from exporter import plan
from lingting.demo import DEMO_CRAWL, DEMO_PRODUCT, demo_environment, demo_sources, toml_table
from lingting.demo_site import DemoSite
from store import Store
from store import schedule as state

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, **demo_environment(), "COLUMNS": "200", "PYTHONIOENCODING": "utf-8"}
SOURCES = ("v2ex", "forum", "hn", "weibo-rss")
JOBS = {f"crawl:{name}" for name in SOURCES}


def write_config(folder: Path, site: DemoSite) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    sources = demo_sources(site.base_url, only=SOURCES, changes={name: {"every_minutes": 0.05} for name in SOURCES})
    path = folder / "lingting.toml"
    path.write_text(
        f'database = "lingting.db"\n{DEMO_PRODUCT}\n{sources}\n{toml_table("[crawl]", DEMO_CRAWL)}\n'
        '[export]\nauto = ["P0", "P1"]\nreview = ["P2"]\n\n[[export.sinks]]\ntype = "jsonl"\npath = "tickets.jsonl"\n\n'
        "[service]\nmax_parallel_crawls = 2\ncrawl_timeout_minutes = 1\nstop_grace_seconds = 20\n",
        encoding="utf-8",
    )
    return path


def lingting(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lingting.cli", *args], capture_output=True, text=True, timeout=300, cwd=REPO, env=ENV
    )
    assert result.returncode == 0, result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Scheduled:
    """`lingting serve --log-json` running, its log lines going to a file (a pipe nobody reads could fill)."""

    def __init__(self, config: Path) -> None:
        self.log_path = config.parent / f"service-{time.monotonic_ns()}.log"
        self.base_url = f"http://127.0.0.1:{free_port()}"
        port = self.base_url.rsplit(":", 1)[1]
        command = [sys.executable, "-m", "lingting.cli", "serve", "-c", str(config), "--port", port, "--log-json"]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=REPO, env=ENV, stdout=subprocess.DEVNULL, stderr=log)

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def stop(self) -> str:
        """SIGTERM, as systemd or Ctrl-C would; the service must end cleanly."""
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        assert self.process.returncode == 0, self.log[-3000:]
        return self.log

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.process.poll() is None, f"the service ended while waiting for {what}: {self.log[-3000:]}"
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(0.1)


def jobs_of(config: Path) -> dict[str, state.JobState]:
    store = Store(load_settings(config).database_path)
    try:
        return state.job_states(store)
    finally:
        store.close()


def post_keys(config: Path) -> list[tuple[str, str]]:
    store = Store(load_settings(config).database_path)
    try:
        return [(r["source"], r["source_post_id"]) for r in store.query("SELECT source, source_post_id FROM posts")]
    finally:
        store.close()


def tickets(config: Path) -> list[dict]:
    path = config.parent / "tickets.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def ticketed_posts(config: Path) -> set[tuple[str, str]]:
    """The posts (not replies) whose cluster became a ticket.

    Not the clusters themselves, and not replies: which posts share a cluster can depend on the
    order they were stored in (a post whose text later changes, e.g. an excerpt completed by its full
    text, keeps its cluster; a reply joins its thread's incident only if that incident was stored
    before it), and a crawl interrupted and resumed stores in another order than one clean crawl.
    Every reply is still stored exactly once (`post_keys`); only the incident it landed in differs.
    """
    store = Store(load_settings(config).database_path)
    try:
        rows = store.query(
            "SELECT p.source, p.source_post_id FROM posts p JOIN clusters c ON c.id = p.cluster_id"
            " WHERE c.intake_id IN (SELECT intake_id FROM exports) AND p.kind != 'comment'"
        )
    finally:
        store.close()
    return {(r["source"], r["source_post_id"]) for r in rows}


def assert_everything_owed_is_delivered_once(config: Path) -> None:
    settings = load_settings(config)
    store = Store(settings.database_path)
    try:
        ids = [event["id"] for event in tickets(config)]
        assert len(ids) == len(set(ids)), "a ticket revision was delivered twice"
        decided = store.count("exports")
        assert len(ids) == decided, "every decided revision is in the tickets file"
        owed = store.query("SELECT count(*) AS n FROM outbox WHERE status != 'delivered'")[0]["n"]
        assert owed == 0
        assert plan(store, settings).planned == [], "every flagged cluster the policy exports was decided"
    finally:
        store.close()


def assert_crawls_of_a_source_never_overlap(config: Path) -> None:
    store = Store(load_settings(config).database_path)
    try:
        runs = store.query(
            "SELECT source_name, started_at, finished_at FROM crawl_runs ORDER BY source_name, started_at"
        )
    finally:
        store.close()
    for before, after in itertools.pairwise(runs):
        if before["source_name"] == after["source_name"]:
            assert after["started_at"] >= before["finished_at"], (before, after)


Reference = tuple[set[tuple[str, str]], set[tuple[str, str]]]
"""The posts of one clean crawl, and those of them that became tickets."""


@pytest.fixture(scope="module")
def demo_site() -> Iterator[DemoSite]:
    with DemoSite() as running:
        yield running


@pytest.fixture
def site(demo_site: DemoSite, reference: Reference) -> DemoSite:
    """The module's demo site, as the reference crawl left it: no delay, nothing served yet."""
    demo_site.delay = 0.0
    demo_site.served.clear()
    return demo_site


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, demo_site: DemoSite) -> Reference:
    """One clean crawl and export of the site: its posts, and the posts that became tickets."""
    config = write_config(tmp_path_factory.mktemp("reference"), demo_site)
    lingting("crawl", "-c", str(config))
    lingting("export", "-c", str(config))
    keys = post_keys(config)
    ticketed = ticketed_posts(config)
    assert len(keys) > 50 and len(ticketed) >= 5
    return set(keys), ticketed


def run_until(config: Path, condition: Callable[[], bool], what: str) -> Scheduled:
    """Start the service and wait for `condition`; on failure the service is killed, not left running."""
    service = Scheduled(config)
    try:
        service.wait_for(condition, what)
    except BaseException:
        service.kill()
        raise
    return service


def test_the_service_crawls_every_source_twice_and_delivers_the_tickets(
    tmp_path: Path, site: DemoSite, reference: Reference
):
    config = write_config(tmp_path / "service", site)
    service = run_until(
        config,
        lambda: (jobs := jobs_of(config)).keys() >= JOBS and all(jobs[j].runs >= 2 for j in JOBS),
        "two rounds of every source",
    )
    health = httpx.get(f"{service.base_url}/healthz", timeout=30)
    assert health.status_code == 200, health.text
    families = {f.name: f for f in text_string_to_metric_families(httpx.get(f"{service.base_url}/metrics").text)}
    crawled = {s.labels.get("source") for f in families.values() for s in f.samples if "crawl" in s.name}
    assert set(SOURCES) <= crawled, sorted(families)
    page = httpx.get(f"{service.base_url}/", follow_redirects=False)
    assert page.status_code in (302, 303, 307) and "/login" in page.headers["location"]  # the review page runs too
    lines = [json.loads(line) for line in service.stop().splitlines()]
    finished = [line for line in lines if line.get("outcome") == "ok"]
    assert {line["job"] for line in finished} == JOBS
    assert all(jobs_of(config)[j].last_outcome in ("ok", "interrupted") for j in JOBS)
    keys = post_keys(config)
    assert len(keys) == len(set(keys)) and set(keys) == reference[0]
    assert_everything_owed_is_delivered_once(config)
    ticketed = ticketed_posts(config)
    assert ticketed == reference[1], (ticketed - reference[1], reference[1] - ticketed)
    assert_crawls_of_a_source_never_overlap(config)


def test_sigterm_or_sigkill_mid_crawl_then_a_restart_lose_and_double_nothing(
    tmp_path: Path, site: DemoSite, reference: Reference
):
    config = write_config(tmp_path / "service", site)
    site.delay = 0.05  # slow answers, so that a crawl is under way when the service is stopped

    run_until(config, lambda: len(site.served) >= 12, "a crawl half-way").stop()
    jobs = jobs_of(config)
    assert "interrupted" in {job.last_outcome for job in jobs.values()}
    assert all(job.running_pid is None for job in jobs.values()), "SIGTERM ends every crawl"
    assert set(post_keys(config)) < reference[0], "stopped half-way"

    served = len(site.served)
    run_until(config, lambda: len(site.served) >= served + 12, "a crawl half-way again").kill()
    orphans = [job.running_pid for job in jobs_of(config).values() if job.running_pid is not None]
    assert orphans, "a crawl was running when the service was killed"

    site.delay = 0.0
    restarted = time.time()
    run_until(
        config,
        lambda: all(
            (job := jobs_of(config)[name]).last_outcome == "ok" and (job.last_started_at or 0) > restarted
            for name in JOBS
        ),
        "a full round after the restart",
    ).stop()
    for pid in orphans:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    keys = post_keys(config)
    assert len(keys) == len(set(keys)) and set(keys) == reference[0]
    assert_everything_owed_is_delivered_once(config)
    ticketed = ticketed_posts(config)
    assert ticketed == reference[1], (ticketed - reference[1], reference[1] - ticketed)
    assert_crawls_of_a_source_never_overlap(config)
