"""The server fixtures' config paths, the session server's one config, and remote mode with serve's profile."""

from __future__ import annotations

import importlib
import time
import typing

import pytest

from mockserver.control.client import FaultKindName
from mockserver.control.models import FaultKind
from mockserver.testing.server import MockServer
from tests.mockserver.testing.test_plugin import CONTROLLING_THE_SERVER
from tests.support.serve import serving

NOW = "2030-01-15T12:00:00Z"


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("mockserver", "MockServer"),
        ("mockserver", "RemoteMockServer"),
        ("mockserver", "AdminError"),
        ("mockserver.testing", "MockServer"),
        ("mockserver.testing", "RemoteMockServer"),
        ("mockserver.testing", "AdminError"),
        ("mockserver.testing", "AdminClient"),
    ],
)
def test_the_documented_names_import_from_where_the_docs_say(module: str, name: str) -> None:
    imported = importlib.import_module(module)
    assert name in imported.__all__
    assert getattr(imported, name).__name__ == name


def test_a_typo_in_a_fault_is_a_type_error_before_any_request() -> None:
    # RemoteMockServer at an address nobody serves: the TypeError comes before any call is made
    from mockserver.testing import RemoteMockServer

    with pytest.raises(TypeError, match="retry_afterr"):
        RemoteMockServer("http://127.0.0.1:9").fault("GET", "**", status=429, retry_afterr=1)  # type: ignore[call-arg]


def test_the_fault_kinds_the_client_names_are_the_servers() -> None:
    assert set(typing.get_args(FaultKindName)) == {kind.value for kind in FaultKind}


def test_each_fault_keyword_reaches_the_server_as_its_field() -> None:
    with MockServer({"CONVERSATIONS": 0}) as server:
        server.fault(
            "GET",
            "/api/v2/users/me",
            kind="latency",
            delay={"distribution": "uniform", "min_ms": 1, "max_ms": 2},
            times=2,
            probability=0.5,
            seed=7,
        )
        server.fault("POST", "**", kind="content-type", content_type="text/plain")
        server.fault("PUT", "**", status=429, retry_after=3)
        latency, content_type, status = server.faults()
    assert latency["delay"] == {"distribution": "uniform", "minMs": 1, "maxMs": 2}
    assert (latency["times"], latency["probability"], latency["seed"]) == (2, 0.5, 7)
    assert content_type["contentType"] == "text/plain"
    assert (status["status"], status["retryAfter"]) == (429, 3)


def test_stopping_a_server_does_not_wait_out_a_poll() -> None:
    # socketserver's default poll of 0.5 s made each stop (each marker test's teardown) cost 500 ms
    server = MockServer({"CONVERSATIONS": 0}).start()
    started = time.perf_counter()
    server.stop()
    assert time.perf_counter() - started < 0.25


THE_CLOCK_AT_NOW = """
    import pytest
    from datetime import datetime, timezone

    NOW = datetime(2030, 1, 15, 12, tzinfo=timezone.utc)

    def test_the_fixture(callback_mock_server):
        assert callback_mock_server.clock.now() == NOW
"""


@pytest.mark.parametrize(
    "how",
    [
        "conftest text",
        "conftest value",
        "marker keyword text",
        "marker dict text",
        "marker keyword value",
    ],
)
def test_now_is_text_or_a_value_on_every_config_path(pytester: pytest.Pytester, how: str) -> None:
    given = f'"{NOW}"' if how.endswith("text") else "NOW"
    source = THE_CLOCK_AT_NOW
    if how.startswith("conftest"):
        pytester.makeconftest(
            f"""
            import pytest
            from datetime import datetime, timezone
            NOW = datetime(2030, 1, 15, 12, tzinfo=timezone.utc)

            @pytest.fixture(scope="session")
            def callback_mock_server_config():
                return {{"NOW": {given}}}
            """
        )
    else:
        marker = f"NOW={given}" if "keyword" in how else f'{{"NOW": {given}}}'
        source = source.replace(
            "def test_the_fixture", f"@pytest.mark.callback_mock_config({marker})\n    def test_the_fixture"
        )
    pytester.makepyfile(source)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_now_is_text_or_a_value_for_mock_server_itself() -> None:
    from datetime import datetime, timezone

    for given in (NOW, datetime(2030, 1, 15, 12, tzinfo=timezone.utc)):
        with MockServer({"NOW": given, "CLOCK_FROZEN": "true", "CONVERSATIONS": "0"}) as server:
            assert server.clock.now() == datetime(2030, 1, 15, 12, tzinfo=timezone.utc)


EMPTY_CONFTEST = """
    import pytest

    @pytest.fixture(scope="session")
    def callback_mock_server_config():
        return {"CONVERSATIONS": 0}
"""
A_TEST = """
    def test_it(callback_mock_server):
        pass
"""


