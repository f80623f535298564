"""The CloudEvents 1.0 envelope (structured JSON mode) around an intake record."""

from __future__ import annotations

from typing import Any

from exporter.intake import SCHEMA_ID

EVENT_TYPE = "dev.lingting.feedback.intake.v1"


def event_id(intake_id: str, revision: int) -> str:
    return f"{intake_id}.r{revision}"


def envelope(record: dict[str, Any], *, revision: int, source: str, time: str) -> dict[str, Any]:
    """`id` is the intake id plus revision, so a receiver can tell a new revision from a redelivery."""
    return {
        "specversion": "1.0",
        "id": event_id(record["intake_id"], revision),
        "source": source,
        "type": EVENT_TYPE,
        "subject": record["intake_id"],
        "time": time,
        "datacontenttype": "application/json",
        "dataschema": SCHEMA_ID,
        "revision": revision,
        "data": record,
    }
