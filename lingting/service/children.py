"""Child processes of the scheduler and the per-job locks they hold.

A job's lock is an `flock` on a file beside the database. The scheduler takes it and hands the
same open file to the child, so the lock stays held while either of them lives and the kernel
drops it when both are gone: a SIGKILLed scheduler whose crawl still runs keeps its source
locked until that crawl ends, and nothing a dead process leaves can block a source.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
from pathlib import Path
from typing import IO


class JobLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock without waiting; False if another process (or its child) holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def release(self) -> None:
        """Close our copy; the lock ends once the child's copy is closed too (at its exit)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def start_ticks(pid: int) -> int | None:
    """When process `pid` started (clock ticks since boot, from /proc), or None if it is gone or
    this is not Linux. A pid is reused; a pid with the same start time is the same process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses; the fields after it do not.
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[19])


def spawn(argv: tuple[str, ...], *, lock: JobLock, log_path: Path) -> tuple[subprocess.Popen[bytes], IO[bytes]]:
    """Start a child in its own session (so a terminal's Ctrl-C reaches the scheduler only, and one
    signal to the group reaches the child's own children), holding `lock`, writing to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("ab")
    assert lock.fd is not None
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(lock.fd,),
            start_new_session=True,
        )
    except BaseException:
        log.close()
        raise
    return process, log


def signal_group(pid: int, sig: signal.Signals) -> None:
    """Send `sig` to the child's process group (it leads one); nothing if it has ended."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def log_tail(path: Path, limit: int = 600) -> str:
    """The end of a child's log, for the job's last error."""
    try:
        with path.open("rb") as f:
            f.seek(max(path.stat().st_size - limit, 0))
            return f.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""