@pytest.mark.parametrize(
    ("order", "failing", "named"),
    [
        (("a_empty", "b_default"), "b_default/test_b.py::test_it", "a_empty/conftest.py"),
        (("b_default", "a_empty"), "a_empty/test_a.py::test_it", "a_empty/conftest.py"),
    ],
)
def test_a_sub_directorys_config_that_would_change_the_session_server_is_an_error(
    pytester: pytest.Pytester, order: tuple[str, str], failing: str, named: str
) -> None:
    pytester.mkpydir("a_empty")
    pytester.mkpydir("b_default")
    pytester.path.joinpath("a_empty", "conftest.py").write_text(EMPTY_CONFTEST.replace("\n    ", "\n"))
    pytester.path.joinpath("a_empty", "test_a.py").write_text(A_TEST.replace("\n    ", "\n"))
    pytester.path.joinpath("b_default", "test_b.py").write_text(A_TEST.replace("\n    ", "\n"))
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly", *order)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines([f"ERROR {failing} - Failed: callback_mock_server_config of *"])
    result.stdout.fnmatch_lines(
        [f"*{named}*one server serves the session*@pytest.mark.callback_mock_config(*"]
    )


def test_the_same_config_in_two_conftests_is_no_error(pytester: pytest.Pytester) -> None:
    for directory in ("one", "two"):
        pytester.mkpydir(directory)
        pytester.path.joinpath(directory, "conftest.py").write_text(EMPTY_CONFTEST.replace("\n    ", "\n"))
        pytester.path.joinpath(directory, "test_it.py").write_text(A_TEST.replace("\n    ", "\n"))
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


# The fixture's behaviour that remote mode must reproduce: one instant after every reset, the
# factories' clock the server's, and the marker tests (a server of their own) skipped, not failed.
AS_THE_FIXTURE_DOES = """
    import json, urllib.request
    import pytest

    def test_the_clock_stands_at_the_factories_now(callback_mock_server, callback_now):
        assert callback_mock_server.clock.state()["frozen"] is True
        assert callback_mock_server.clock.now() == callback_now

    def test_a_moved_clock(callback_mock_server, callback_now):
        callback_mock_server.clock.advance(hours=2)

    def test_is_back_after_the_reset(callback_mock_server, callback_now):
        assert callback_mock_server.clock.now() == callback_now

    def test_the_seeded_dataset_is_the_fixtures(callback_mock_server):
        settings = callback_mock_server.settings()
        assert (settings["SEED"], settings["CONVERSATIONS"]) == ("0", "50")

    @pytest.mark.callback_mock_config(CONVERSATIONS=0)
    def test_marked(callback_mock_server):
        pass
"""


def test_remote_mode_with_the_pytest_profile_behaves_as_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_fixture=AS_THE_FIXTURE_DOES, test_controlling=CONTROLLING_THE_SERVER)
    in_process = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    in_process.assert_outcomes(passed=8)
    with serving("--profile", "pytest") as served:
        remote = pytester.runpytest(
            "-p", "no:cacheprovider", "-p", "no:randomly", "-rs", f"--callback-mock-url={served.url}"
        )
    remote.assert_outcomes(passed=7, skipped=1)
    remote.stdout.fnmatch_lines(
        [
            f"callback-mock: remote server {served.url}: clock *Z, frozen, seed 0",
            "SKIPPED * @pytest.mark.callback_mock_config needs a server of the test's own; --callback-mock-url *",
        ]
    )


def test_the_header_says_when_a_remote_servers_clock_runs(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(A_TEST)
    with serving() as served:
        result = pytester.runpytest("-p", "no:cacheprovider", f"--callback-mock-url={served.url}")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            f"callback-mock: remote server {served.url}: clock real time, running, seed 0; "
            "resets return to one instant only on a frozen clock (serve --profile pytest)"
        ]
    )


def test_serve_profile_keeps_a_given_now(pytester: pytest.Pytester) -> None:
    with serving("--profile", "pytest", "--now", NOW) as served:
        from mockserver.testing import RemoteMockServer

        settings = RemoteMockServer(served.url).settings()
    assert (settings["NOW"], settings["CLOCK_FROZEN"]) == ("2030-01-15T12:00:00Z", "true")


@pytest.mark.parametrize(
    ("name", "text"),
    [("ADMIN_TOKEN", "  admin-secret  "), ("ADMIN_PREFIX", "/control/"), ("ADMIN_PREFIX", "/control")],
)
def test_the_remote_servers_control_settings_are_read_as_serve_reads_them(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, name: str, text: str
) -> None:
    variable = f"CALLBACK_MOCK_{name}"
    pytester.makepyfile(CONTROLLING_THE_SERVER)
    with serving(env={variable: text}) as served:
        monkeypatch.setenv(variable, text)
        result = pytester.runpytest("-p", "no:cacheprovider", f"--callback-mock-url={served.url}")
    result.assert_outcomes(passed=3)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("ADMIN_PREFIX", "control", "a path such as /__admin (starting with /, not / alone)"),
        ("ADMIN_PREFIX", "/api/v2/x", "a path outside the API's /api/v2/, with no ?, # or space"),
        ("ADMIN_TOKEN", "   ", "a non-empty token"),
    ],
)
def test_a_bad_control_setting_for_a_remote_server_is_one_line(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, name: str, text: str, expected: str
) -> None:
    pytester.makepyfile(A_TEST)
    monkeypatch.setenv(f"CALLBACK_MOCK_{name}", text)
    result = pytester.runpytest("-p", "no:cacheprovider", "--callback-mock-url=http://127.0.0.1:9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: CALLBACK_MOCK_{name}: expected {expected}, got {text!r}"])
