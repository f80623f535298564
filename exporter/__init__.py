"""Intake records, the outbox policy, and the sinks that turn flagged clusters into tickets."""

from exporter.cloudevent import envelope, event_id
from exporter.export import ExportSummary, deliver, export, plan, route
from exporter.intake import IntakeError, build_record, schema, validate

__all__ = [
    "ExportSummary",
    "IntakeError",
    "build_record",
    "deliver",
    "envelope",
    "event_id",
    "export",
    "plan",
    "route",
    "schema",
    "validate",
]
