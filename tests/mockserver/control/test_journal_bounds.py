"""The journal is bounded in bytes as well as in count, and read a page at a time."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from mockserver import config
from mockserver.control.journal import Journal, KeptRequest
from mockserver.control.models import RequestPattern
from mockserver.testing.server import MockServer
from tests.support import CONFIG
from tests.support.control import AdminRoutes, control_path
from tests.support.live import call

CALLBACKS = "/api/v2/conversations/callbacks"


def _arrival(number: int, body: bytes, headers: dict[str, str] | None = None) -> KeptRequest:
    return KeptRequest(
        id=number,
        time=0.0,
        method="POST",
        path="/p",
        query_string="",
        headers=headers or {},
        body=body,
        status=400,
        correlation_id=None,
        fault=None,
        duration_ms=0.0,
        stub=None,
        response_headers=(),
    )


@pytest.mark.parametrize(
    ("limit", "max_bytes", "bodies", "kept"),
    [
        (10, 1_000, [100] * 5, [1, 2, 3, 4, 5]),  # 5 x (100 + 2 for the path): under both bounds
        (10, 310, [100] * 5, [3, 4, 5]),  # the bytes bound lets the oldest go
        (2, 10_000, [100] * 5, [4, 5]),  # the count bound still holds
        (10, 300, [50, 50, 50, 250], [4]),  # a large one pushes out several
        (10, 100, [50, 500], [2]),  # the newest is kept even when it alone is over
    ],
)
def test_the_journal_keeps_the_newest_within_its_count_and_bytes(
    limit: int, max_bytes: int, bodies: list[int], kept: list[int]
) -> None:
    journal = Journal(limit, max_bytes)
    for number, size in enumerate(bodies, 1):
        journal.record(_arrival(number, b"x" * size))

    assert [r.id for r in journal.find()] == kept
    assert journal.bytes == sum(bodies[n - 1] + len("/p") for n in kept)


def test_headers_count_towards_the_bytes() -> None:
    journal = Journal(10, 200)
    journal.record(_arrival(1, b"", {"HTTP_X_BIG": "v" * 150}))
    journal.record(_arrival(2, b"", {"HTTP_X_BIG": "v" * 150}))

    assert [r.id for r in journal.find()] == [2]


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("67108864", 64 * 1024 * 1024)])
def test_journal_bytes_is_a_setting(text: str, value: int) -> None:
    assert config.parse("JOURNAL_BYTES", text) == value


@pytest.mark.parametrize("text", ["0", "-1", "\u00b2", "64MiB"])
def test_a_bad_journal_bytes_is_refused(text: str) -> None:
    with pytest.raises(config.SettingError):
        config.parse("JOURNAL_BYTES", text)


def test_rejected_large_bodies_stay_within_the_journal_bytes_on_a_real_socket() -> None:
    """Item 5: 1,500 rejected 1 MB bodies took the worker to 1.6 GB; now the bytes are bounded."""
    bound = 1_000_000
    with MockServer({**CONFIG, "CONVERSATIONS": 1, "JOURNAL_BYTES": bound}) as server:
        for _ in range(12):
            answer = call(server.url, "POST", CALLBACKS, b'{"x": "' + b"y" * 200_000 + b'"}')
            assert answer.status == 400
        journal = server.backend.journal
        assert journal is not None
        assert journal.bytes <= bound
        assert 4 <= len(journal) <= 5
        assert len(server.requests()) == len(journal)


@pytest.mark.parametrize(
    ("query", "ids", "matched", "page_count"),
    [
        ("", list(range(1, 26)), 30, 2),  # 25 a page unless asked
        ("?pageSize=10&pageNumber=3", list(range(21, 31)), 30, 3),
        ("?pageSize=7&pageNumber=5", [29, 30], 30, 5),
        ("?pageSize=7&pageNumber=6", [], 30, 5),  # past the last page: empty, still 200
        ("?pageSize=100", list(range(1, 31)), 30, 1),
        ("?status=404&pageSize=5&pageNumber=2", [12, 14, 16, 18, 20], 15, 3),
    ],
)
def test_the_requests_are_read_a_page_at_a_time(
    client: FlaskClient, query: str, ids: list[int], matched: int, page_count: int
) -> None:
    for n in range(30):
        client.get(f"/api/v2/conversations/missing-{n}" if n % 2 else "/api/v2/conversations?pageSize=1")

    answer = client.get(control_path(AdminRoutes.REQUESTS) + query).json
    assert answer is not None

    assert [r["id"] for r in answer["requests"]] == ids
    assert (answer["matched"], answer["pageCount"], answer["total"]) == (matched, page_count, 30)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?pageSize=0", "$.pageSize"),
        ("?pageSize=101", "$.pageSize"),
        ("?pageSize=\u00b2", "$.pageSize"),
        ("?pageNumber=0", "$.pageNumber"),
        ("?pageNumber=x", "$.pageNumber"),
    ],
)
def test_bad_paging_is_a_400_naming_the_parameter(client: FlaskClient, query: str, field: str) -> None:
    answer = client.get(control_path(AdminRoutes.REQUESTS) + query)
    assert answer.status_code == 400
    assert answer.json is not None
    assert (answer.json["code"], answer.json["details"][0]["fieldName"]) == ("invalid.value", field)


def test_the_admin_client_walks_every_page_on_a_real_socket() -> None:
    with MockServer({**CONFIG, "CONVERSATIONS": 1}) as server:
        for n in range(230):
            call(server.url, "GET", f"/api/v2/conversations/n{n}")
        everything = server.requests()
        missing = server.requests(method="GET", status=404)

    assert [r["path"] for r in everything] == [f"/api/v2/conversations/n{n}" for n in range(230)]
    assert len(missing) == 230


def test_a_page_decodes_only_its_own_requests() -> None:
    journal = Journal(100, 10**9)
    for number in range(1, 51):
        journal.record(_arrival(number, b"b"))
    matched, page = journal.page(RequestPattern(), 10, 12)
    assert (matched, [r.id for r in page]) == (50, [11, 12])
