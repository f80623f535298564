"""Ticket delivery throughput to a local intake, with and without injected faults.

    .venv/bin/python -m bench.export [--tickets 1000] [--repeat 3] [--seed 1]

Baseline: the same signed webhook requests POSTed in a plain loop over one keep-alive connection,
with no outbox and no bookkeeping. Then `lingting export` proper (policy, decisions and outbox rows
in SQLite, delivery, each row marked): first against an intake that always accepts, then against
one that answers 500, 429 (Retry-After: 1), resets the connection, loses its answer after making
the ticket, or hangs past the timeout, drawn at random per request. Each figure is the median of
`--repeat` runs, printed beside the baseline as a ratio, with the tickets lost and duplicated.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/export.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import settings_from_toml
from exporter import build_bots, build_sinks, export, retry_policy, run_worker
from exporter.sinks import WebhookSink
from exporter.transport import HttpTransport
from store import Store
from tests.exporter.intake_server import IntakeState, Received, intake_server
from tests.exporter.support import many_clusters

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
FAULT_MIX = (("500", 0.10), ("429", 0.05), ("reset", 0.03), ("lost", 0.03), ("hang", 0.01))


def faulty(seed: int) -> tuple[IntakeState, str]:
    rng = random.Random(seed)

    def draw(r: Received) -> str:
        x, acc = rng.random(), 0.0
        for fault, share in FAULT_MIX:
            acc += share
            if x < acc:
                return fault
        return "accept"

    share = ", ".join(f"{f} {p:.0%}" for f, p in FAULT_MIX)
    return IntakeState(webhook_secret=SECRET, faults=draw, hang_seconds=0.5, retry_after="1"), share


def config(folder: Path, url: str) -> str:
    return (
        f'database = "{folder}/l.db"\nproducts = [{{ name = "声链" }}]\n[export]\n'
        "retry_base_seconds = 0.05\nretry_max_seconds = 1\nmax_attempts = 30\n"
        f'[[export.sinks]]\ntype = "webhook"\nurl = "{url}/hooks/bench"\nsecret_env = "WH"\ntimeout_seconds = 0.25\n'
    )


def baseline(n: int) -> float:
    """Tickets/s for the plain loop: render, sign, POST, nothing stored."""
    with tempfile.TemporaryDirectory() as tmp, intake_server(IntakeState(webhook_secret=SECRET)) as (url, state):
        folder = Path(tmp)
        settings = settings_from_toml(config(folder, url), base_dir=folder)
        store = Store(settings.database_path)
        many_clusters(store, n)
        from exporter import plan

        events = [p.event for p in plan(store, settings).planned]
        sink = WebhookSink("w", f"{url}/hooks/bench", SECRET, transport=HttpTransport(5))
        start = time.perf_counter()
        for event in events:
            sink.deliver(event)
        elapsed = time.perf_counter() - start
        assert len(state.tickets) == n
    return n / elapsed


def through_outbox(n: int, state: IntakeState) -> tuple[float, float, int, int, int]:
    """(decided/s, delivered/s, lost, duplicated, requests): policy and outbox rows first, then the
    delivery worker until nothing is owed."""
    with tempfile.TemporaryDirectory() as tmp, intake_server(state) as (url, served):
        folder = Path(tmp)
        settings = settings_from_toml(config(folder, url), base_dir=folder)
        store = Store(settings.database_path)
        many_clusters(store, n)
        env = {"WH": SECRET}
        sinks, bots = build_sinks(settings, env=env), build_bots(settings, env=env)
        start = time.perf_counter()
        export(store, settings, sinks=sinks, bots=bots, deliver_now=False)
        decided = time.perf_counter() - start
        start = time.perf_counter()
        run_worker(store, sinks, bots, retry=retry_policy(settings), deadline=time.time() + 600)
        delivered = time.perf_counter() - start
        lost = n - len(served.tickets)
        duplicated = sum(c - 1 for c in served.tickets.values())
        return n / decided, n / delivered, lost, duplicated, len(served.received)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # every injected fault would log a line
    n = args.tickets

    base = statistics.median(baseline(n) for _ in range(args.repeat))
    clean = [through_outbox(n, IntakeState(webhook_secret=SECRET)) for _ in range(args.repeat)]
    faulted = []
    for i in range(args.repeat):
        state, mix = faulty(args.seed + i)
        faulted.append(through_outbox(n, state))

    print(f"bench/export: {n} tickets to a webhook intake on 127.0.0.1, median of {args.repeat} runs")
    print(f"{'':46} {'tickets/s':>10} {'ratio':>7} {'lost':>5} {'dup':>5} {'requests':>9}")
    print(f"{'baseline: plain signed POST loop, no outbox':46} {base:10.0f} {1:7.2f} {'-':>5} {'-':>5} {n:9d}")
    decide = statistics.median(r[0] for r in clean)
    print(f"{'decide: policy, records, outbox rows':46} {decide:10.0f} {decide / base:7.2f} {'-':>5} {'-':>5} {0:9d}")
    for label, results in (("deliver from the outbox, no faults", clean), ("deliver from the outbox, faults", faulted)):
        rate = statistics.median(r[1] for r in results)
        lost, dup = max(r[2] for r in results), max(r[3] for r in results)
        requests = int(statistics.median(r[4] for r in results))
        print(f"{label:46} {rate:10.0f} {rate / base:7.2f} {lost:5d} {dup:5d} {requests:9d}")
    print(f"faults per request: {mix}; timeout 0.25 s; backoff from 0.05 s with jitter; Retry-After: 1 honoured")
    if any(r[2] or r[3] for r in clean + faulted):
        sys.exit("tickets were lost or duplicated / 有工单丢失或重复")


if __name__ == "__main__":
    main()
