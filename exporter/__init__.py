"""Intake records, the export policy, the outbox worker, the sinks and the chat alerts.

plan / export          policy -> new intake revisions -> outbox (one transaction each)
deliver / run_worker   outbox -> sinks (JSONL, webhook, Zendesk, Jira, GitHub) and chat robots
"""

from exporter.alerts import build_bots, dispatch
from exporter.cloudevent import envelope, event_id
from exporter.delivery import DeliveryCounts, deliver
from exporter.export import ExportSummary, PlannedExport, deliver_all, export, plan, retry_policy, run_worker
from exporter.intake import IntakeError, build_record, schema, validate
from exporter.lock import ExportBusy, ExportLock
from exporter.policy import ReviewState, review_states, route
from exporter.retry import RetryPolicy
from exporter.secrets import ExportConfigError
from exporter.sinks import DeliveryError, build_sinks, describe

__all__ = [
    "DeliveryCounts",
    "DeliveryError",
    "ExportBusy",
    "ExportConfigError",
    "ExportLock",
    "ExportSummary",
    "IntakeError",
    "PlannedExport",
    "RetryPolicy",
    "ReviewState",
    "build_bots",
    "build_record",
    "build_sinks",
    "deliver",
    "deliver_all",
    "describe",
    "dispatch",
    "envelope",
    "event_id",
    "export",
    "plan",
    "retry_policy",
    "review_states",
    "route",
    "run_worker",
    "schema",
    "validate",
]
