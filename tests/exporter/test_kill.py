"""The exporter is SIGKILLed at random moments while it delivers 1,000 tickets; restarted each time,
it leaves the intake holding every ticket exactly once.

Most kills are set off by the intake itself when a drawn number of tickets exist: just after it
created one and before it answers (the worst moment: the ticket exists, the exporter never hears
so), or a few milliseconds later (marking it delivered, sending the next). The others come a
random moment after start (start-up, planning, deciding). Moments are drawn from a seeded RNG.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from store import Store
from tests.exporter.intake_server import IntakeState, intake_server
from tests.exporter.support import many_clusters

REPO = Path(__file__).resolve().parents[2]
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
TICKETS = 1000
ROUNDS = 10


def test_sigkill_while_delivering_loses_and_duplicates_nothing(tmp_path: Path):
    rng = random.Random(20261124)
    with intake_server(IntakeState(webhook_secret=SECRET)) as (url, state):
        config = tmp_path / "lingting.toml"
        config.write_text(
            'database = "l.db"\nproducts = [{ name = "声链" }]\n[export]\nretry_base_seconds = 0.05\n'
            f'[[export.sinks]]\ntype = "webhook"\nurl = "{url}/hooks/t"\nsecret_env = "WH_SECRET"\n',
            encoding="utf-8",
        )
        store = Store(tmp_path / "l.db")
        many_clusters(store, TICKETS)
        store.close()
        env = {**os.environ, "WH_SECRET": SECRET, "PYTHONPATH": str(REPO)}

        def start(stderr: int = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [sys.executable, "-m", "lingting.cli", "export", "-c", str(config)],
                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
            )  # fmt: skip

        by_intake = 0
        for _ in range(ROUNDS):
            done = sum(state.tickets.values())
            moment = rng.choice(["before answer", "after answer", "starting"])
            if moment == "starting":  # start-up and planning take longer than this; delivery may begin
                proc = start()
                time.sleep(rng.uniform(0.02, 0.4))
                proc.kill()
            else:
                target = done + rng.randint(1, 80)  # ten rounds leave hundreds owed for the last one
                delay = 0.0 if moment == "before answer" else rng.uniform(0.0, 0.02)
                fired = threading.Event()
                running: list[subprocess.Popen[bytes]] = []

                def kill_at_target(
                    intake_id: str,
                    target: int = target,
                    delay: float = delay,
                    running: list[subprocess.Popen[bytes]] = running,
                    fired: threading.Event = fired,
                ) -> None:
                    if sum(state.tickets.values()) >= target and not fired.is_set():
                        fired.set()
                        kill = threading.Timer(delay, os.kill, (running[0].pid, signal.SIGKILL))
                        kill.start()
                        if not delay:
                            kill.join()  # before this ticket's answer leaves

                state.on_created = kill_at_target
                running.append(proc := start())
                proc.wait(timeout=60)
                state.on_created = None
                assert proc.returncode == -signal.SIGKILL
                by_intake += 1
            proc.wait(timeout=60)
        assert by_intake == 6  # drawn by the seed; every target leaves tickets owed, so every such kill fires

        final = start(subprocess.PIPE)
        _, err = final.communicate(timeout=120)
        assert final.returncode == 0, err.decode()

        assert len(state.tickets) == TICKETS  # none lost
        assert set(state.tickets.values()) == {1}  # none twice
        assert state.signature_errors == 0
        posts = [r for r in state.received if r.method == "POST"]
        assert len({r.headers["webhook-id"] for r in posts}) == TICKETS
        assert len(posts) > TICKETS  # some were sent again after a kill, and recognised
    store = Store(tmp_path / "l.db")
    assert store.query("SELECT status, count(*) AS n FROM outbox GROUP BY status") == [
        {"status": "delivered", "n": TICKETS}
    ]
    assert store.count("exports") == TICKETS
