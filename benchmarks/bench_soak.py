"""A soak of `serve`: mixed reads and writes for minutes, with stalled and slow clients (by hand).

    python benchmarks/bench_soak.py [--minutes 10] [--interval 10] [--stalled 3] [--slow 3]

One `serve` (its defaults: journal on, lifecycle auto, 10 s body timeout) is loaded by wrk in
``--interval``-second slices, each request in turn a GET-by-id, a listing page, a create and a
reschedule. Beside it, ``--stalled`` clients announce a 5,000-byte body, send one byte and stop
(the server answers 408 after its body timeout; they then connect again), and ``--slow`` clients
trickle a valid create a byte every 0.1 s (done in ~6 s, within the timeout). After each slice the control API resets the data (creates would
rightly grow the store). Reported per slice: throughput, errors (non-2xx and
socket errors: the target is 0), the server's RSS (the target: flat once the journal is full);
at the end, how long SIGTERM took with the stalled clients still connected. Needs `wrk`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench_scaling import CALLBACKS, CREATE  # the script's folder is on sys.path
from bench_server import SERVE, TOKEN, call, free_port, list_every, memory_mb, wait_until_up

AUTH = f"Authorization: Bearer {TOKEN}\r\n"


def _in_days(days: int) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def mixed_script(folder: Path, conversation_id: str) -> Path:
    patch = json.dumps({"conversationId": conversation_id, "callbackScheduledTime": _in_days(20)})
    create = json.dumps(CREATE)
    path = folder / "mixed.lua"
    path.write_text(
        f"""
local n = 0
-- wrk.format's headers replace wrk's own (-H): the token goes in again
local json = {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer {TOKEN}"}}
request = function()
  n = n + 1
  local k = n % 4
  if k == 0 then return wrk.format("GET", "/api/v2/conversations/{conversation_id}") end
  if k == 1 then return wrk.format("GET", "/api/v2/conversations?pageSize=25") end
  if k == 2 then return wrk.format("POST", "{CALLBACKS}", json, {json.dumps(create)}) end
  return wrk.format("PATCH", "{CALLBACKS}", json, {json.dumps(patch)})
end
"""
    )
    return path


def wrk_slice(url: str, seconds: int, script: Path) -> tuple[float, int]:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "-H", AUTH.strip(), "-s", str(script), url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = 0
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if failed:
        errors += int(failed.group(1))
    broken = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if broken:
        errors += sum(int(g) for g in broken.groups())
    return rate, errors


class Clients:
    """Stalled and slow uploaders, each in a daemon thread, until ``stop`` is set."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.stop = threading.Event()
        self.answers: dict[str, list[bytes]] = {"stalled": [], "slow": []}

    def _connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=30)

    def stalled(self) -> None:
        while not self.stop.is_set():
            with self._connect() as sock:
                head = f"POST {CALLBACKS} HTTP/1.1\r\nHost: localhost\r\n{AUTH}Content-Type: application/json\r\n"
                sock.sendall((head + "Content-Length: 5000\r\n\r\n{").encode())
                try:
                    self.answers["stalled"].append(sock.recv(64).split(b"\r\n")[0])
                except OSError:
                    self.answers["stalled"].append(b"(closed)")

    def slow(self) -> None:
        body = json.dumps(CREATE).encode()
        while not self.stop.is_set():
            with self._connect() as sock:
                head = f"POST {CALLBACKS} HTTP/1.1\r\nHost: localhost\r\n{AUTH}Content-Type: application/json\r\n"
                sock.sendall(f"{head}Content-Length: {len(body)}\r\n\r\n".encode())
                for index in range(len(body)):
                    if self.stop.is_set():
                        return
                    sock.sendall(body[index : index + 1])
                    time.sleep(0.1)
                try:
                    self.answers["slow"].append(sock.recv(64).split(b"\r\n")[0])
                except OSError:
                    self.answers["slow"].append(b"(closed)")

    def start(self, stalled: int, slow: int) -> None:
        for target, count in ((self.stalled, stalled), (self.slow, slow)):
            for _ in range(count):
                threading.Thread(target=self._guarded(target), daemon=True).start()

    def _guarded(self, target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            with contextlib.suppress(OSError):  # the server went away at SIGTERM
                target()

        return run


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--interval", type=int, default=10, help="seconds of each wrk slice")
    parser.add_argument("--stalled", type=int, default=3)
    parser.add_argument("--slow", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [*SERVE, "--port", str(port)],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    clients = Clients(port)
    try:
        wait_until_up(base + "/api/v2/conversations?pageSize=1")
        target = {**CREATE, "callbackScheduledTime": _in_days(20)}
        call(base, "POST", "/__admin/reset")
        list_every(base)  # its listing pages hold every conversation, as before listings were per caller
        created = call(base, "POST", CALLBACKS, target)
        assert isinstance(created, dict)
        with tempfile.TemporaryDirectory() as tmp:
            script = mixed_script(Path(tmp), created["conversation"]["id"])
            clients.start(args.stalled, args.slow)
            print(f"{'t (s)':>6}{'req/s':>9}{'errors':>8}{'RSS MB':>9}{'PSS MB':>9}", flush=True)
            start = time.perf_counter()
            total_errors = 0
            while time.perf_counter() - start < args.minutes * 60:
                rate, errors = wrk_slice(base, args.interval, script)
                # Back to the seeded data (the same ids again): the creates would grow the store,
                # and RSS after a reset shows whether anything else grows.
                call(base, "POST", "/__admin/reset")
                list_every(base)  # a reset restores the seeded roles
                call(base, "POST", CALLBACKS, target)
                total_errors += errors
                rss, pss = memory_mb(proc.pid)
                elapsed = time.perf_counter() - start
                print(f"{elapsed:>6.0f}{rate:>9.0f}{errors:>8}{rss:>9.1f}{pss:>9.1f}", flush=True)
        answers = {kind: sorted(set(lines)) for kind, lines in clients.answers.items()}
        print(
            f"errors in all: {total_errors}; stalled clients got {answers['stalled']}, slow {answers['slow']}"
        )
    finally:
        began = time.perf_counter()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
            print(f"SIGTERM to exit, stalled and slow clients connected: {time.perf_counter() - began:.2f} s")
        except subprocess.TimeoutExpired:
            proc.kill()
            print("SIGTERM: no exit within 30 s (killed)")
        clients.stop.set()


if __name__ == "__main__":
    main()
