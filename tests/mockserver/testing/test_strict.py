"""Unused means failed: a test whose stubs or faults were never used fails, under the option, ini or marker."""

from __future__ import annotations

import pytest

from mockserver.testing.server import MockServer

TESTS = """
    import pytest, urllib.request, urllib.error

    def get(url, path):
        request = urllib.request.Request(url + path, headers={"Authorization": "Bearer any"})
        try:
            with urllib.request.urlopen(request) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def test_used(callback_mock_server):
        callback_mock_server.stub("GET", "/api/v2/used", status=299, match={"query": {"a": {"equalTo": "1"}}})
        callback_mock_server.fault("GET", "/api/v2/broken", status=503)
        assert get(callback_mock_server.url, "/api/v2/used?a=1") == 299
        assert get(callback_mock_server.url, "/api/v2/broken") == 503

    def test_unused(callback_mock_server):
        callback_mock_server.stub("GET", "/api/v2/widgets/{id}", status=299, match={"query": {"a": {"equalTo": "1"}}})
        callback_mock_server.fault("POST", "/api/v2/never", status=503)
        get(callback_mock_server.url, "/api/v2/widgets/7?a=2")
        get(callback_mock_server.url, "/api/v2/gadgets")

    @pytest.mark.callback_mock_strict(False)
    def test_let_off(callback_mock_server):
        callback_mock_server.stub("GET", "/api/v2/unused")

    def test_failing_on_its_own(callback_mock_server):
        callback_mock_server.stub("GET", "/api/v2/unused")
        assert False, "its own failure"

    def test_skipping_on_its_own(callback_mock_server):
        callback_mock_server.stub("GET", "/api/v2/unused")
        pytest.skip("not today")
"""

LISTING = [
    "*2 stub(s) or fault(s) set by the test were never used:",
    "*stub stub-*: GET /api/v2/widgets/{id} with match {'query': {'a': {'equalTo': '1'}}}",
    "*nearest: GET /api/v2/widgets/7 -> 404",
    "*nearest: GET /api/v2/gadgets -> *",
    "*fault fault-*: POST /api/v2/never",
    "*no POST request arrived",
]


@pytest.mark.parametrize(
    ("ini", "options"),
    [("", ["--callback-mock-strict"]), ("[pytest]\ncallback_mock_strict = true\n", [])],
    ids=["option", "ini"],
)
def test_an_unused_stub_or_fault_fails_the_test_listing_it_with_the_nearest_requests(
    pytester: pytest.Pytester, ini: str, options: list[str]
) -> None:
    if ini:
        pytester.makeini(ini)
    pytester.makepyfile(TESTS)

    result = pytester.runpytest("-p", "no:cacheprovider", *options)

    # test_unused errs at teardown; those that failed or skipped on their own are not told about their stubs.
    result.assert_outcomes(passed=3, failed=1, skipped=1, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_unused*", *LISTING])
    assert "teardown of test_failing_on_its_own" not in result.stdout.str()
    assert "teardown of test_skipping_on_its_own" not in result.stdout.str()


def test_the_marker_makes_one_test_strict_and_without_it_nothing_is_checked(
    pytester: pytest.Pytester,
) -> None:
    strict = "    @pytest.mark.callback_mock_strict\n    def test_unused"
    pytester.makepyfile(TESTS.replace("    def test_unused", strict))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1, skipped=1, errors=1)
    result.stdout.fnmatch_lines(LISTING)

    pytester.makepyfile(TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1, skipped=1)


def test_strict_mode_works_on_a_remote_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(TESTS)
    with MockServer() as running:
        result = pytester.runpytest(
            "-p", "no:cacheprovider", "--callback-mock-strict", f"--callback-mock-url={running.url}"
        )
    result.assert_outcomes(passed=3, failed=1, skipped=1, errors=1)
    result.stdout.fnmatch_lines(LISTING)


def test_the_nearest_requests_are_those_that_break_the_fewest_of_the_stubs_matchers(
    pytester: pytest.Pytester,
) -> None:
    # The request whose path is most like the pattern breaks both matchers; the other breaks one.
    pytester.makepyfile(
        TESTS.split("    def test_used")[0]
        + """
    def test_unused(callback_mock_server):
        match = {"query": {"a": {"equalTo": "1"}}, "headers": {"X-Tenant": {"equalTo": "acme"}}}
        callback_mock_server.stub("GET", "/api/v2/**", status=299, match=match)
        get(callback_mock_server.url, "/api/v2/q")
        get(callback_mock_server.url, "/api/v2/a-much-longer-path?a=1")
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--callback-mock-strict")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*nearest: GET /api/v2/a-much-longer-path -> 404", "*nearest: GET /api/v2/q -> 404"]
    )
