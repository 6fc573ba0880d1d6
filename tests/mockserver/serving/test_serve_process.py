"""``serve``'s starts and stops as a process: when its URL is printed, how it refuses to start,
how it stops, and that nothing of it outlives it.

Real processes on real sockets; the session's leak check (``tests/support/leaks.py``) is proven
here too, on a pytest run of its own.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest

from tests.support.control import AdminRoutes, control_path
from tests.support.leaks import alive, descendants
from tests.support.live import call
from tests.support.ports import address, free_port
from tests.support.serve import COMMAND, ROOT, serving

SHELL_COMMAND = " ".join(f"'{part}'" for part in COMMAND)


def refuses(url: str) -> bool:
    try:
        socket.create_connection(address(url), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def test_a_worker_does_not_outlive_its_serve_killed_by_sigkill() -> None:
    with serving("--conversations", "3", stderr=subprocess.PIPE) as served:
        process, url, stream = served.process, served.url, served.stream
        assert call(url, "GET", "/openapi.json", token=None).status == 200
        workers = descendants(process.pid)
        assert workers  # Granian's worker
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 2
        while not (refuses(url) and refuses(stream)):
            assert time.monotonic() < deadline, "a port still accepts 2 s after serve was killed"
            time.sleep(0.02)
        assert alive(workers, within=2) == []


def _connects_as_soon_as_announced(_: int) -> str | None:
    """One start: connect to both URLs the moment each line arrives; what went wrong, if anything."""
    with serving("--conversations", "3", answering=False) as served:
        url, stream = served.url, served.stream
        try:
            status = call(url, "GET", "/openapi.json", token=None).status
            socket.create_connection(address(stream), timeout=5).close()
        except OSError as error:
            return f"{url}: {error!r}"
        return None if status == 200 else f"{url}: {status}"


@pytest.mark.parametrize("starts", [4, pytest.param(100, marks=pytest.mark.slow)])
def test_serve_answers_the_moment_it_prints_its_urls(starts: int) -> None:
    """Starts, 4 at a time: a client that connects as soon as the line appears is never refused
    (the quick suite starts 4; the slow stage 100, a race's proof)."""
    with ThreadPoolExecutor(4) as pool:
        failures = [failure for failure in pool.map(_connects_as_soon_as_announced, range(starts)) if failure]
    assert failures == []


def refused_within(seconds: float, *options: str, env: dict[str, str] | None = None) -> str:
    """``serve`` that must refuse to start: exit 2, no URL, one line on stderr, within ``seconds``."""
    started_at = time.monotonic()
    done = subprocess.run(
        [*COMMAND, "serve", *options],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert time.monotonic() - started_at < seconds
    assert (done.returncode, done.stdout) == (2, "")
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture
def taken() -> Iterator[int]:
    """A port someone else listens on."""
    with closing(socket.create_server(("127.0.0.1", 0))) as other:
        yield other.getsockname()[1]


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("api", "(the API) is in use; pass --port PORT, or 0 for a free one"),
        ("stream", "(the notification stream) is in use; pass --streaming-port PORT, or 0 for a free one"),
        ("both", "(the API) is in use; pass --port PORT, or 0 for a free one"),
    ],
)
def test_a_port_in_use_is_one_line_and_exit_2(taken: int, which: str, message: str) -> None:
    port = str(taken) if which in ("api", "both") else "0"
    streaming = str(taken) if which in ("stream", "both") else "0"
    line = refused_within(5, "--port", port, "--streaming-port", streaming)
    assert line == f"error: 127.0.0.1:{taken} {message}"


def test_an_unreachable_store_is_one_line_and_exit_2(taken: int) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    line = refused_within(5, "--port", "0", "--store", url)
    assert line.startswith(f"error: cannot reach the store at {url}: ")
    assert line.endswith("; check --store (or CALLBACK_MOCK_STORE)")


@pytest.mark.parametrize(
    ("options", "env", "message"),
    [
        (["--seed", "x"], {}, "error: Invalid value for '--seed': expected an integer of at least 0"),
        (["--port", "http"], {}, "error: Invalid value for '--port': 'http' is not a valid integer"),
        (["--lifecycle", "sometimes"], {}, "error: Invalid value for '--lifecycle'"),
        (["--workers", "2"], {}, "error: --workers above 1 needs a shared --store"),
        ([], {"CALLBACK_MOCK_TOKENS": "[1]"}, "error: CALLBACK_MOCK_TOKENS: expected"),
        (["--host", "no-such-host.invalid"], {}, "error: no-such-host.invalid (the API) is not an address"),
    ],
)
def test_a_bad_setting_is_one_line_and_exit_2(options: list[str], env: dict[str, str], message: str) -> None:
    assert refused_within(5, "--port", "0", *options, env=env).startswith(message)


