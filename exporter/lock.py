"""One exporter at a time per database: an advisory lock the OS drops when the process dies."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType


class ExportBusy(RuntimeError):
    """Another exporter holds the lock."""


class ExportLock:
    """`flock` on a file beside the database; even a SIGKILLed holder releases it at once."""

    def __init__(self, database: str, *, wait: float = 60.0) -> None:
        self.path = None if database == ":memory:" else Path(f"{database}.export-lock")
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> ExportLock:
        if self.path is None:
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise ExportBusy(
                        f"another exporter is delivering from this database ({self.path}) / 另一个导出进程正在运行"
                    ) from None
                time.sleep(0.05)
        self._fd = fd
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
