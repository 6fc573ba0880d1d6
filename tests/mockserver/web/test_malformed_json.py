"""A request body that is not JSON: the API's 400 ``bad.request``, naming where the parser stopped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mockserver.control.route_table import ControlRoutes
from mockserver.testing.server import MockServer
from tests.support import TOKEN
from tests.support.control import control_path
from tests.support.live import call

CALLBACKS = "/api/v2/conversations/callbacks"


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer({"TOKENS": TOKEN, "CONVERSATIONS": 0}) as running:
        yield running


@pytest.mark.parametrize(
    ("body", "line", "column", "problem"),
    [
        (b'{"callbackNumbers": ["+13175550100"],}', 1, 37, "trailing comma is not allowed"),
        (
            b'{\n  "queueId": "q"\n  "callbackNumbers": []\n}',
            3,
            3,
            "unexpected character, expected ',' or '}'",
        ),
        (b'{"callbackNumbers": [', 1, 22, "unexpected end of data"),
        (b'{"queueId": "q"} x', 1, 18, "unexpected content after document"),
        (b'{"skipEnabled": tru}', 1, 17, "invalid literal, expected 'true'"),
        (b"", 1, 1, "Input is a zero-length, empty document"),
    ],
    ids=["trailing-comma", "missing-comma-line-3", "cut-short", "trailing-garbage", "bad-literal", "empty"],
)
@pytest.mark.parametrize("where", ["api", "control"])
def test_a_malformed_body_is_answered_with_its_line_and_column(
    server: MockServer, where: str, body: bytes, line: int, column: int, problem: str
) -> None:
    path = CALLBACKS if where == "api" else control_path(ControlRoutes.SEED)
    answer = call(server.url, "POST", path, body)
    assert answer.status == 400
    error = answer.json()
    assert error["code"] == "bad.request"
    assert error["messageParams"] == {"line": str(line), "column": str(column), "problem": problem}
    assert error["message"] == (
        "The request could not be understood by the server due to malformed syntax. "
        f"At line {line}, column {column}: {problem}"
    )
    assert error["contextId"] == answer.headers["inin-correlation-id"]
