"""A pytest plugin: the session fails if a process it started is still alive at its end.

Read from ``/proc`` (Linux): the session's descendants are the processes whose parent chain leads
to it. On Linux the session is also a child subreaper (``PR_SET_CHILD_SUBREAPER``): a process
whose parent dies (a ``serve`` worker whose supervising process a test SIGKILLed) is adopted by
the session rather than by init, so it is still found, and reaped here once it ends.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import time
from pathlib import Path

import pytest

_PR_SET_CHILD_SUBREAPER = 36  # prctl(2)
GRACE_SECONDS = 3.0  # a process stopped just before the end may still be on its way out


def _stat(pid: int) -> tuple[str, int] | None:
    """The state letter and parent id of ``pid``, None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ")"
    state, parent = text.rpartition(")")[2].split()[:2]
    return state, int(parent)


def descendants(root: int) -> list[int]:
    """The live (not zombie) processes below ``root``, children first."""
    children: dict[int, list[int]] = {}
    states: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            states[int(entry.name)] = stat[0]
            children.setdefault(stat[1], []).append(int(entry.name))
    found: list[int] = []
    below = list(children.get(root, []))
    while below:
        pid = below.pop(0)
        found.append(pid)
        below.extend(children.get(pid, []))
    return [pid for pid in found if states[pid] != "Z"]


def command_line(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    return "?"


def reap() -> None:
    """Wait for every child that has ended (adopted orphans included), without blocking."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def leaked(grace: float = GRACE_SECONDS) -> list[int]:
    """The session's descendants still alive after ``grace`` seconds."""
    deadline = time.monotonic() + grace
    while True:
        reap()
        alive = descendants(os.getpid())
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


def pytest_configure(config: pytest.Config) -> None:
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not Path("/proc/self/stat").exists():
        return  # no /proc: nothing to read the processes from
    alive = leaked()
    if not alive:
        return
    lines = [f"  {pid}: {command_line(pid)}" for pid in alive]
    sys.stderr.write(
        f"\n{len(alive)} process(es) started by the session still alive at its end:\n"
        + "\n".join(lines)
        + "\n"
    )
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


def alive(pids: list[int], *, within: float) -> list[int]:
    """Those of ``pids`` still alive (not ended, not zombies) after ``within`` seconds (reaped if ours)."""
    deadline = time.monotonic() + within
    while True:
        reap()
        left = [pid for pid in pids if (stat := _stat(pid)) is not None and stat[0] != "Z"]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.02)
