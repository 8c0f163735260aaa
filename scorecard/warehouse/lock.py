"""One writer at a time: an advisory lock file beside the warehouse.

The lock is an `flock` on `<warehouse>.lock`, so the operating system drops it when the holding
process ends for any reason (crash, kill, power cut): a dead run never blocks the next one.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WarehouseBusy(RuntimeError):
    """Another run holds the warehouse and this one was told not to wait (or waited too long)."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


@contextmanager
def warehouse_lock(warehouse: Path, run_id: str, wait: bool = True, timeout: float = 3600, poll: float = 1.0) -> Iterator[None]:
    """Hold the warehouse's write lock for the block. wait=False: fail at once if it is held."""
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:  # closing the descriptor (leaving the block, however) releases the lock
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait or time.monotonic() > deadline:
                    raise WarehouseBusy(
                        f"another run holds {warehouse} ({holder(path)}); "
                        + ("not waiting (on_busy=exit)" if not wait else f"gave up after {timeout:.0f} s")
                    ) from None
                time.sleep(poll)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"run_id": run_id, "pid": os.getpid(), "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}))
        handle.flush()
        yield


def holder(path: Path) -> str:
    try:
        facts = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return "holder unknown"
    return f"run {facts.get('run_id')}, process {facts.get('pid')}, since {facts.get('since')}" if facts else "holder unknown"
