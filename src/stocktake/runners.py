"""Who runs a background job: this process as host and pid, and whether such a runner is still alive.

Imports (collection) and printed documents (routines) both record the runner that claimed a job, so that a
job whose process died on this host is failed at once instead of waiting for its heartbeat to go stale.
"""

from __future__ import annotations

import os
import socket


def runner_id() -> str:
    """This process as a job runner: host and pid, so a dead runner on this host can be recognised."""
    return f"{socket.gethostname()}:{os.getpid()}"


def runner_alive(runner: str) -> bool | None:
    """True or False for a runner on this host; None when it runs elsewhere and only its heartbeat can tell."""
    host, _sep, pid = runner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
