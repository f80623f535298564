"""`/metrics`: a Prometheus collector that reads the database at scrape time.

Crawls run in child processes and other commands write the same database, so counters kept in
this process's memory would be wrong; every figure here is a query over what was recorded.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from config.settings import Settings
from store import Outbox, Store
from store import schedule as state
from store.metrics import delivery_latencies, source_totals
from store.outbox import STATUSES

LATENCY_BUCKETS = (1.0, 5.0, 30.0, 60.0, 300.0, 900.0, 3600.0, 4 * 3600.0, 24 * 3600.0)
"""Seconds from an export decision to its delivery: at once, after retries, after a digest window."""


class DatabaseCollector(Collector):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def collect(self) -> Iterator[Metric]:
        store = Store(self.settings.database_path)
        try:
            yield from self._sources(store)
            yield from self._outbox(store)
            yield from self._jobs(store)
        finally:
            store.close()

    def _sources(self, store: Store) -> Iterator[Metric]:
        runs = CounterMetricFamily(
            "lingting_crawl_runs", "Crawl runs per source, by health", labels=["source", "health"]
        )
        parsed = CounterMetricFamily("lingting_posts_parsed", "Posts parsed by crawls, per source", labels=["source"])
        new = CounterMetricFamily(
            "lingting_posts_new", "Posts stored for the first time, per source", labels=["source"]
        )
        flagged = CounterMetricFamily(
            "lingting_posts_flagged", "Posts flagged as complaints, per source", labels=["source"]
        )
        errors = CounterMetricFamily("lingting_crawl_errors", "Crawl errors per source", labels=["source"])
        blocks = CounterMetricFamily(
            "lingting_crawl_blocks", "Crawl runs that found the source blocked", labels=["source"]
        )
        success = GaugeMetricFamily(
            "lingting_last_success_timestamp_seconds", "When the source's latest healthy crawl ended", labels=["source"]
        )
        for totals in source_totals(store):
            name = totals.source_name
            for health, n in sorted(totals.runs_by_health.items()):
                runs.add_metric([name, health], n)
            parsed.add_metric([name], totals.posts_parsed)
            new.add_metric([name], totals.new_posts)
            flagged.add_metric([name], totals.flagged)
            errors.add_metric([name], totals.errors)
            blocks.add_metric([name], totals.blocked_runs)
            if totals.last_success_at is not None:
                success.add_metric([name], totals.last_success_at)
        yield from (runs, parsed, new, flagged, errors, blocks, success)

    def _outbox(self, store: Store) -> Iterator[Metric]:
        backlog = GaugeMetricFamily(
            "lingting_outbox_rows", "Outbox rows per sink and status", labels=["sink", "status"]
        )
        for sink, counts in sorted(Outbox(store).status_by_sink().items()):
            for status in STATUSES:
                backlog.add_metric([sink, status], counts.get(status, 0))
        yield backlog
        latency = HistogramMetricFamily(
            "lingting_delivery_latency_seconds", "From export decision to delivery, per sink", labels=["sink"]
        )
        for histogram in delivery_latencies(store, LATENCY_BUCKETS):
            buckets = [("+Inf" if bound == float("inf") else repr(bound), n) for bound, n in histogram.buckets]
            latency.add_metric([histogram.sink], buckets, histogram.total_seconds)
        yield latency

    def _jobs(self, store: Store) -> Iterator[Metric]:
        runs = CounterMetricFamily("lingting_job_runs", "Scheduled runs per job", labels=["job"])
        failures = CounterMetricFamily(
            "lingting_job_failures", "Scheduled runs that failed or timed out, per job", labels=["job"]
        )
        next_run = GaugeMetricFamily("lingting_job_next_run_timestamp_seconds", "The job's next slot", labels=["job"])
        running = GaugeMetricFamily("lingting_job_running", "1 while a child runs the job", labels=["job"])
        for name, job in state.job_states(store).items():
            runs.add_metric([name], job.runs)
            failures.add_metric([name], job.failures)
            if job.next_run_at is not None:
                next_run.add_metric([name], job.next_run_at)
            running.add_metric([name], 1 if job.running_pid is not None else 0)
        yield from (runs, failures, next_run, running)


def registry_for(settings: Settings) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(settings))
    return registry
