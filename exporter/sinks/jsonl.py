"""The default, offline sink: one CloudEvent per line in a JSON Lines file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class JsonlFileSink:
    def __init__(self, path: Path, *, name: str = "jsonl") -> None:
        self.path = path
        self.name = name
        self._seen: set[str] | None = None

    def _ids(self) -> set[str]:
        # An event written just before a crash, but not yet marked delivered in the outbox, is
        # found here on the retry and not written twice.
        if self._seen is None:
            self._seen = set()
            if self.path.exists():
                with self.path.open(encoding="utf-8") as fh:
                    for line in fh:
                        try:
                            self._seen.add(json.loads(line)["id"])
                        except (ValueError, KeyError, TypeError):
                            continue  # a torn last line from a crash; the retry rewrites it
        return self._seen

    def deliver(self, event: dict[str, Any], *, previous_ref: str | None = None) -> str:
        ref = f"{self.path.name}#{event['id']}"
        if event["id"] in self._ids():
            return ref
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n"
        with self.path.open("a+", encoding="utf-8") as fh:
            if fh.tell() > 0:
                fh.seek(fh.tell() - 1)
                if fh.read(1) != "\n":
                    line = "\n" + line  # end a line torn by a crash so the new event stands alone
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        self._ids().add(event["id"])
        return ref
