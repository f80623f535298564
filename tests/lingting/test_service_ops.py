"""/healthz and /metrics under uvicorn on 127.0.0.1, and `lingting status` / `lingting backup`.

A tiny Starlette app with only the ops routes; the database is a real SQLite file with crawl
runs, outbox rows and job states written through the store's own functions.
"""

from __future__ import annotations

import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from config import load_settings
from config.settings import Settings
from lingting.cli import main
from lingting.service.jobs import Job
from lingting.service.ops import health_report, ops_routes
from lingting.service.runner import Service
from store import Outbox, Store, crawl_state, record_run
from store import schedule as state
from store.outbox import moment
from tests.exporter.support import many_clusters

T0 = 1_800_000_000.0
CONFIG = """\
database = "lingting.db"
[[products]]
name = "VoxLink"
[[sources]]
name = "forum"
type = "discourse"
base_url = "http://127.0.0.1:9/discourse"
every_minutes = 30
[[sources]]
name = "hn"
type = "hackernews"
base_url = "http://127.0.0.1:9/hn"
[[sources]]
name = "old"
type = "rss"
url = "http://127.0.0.1:9/feed"
enabled = false
"""


def run(source: str, run_id: str, health: str, **counts: int) -> dict:
    return {
        "run_id": run_id,
        "source_name": source,
        "source": source,
        "started_at": "2027-01-15T08:00:00Z",
        "finished_at": f"2027-01-15T08:0{len(run_id) % 10}:30Z",
        "health": health,
        **counts,
    }


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "lingting.toml"
    path.write_text(CONFIG, encoding="utf-8")
    store = Store(tmp_path / "lingting.db")
    record_run(store, run("forum", "r1", "ok", posts_parsed=40, new_posts=40, flagged=3, errors=1))
    record_run(store, run("forum", "r22", "ok", posts_parsed=12, new_posts=2, flagged=1))
    record_run(store, run("forum", "r333", "blocked", requests=1, blocked=1, errors=1))
    record_run(store, run("hn", "r1", "unhealthy", parse_errors=4, errors=4))
    outbox = Outbox(store)
    for cluster_id in many_clusters(store, 3):
        intake_id = store.cluster(cluster_id)["intake_id"]  # type: ignore[index]
        event = {"id": f"{intake_id}-1", "data": {}}
        outbox.decide(
            intake_id=intake_id, cluster_id=cluster_id, revision=1, state={}, events={"jsonl:0": event}, now=moment(T0)
        )
    rows = store.query("SELECT id FROM outbox ORDER BY id")
    outbox.mark_delivered(rows[0]["id"], "tickets.jsonl:1", now=moment(T0 + 0.5))
    outbox.mark_delivered(rows[1]["id"], "tickets.jsonl:2", now=moment(T0 + 120))
    outbox.mark_failed(rows[2]["id"], "HTTP 503", moment(T0 + 60))
    state.plan_first_run(store, "crawl:forum", T0)
    state.record_start(store, "crawl:forum", at=T0, pid=4242, pid_start=None, deadline=T0 + 1800)
    state.record_finish(store, "crawl:forum", at=T0 + 20, outcome="timeout", error="ran past", next_run_at=T0 + 1800)
    crawl_state.set_backoff(store, "forum", until="2099-01-01T00:00:00Z", reason="HTTP 403 / 被封禁")
    store.close()
    return path


@pytest.fixture
def settings(config: Path) -> Settings:
    return load_settings(config)


class OpsServer:
    """uvicorn serving just the ops routes, on a port the OS picks."""

    def __init__(self, settings: Settings, service: Service | None) -> None:
        self.app = Starlette(routes=ops_routes(settings, service))
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]})

    def __enter__(self) -> httpx.Client:
        self.thread.start()
        while not self.server.started:
            assert self.thread.is_alive()
            threading.Event().wait(0.01)
        self.client = httpx.Client(base_url=self.url, timeout=10)
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        self.server.should_exit = True
        self.thread.join()
        self.sock.close()


@pytest.fixture
def running_service(settings: Settings) -> Iterator[Service]:
    service = Service(settings, Path("unused.toml"), jobs=[])
    service.start()
    while service.health() is not None:
        threading.Event().wait(0.01)
    yield service
    service.stop()