def ports_in_a_row() -> tuple[int, socket.socket]:
    """A free port N, and N + 1 held by a listening socket."""
    for _ in range(50):
        held = socket.create_server(("127.0.0.1", 0))
        port = held.getsockname()[1] - 1
        try:
            socket.create_server(("127.0.0.1", port)).close()
        except OSError:
            held.close()
            continue
        return port, held
    raise AssertionError("no free port below a free one in 50 tries")


def test_an_explicit_port_does_not_put_the_stream_on_the_next_one() -> None:
    """With ``--port N`` alone the stream's port is a free one, wherever N + 1 stands: here in use."""
    port, held = ports_in_a_row()
    with held:
        process = subprocess.Popen(
            [*COMMAND, "serve", "--port", str(port), "--conversations", "3"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with process:
            assert process.stdout is not None
            assert process.stdout.readline().split()[-1] == f"http://127.0.0.1:{port}"
            stream = process.stdout.readline().split()[-1]
            assert address(stream)[1] != port + 1
            assert not refuses(stream)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0


@pytest.mark.parametrize("launch", ["direct", "background"])
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_clean_stop_is_quiet(tmp_path: Path, launch: str, stop: signal.Signals) -> None:
    """SIGTERM or SIGINT, to serve or to its whole process group (Ctrl-C), however it was launched
    (from a backgrounded ``bash -c``, SIGINT starts out ignored): exit 0, not one line on stderr."""
    for target in ("process", "group"):
        out, err = tmp_path / f"{target}.out", tmp_path / f"{target}.err"
        run = f"{SHELL_COMMAND} serve --port 0 --conversations 3 >{out} 2>{err}"
        script = (
            f"exec {run}"
            if launch == "direct"
            else f"{run} & echo $! >{tmp_path}/pid; wait $!; echo $? >{tmp_path}/rc"
        )
        shell = subprocess.Popen(["bash", "-c", script], cwd=ROOT, start_new_session=True)
        with shell:
            deadline = time.monotonic() + 30
            while "notification stream" not in (out.read_text() if out.exists() else ""):
                assert time.monotonic() < deadline, "serve printed no URL within 30 s"
                assert shell.poll() is None, err.read_text()
                time.sleep(0.02)
            pid = shell.pid if launch == "direct" else int((tmp_path / "pid").read_text())
            workers = descendants(pid)
            if target == "process":
                os.kill(pid, stop)
            else:
                os.killpg(shell.pid, stop)
            code = shell.wait(timeout=30)
        if launch == "background":
            code = int((tmp_path / "rc").read_text()) if target == "process" else 0
            assert alive([pid], within=10) == []
        assert alive(workers, within=10) == []
        assert (target, code, err.read_text()) == (target, 0, "")


@pytest.mark.parametrize("kind", ["drop", "reset", "truncate"])
def test_an_injected_transport_fault_logs_one_info_line(kind: str) -> None:
    with serving("--conversations", "3", stderr=subprocess.PIPE) as served:
        process, url = served.process, served.url
        fault = call(url, "POST", control_path(AdminRoutes.ADD_FAULT), {"kind": kind, "times": 1}, token=None)
        assert fault.status == 201, fault.body
        with pytest.raises((OSError, http.client.HTTPException)):  # a reset, IncompleteRead
            call(url, "GET", "/api/v2/conversations", token="t")
        assert call(url, "GET", "/api/v2/conversations", token="t").status == 200  # the fault is spent
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert "ERROR" not in stderr
    assert "Traceback" not in stderr
    assert stderr.splitlines() == [f"[INFO] a {kind} fault cut the answer to GET /api/v2/conversations"]


def _with_leak_check(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.RunResult:
    """A pytest run in its own process with the session-finish check (``tests.support.leaks``), found
    from this checkout's root (the run's own directory is pytester's, where no ``tests`` package is)."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))))
    return pytester.runpytest_subprocess("-p", "tests.support.leaks", "-p", "no:cacheprovider")


def test_the_session_fails_when_a_test_leaves_a_process_running(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pidfile = pytester.path / "sleep.pid"
    pytester.makepyfile(
        test_leak=f"""
        import subprocess

        def test_starts_a_process_and_leaves_it_running():
            sleeper = subprocess.Popen(["sleep", "60"])
            open({str(pidfile)!r}, "w").write(str(sleeper.pid))

        def test_stops_what_it_starts():
            subprocess.run(["sleep", "0"], check=True)
        """
    )
    try:
        result = _with_leak_check(pytester, monkeypatch)
    finally:
        if pidfile.exists():
            sleeper = int(pidfile.read_text())
            os.kill(sleeper, signal.SIGKILL)
            assert alive([sleeper], within=5) == []
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stderr.fnmatch_lines(
        ["*1 process(es) started by the session still alive at its end:", "*: sleep 60"]
    )


def test_the_session_passes_when_its_tests_stop_what_they_start(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_clean="""
        import subprocess

        def test_stops_what_it_starts():
            sleeper = subprocess.Popen(["sleep", "60"])
            sleeper.kill()
            sleeper.wait()
        """
    )
    result = _with_leak_check(pytester, monkeypatch)
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.OK
