"""`lingting export --dry-run / --status / --replay-dead` and `lingting deliver`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lingting.cli import main
from store import Store
from tests.exporter.intake_server import IntakeState, intake_server
from tests.exporter.support import add_post

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "lingting.toml"
    path.write_text(
        'database = "l.db"\nproducts = [{ name = "声链" }]\n[export]\n'
        '[[export.sinks]]\ntype = "jsonl"\n'
        f'[[export.sinks]]\ntype = "webhook"\nurl = "{url}/hooks/x"\nsecret_env = "WH_SECRET"\n'
        '[[export.alerts]]\ntype = "wecom"\nurl_env = "WECOM_URL"\n',
        encoding="utf-8",
    )
    return path


def test_dry_run_shows_what_would_go_where_and_writes_nothing(tmp_path: Path):
    path = config(tmp_path, "https://intake.test")
    store = Store(tmp_path / "l.db")
    add_post(store, "1", "alice", priority="P0")
    add_post(store, "2", "bob", priority="P1")
    result = CliRunner().invoke(main, ["export", "-c", str(path), "--dry-run"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"→ jsonl:0  file {tmp_path / 'tickets.jsonl'}" in out
    assert "→ webhook:0  POST https://intake.test/hooks/x" in out
    assert "→ wecom:0  wecom robot ($WECOM_URL)" in out and "awaiting review" in out
    assert out.count("→") == 3  # the P1 waits for review
    assert store.count("outbox") == 0 and store.count("exports") == 0 and not (tmp_path / "tickets.jsonl").exists()


def test_missing_secret_is_a_message_naming_the_variable(tmp_path: Path):
    path = config(tmp_path, "https://intake.test")
    result = CliRunner().invoke(main, ["export", "-c", str(path)], env={"WH_SECRET": ""})
    assert result.exit_code == 2 and "WH_SECRET" in result.output and "Traceback" not in result.output


def test_status_then_replay_dead(tmp_path: Path):
    with intake_server(IntakeState(webhook_secret=SECRET)) as (url, state):
        state.faults = lambda r: "400" if r.path.startswith("/hooks/") and len(state.received) < 1 else "accept"
        path = config(tmp_path, url)
        store = Store(tmp_path / "l.db")
        add_post(store, "1", "alice", priority="P0")
        env = {"WH_SECRET": SECRET, "WECOM_URL": f"{url}/cgi-bin/webhook/send?key=k-123456", "COLUMNS": "250"}
        first = CliRunner().invoke(main, ["export", "-c", str(path)], env=env)
        assert first.exit_code == 0, first.output
        assert "1 dead" in first.output and "lingting export --status" in first.output
        status = CliRunner().invoke(main, ["export", "-c", str(path), "--status"], env=env)
        assert status.exit_code == 0 and "Dead" in status.output and "HTTP 400" in status.output
        assert "k-123456" not in status.output + first.output
        bad = CliRunner().invoke(main, ["export", "-c", str(path), "--replay-dead", "--sink", "nope"], env=env)
        assert bad.exit_code == 2 and "nope" in bad.output
        replay = CliRunner().invoke(main, ["export", "-c", str(path), "--replay-dead", "--sink", "webhook:0"], env=env)
        assert replay.exit_code == 0 and "1 dead deliveries owed again" in replay.output
        assert list(state.tickets.values()) == [1]
        rows = store.query("SELECT sink, status FROM outbox ORDER BY sink")
        assert rows == [
            {"sink": "jsonl:0", "status": "delivered"},
            {"sink": "webhook:0", "status": "delivered"},
            {"sink": "wecom:0", "status": "delivered"},
        ]


def test_deliver_runs_one_pass(tmp_path: Path):
    with intake_server(IntakeState(webhook_secret=SECRET)) as (url, state):
        path = config(tmp_path, url)
        store = Store(tmp_path / "l.db")
        add_post(store, "1", "alice", priority="P0")
        env = {"WH_SECRET": SECRET, "WECOM_URL": f"{url}/cgi-bin/webhook/send?key=k-1"}
        state.faults = lambda r: "500"
        assert CliRunner().invoke(main, ["export", "-c", str(path)], env=env).exit_code == 0
        state.faults = lambda r: "accept"
        store.conn.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000Z'")
        result = CliRunner().invoke(main, ["deliver", "-c", str(path)], env=env)
        assert result.exit_code == 0 and "1 delivered" in result.output and "1 alerted" in result.output, result.output


@pytest.mark.parametrize("command", ["export", "deliver"])
def test_help_is_bilingual_with_examples(command: str):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "示例" in result.output and "Example" in result.output


@pytest.mark.parametrize(
    "flags",
    [
        ["--dry-run", "--status"],
        ["--dry-run", "--replay-dead"],
        ["--status", "--replay-dead"],
        ["--sink", "jsonl:0"],
        ["--dry-run", "--sink", "jsonl:0"],
    ],
)
def test_export_flags_that_contradict_are_refused_and_nothing_is_written(tmp_path: Path, flags: list[str]):
    path = config(tmp_path, "https://intake.test")
    store = Store(tmp_path / "l.db")
    add_post(store, "1", "alice", priority="P0")
    result = CliRunner().invoke(main, ["export", "-c", str(path), *flags], env={"WH_SECRET": SECRET})
    assert result.exit_code == 2, result.output
    assert "错误 / error:" in result.output and "Traceback" not in result.output
    assert ("--replay-dead" in result.output) if "--sink" in flags else ("contradict" in result.output)
    assert store.count("outbox") == 0 and store.count("exports") == 0 and not (tmp_path / "tickets.jsonl").exists()


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--watch", "--poll", "0"], "at least 1"),
        (["--watch", "--poll", "-5"], "at least 1"),
        (["--watch", "--poll", "nan"], "at least 1"),
        (["--watch", "--poll", "0.01"], "at least 1"),
        (["--poll", "10"], "--watch"),
    ],
)
def test_deliver_refuses_a_poll_that_busy_loops_or_does_nothing(tmp_path: Path, flags: list[str], words: str):
    path = config(tmp_path, "https://intake.test")
    # A real process: a refused --watch must exit at once rather than start the worker.
    result = subprocess.run(
        [sys.executable, "-m", "lingting.cli", "deliver", "-c", str(path), *flags],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "WH_SECRET": SECRET, "WECOM_URL": "https://robot.test/x"},
    )
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr and not (tmp_path / "l.db").exists()