def test_metrics_are_read_from_the_database_in_prometheus_text(settings: Settings):
    with OpsServer(settings, None) as client:
        response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    values = {(s.name, tuple(sorted(s.labels.items()))): s.value for f in families.values() for s in f.samples}

    assert values[("lingting_crawl_runs_total", (("health", "ok"), ("source", "forum")))] == 2
    assert values[("lingting_crawl_runs_total", (("health", "blocked"), ("source", "forum")))] == 1
    assert values[("lingting_crawl_runs_total", (("health", "unhealthy"), ("source", "hn")))] == 1
    assert values[("lingting_posts_parsed_total", (("source", "forum"),))] == 52
    assert values[("lingting_posts_new_total", (("source", "forum"),))] == 42
    assert values[("lingting_posts_flagged_total", (("source", "forum"),))] == 4
    assert values[("lingting_crawl_errors_total", (("source", "forum"),))] == 2
    assert values[("lingting_crawl_errors_total", (("source", "hn"),))] == 4
    assert values[("lingting_crawl_blocks_total", (("source", "forum"),))] == 1
    assert values[("lingting_crawl_blocks_total", (("source", "hn"),))] == 0
    # the latest healthy run of forum ended at 08:03:30 (r22 ends at :0{len % 10}:30)
    ended = datetime(2027, 1, 15, 8, 3, 30, tzinfo=UTC).timestamp()
    assert values[("lingting_last_success_timestamp_seconds", (("source", "forum"),))] == ended
    assert ("lingting_last_success_timestamp_seconds", (("source", "hn"),)) not in values
    assert values[("lingting_outbox_rows", (("sink", "jsonl:0"), ("status", "delivered")))] == 2
    assert values[("lingting_outbox_rows", (("sink", "jsonl:0"), ("status", "failed")))] == 1
    assert values[("lingting_outbox_rows", (("sink", "jsonl:0"), ("status", "dead")))] == 0
    latency = families["lingting_delivery_latency_seconds"]
    assert latency.type == "histogram"
    assert values[("lingting_delivery_latency_seconds_bucket", (("le", "1.0"), ("sink", "jsonl:0")))] == 1
    assert values[("lingting_delivery_latency_seconds_bucket", (("le", "60.0"), ("sink", "jsonl:0")))] == 1
    assert values[("lingting_delivery_latency_seconds_bucket", (("le", "300.0"), ("sink", "jsonl:0")))] == 2
    assert values[("lingting_delivery_latency_seconds_bucket", (("le", "+Inf"), ("sink", "jsonl:0")))] == 2
    assert values[("lingting_delivery_latency_seconds_count", (("sink", "jsonl:0"),))] == 2
    assert values[("lingting_delivery_latency_seconds_sum", (("sink", "jsonl:0"),))] == pytest.approx(120.5, abs=0.01)
    assert values[("lingting_job_runs_total", (("job", "crawl:forum"),))] == 1
    assert values[("lingting_job_failures_total", (("job", "crawl:forum"),))] == 1
    assert values[("lingting_job_running", (("job", "crawl:forum"),))] == 0


def test_healthz_is_200_while_the_scheduler_runs_and_the_database_takes_a_write(
    settings: Settings, running_service: Service
):
    with OpsServer(settings, running_service) as client:
        healthy = client.get("/healthz")
        assert healthy.status_code == 200, healthy.text
        assert healthy.json() == {"scheduler": "ok", "database": "ok", "status": "ok"}

        # Another process holds the write lock: the probe's write cannot commit.
        holder = sqlite3.connect(settings.database_path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            blocked = client.get("/healthz")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert blocked.status_code == 503
        assert blocked.json()["status"] == "unavailable" and blocked.json()["scheduler"] == "ok"
        assert "not writable" in blocked.json()["database"] and "locked" in blocked.json()["database"]

        assert client.get("/healthz").status_code == 200

        running_service.stop()
        stopped = client.get("/healthz")
        assert stopped.status_code == 503
        assert "not running" in stopped.json()["scheduler"] and stopped.json()["database"] == "ok"


def test_healthz_without_a_scheduler_checks_the_database_only(settings: Settings, tmp_path: Path):
    with OpsServer(settings, None) as client:
        answer = client.get("/healthz")
    assert answer.status_code == 200 and "not run by this process" in answer.json()["scheduler"]

    gone = settings.model_copy(update={"database": str(tmp_path / "missing-dir" / "x.db")})
    with OpsServer(gone, None) as client:
        answer = client.get("/healthz")
    assert answer.status_code == 503 and "cannot open" in answer.json()["database"]


def test_status_shows_each_job_its_back_off_and_the_outbox(config: Path):
    result = CliRunner().invoke(main, ["status", "-c", str(config)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "never started" in out
    forum = next(line for line in out.splitlines() if "crawl:forum" in line)
    assert "timeout: ran past" in forum and "30 min" in forum and "HTTP 403" in forum and "(1 failed" in forum
    hn = next(line for line in out.splitlines() if "crawl:hn" in line)
    assert "never" in hn and "next start" in hn
    assert "disabled" in next(line for line in out.splitlines() if "crawl:old" in line)
    assert "jsonl:0" in out and "Outbox" in out


def test_backup_copies_the_database_while_it_is_open(config: Path, tmp_path: Path):
    settings = load_settings(config)
    writer = Store(settings.database_path)  # the service holds the database open
    writer.conn.execute("BEGIN IMMEDIATE")  # and is writing right now
    target = tmp_path / "backup.db"
    try:
        result = CliRunner().invoke(main, ["backup", "-c", str(config), str(target)])
    finally:
        writer.conn.execute("ROLLBACK")
        writer.close()
    assert result.exit_code == 0, result.output
    copy = Store(target)
    assert copy.count("crawl_runs") == 4 and copy.count("outbox") == 3
    copy.close()
    again = CliRunner().invoke(main, ["backup", "-c", str(config), str(target)])
    assert again.exit_code == 2 and "already exists" in again.output


SERVE = """
import sys
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from config import load_settings
from lingting.service.jobs import Job
from lingting.service.ops import ops_routes
from lingting.service.runner import Service

settings = load_settings(sys.argv[1])
settings.service.jitter_fraction = 0.0  # the first slot is now
sleepy = Job("sleepy", 3600.0, (sys.executable, "-c", "import time; time.sleep(120)"))
service = Service(settings, Path(sys.argv[1]), jobs=[sleepy])
app = Starlette(routes=ops_routes(settings, service))
with service.running():
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def test_uvicorn_and_the_service_stop_together_on_sigterm(config: Path):
    """The way `lingting serve` runs both: `with service.running(): uvicorn.run(app)`."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = load_settings(config)
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(config), str(port)], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    store = Store(settings.database_path)
                    running = state.job_states(store)["sleepy"].running_pid
                    store.close()
                    if running is not None:
                        break
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    store = Store(settings.database_path)
    try:
        sleepy = state.job_states(store)["sleepy"]
        assert sleepy.last_outcome == "interrupted" and sleepy.running_pid is None
        assert state.heartbeats(store)["scheduler"].state == "stopped"
    finally:
        store.close()
    assert not Path(f"/proc/{running}").exists(), "the child was ended"


def test_schedule_with_a_missing_secret_stops_at_start_with_a_user_error(tmp_path: Path):
    config = tmp_path / "lingting.toml"
    config.write_text(
        CONFIG + '[[export.sinks]]\ntype = "webhook"\nurl = "http://127.0.0.1:9/hook"\n'
        'secret_env = "LINGTING_TEST_UNSET_SECRET"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["schedule", "-c", str(config)], env={"LINGTING_TEST_UNSET_SECRET": None})
    assert result.exit_code == 2, result.output
    assert "LINGTING_TEST_UNSET_SECRET" in result.output and "Traceback" not in result.output


def test_a_loop_that_dies_is_reported_not_healthy(settings: Settings):
    settings.service.jitter_fraction = 0.0
    broken = Job("broken", 60.0, ("/nonexistent/lingting-test-binary",))
    service = Service(settings, Path("unused.toml"), jobs=[broken])
    service.start()
    service.wait()  # the loop ends by itself: its first job cannot start
    assert service.error is not None and "FileNotFoundError" in service.error
    assert "the scheduler stopped" in (service.health() or "")
    healthy, report = health_report(settings, service)
    assert not healthy and report["database"] == "ok"
    store = Store(settings.database_path)
    assert state.heartbeats(store)["scheduler"].state == "failed"
    store.close()
