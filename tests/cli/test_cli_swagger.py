"""``swagger refresh``: the filtered copy of the official description, from a URL or a file.

No machine here reaches Genesys: a tiny Swagger 2.0 description is served by a local HTTP server
on a real socket (or read from a file) in its place.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from mockserver.cli.swagger import KEPT_TOO, SOURCE_KEY, swagger_url

Invoke = Callable[..., Result]
SWAGGER_PATH = "/api/v2/docs/swagger"

_ERRORS = {"x-inin-error-codes": {"bad.request": "The request could not be understood."}}
# Two served operations (one under another parameter name), one the mock does not serve, and
# definitions: reached directly, reached through another, and unreached.
TINY: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "PureCloud Platform API", "version": "v2", "description": "Long prose."},
    "host": "api.mypurecloud.com",
    "paths": {
        "/api/v2/conversations/callbacks": {
            "post": {
                "summary": "Create a Callback",
                "description": "",
                "parameters": [
                    {
                        "in": "body",
                        "name": "body",
                        "description": "Callback",
                        "schema": {"$ref": "#/definitions/Cmd"},
                    }
                ],
                "responses": {"200": {"description": "ok"}, "400": {"description": "bad", **_ERRORS}},
                "x-inin-requires-permissions": {
                    "type": "ALL",
                    "permissions": ["conversation:callback:create"],
                },
            }
        },
        "/api/v2/conversations/callbacks/{id}": {"get": {"responses": {"200": {"description": "ok"}}}},
        "/api/v2/flows": {
            "get": {
                "responses": {"200": {"schema": {"$ref": "#/definitions/Unreached"}, "description": "ok"}}
            }
        },
    },
    "definitions": {
        "Cmd": {
            "type": "object",
            "required": ["callbackNumbers"],
            "description": "A command.",
            "properties": {
                "description": {"type": "string", "description": "A property named description stays."},
                "routing": {"$ref": "#/definitions/Routing", "description": "prose"},
                "callbackNumbers": {"type": "array", "items": {"type": "string"}, "example": ["+1"]},
            },
        },
        "Routing": {"type": "object", "properties": {"queue": {"$ref": "#/definitions/Ref"}}},
        "Ref": {"type": "object", "properties": {"id": {"type": "string"}}},
        "Unreached": {"type": "object", "properties": {}},
    },
}


class _Handler(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        found = self.path == SWAGGER_PATH
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body if found else b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet


@pytest.fixture
def served_swagger() -> Iterator[str]:
    """The tiny description at http://127.0.0.1:PORT/api/v2/docs/swagger, as Genesys serves the real one."""
    handler = type("Handler", (_Handler,), {"body": json.dumps(TINY).encode()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_refresh_from_a_served_description_keeps_the_served_operations_without_prose(
    invoke: Invoke, served_swagger: str, tmp_path: Path
) -> None:
    output = tmp_path / "copy.json"
    url = served_swagger + SWAGGER_PATH
    result = invoke("swagger", "refresh", "--source", url, "--output", str(output))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {output}: 2 operations, 3 definitions, from {url}.\n"
    copy = json.loads(output.read_text())
    today = datetime.now(timezone.utc).date().isoformat()
    assert copy["info"] == {
        "title": "PureCloud Platform API",
        "version": "v2",
        SOURCE_KEY: {"url": url, "retrieved": today},
    }
    assert copy["paths"] == {
        "/api/v2/conversations/callbacks": {
            "post": {
                "parameters": [{"in": "body", "name": "body", "schema": {"$ref": "#/definitions/Cmd"}}],
                "responses": {"200": {}, "400": _ERRORS},
                "x-inin-requires-permissions": {
                    "type": "ALL",
                    "permissions": ["conversation:callback:create"],
                },
            }
        },
        "/api/v2/conversations/callbacks/{id}": {"get": {"responses": {"200": {}}}},
    }
    assert copy["definitions"] == {
        "Cmd": {
            "type": "object",
            "required": ["callbackNumbers"],
            "properties": {
                "description": {"type": "string"},
                "routing": {"$ref": "#/definitions/Routing"},
                "callbackNumbers": {"type": "array", "items": {"type": "string"}},
            },
        },
        "Ref": {"type": "object", "properties": {"id": {"type": "string"}}},
        "Routing": {"type": "object", "properties": {"queue": {"$ref": "#/definitions/Ref"}}},
    }
    # What the mock serves or keeps and the description lacks is named, not invented.
    missing = result.stderr.splitlines()
    assert "not in the description: PATCH /api/v2/conversations/callbacks" in missing
    assert f"not in the description: {' '.join(KEPT_TOO[0])}" in missing


def test_refresh_from_a_file_keeps_a_recorded_origin(invoke: Invoke, tmp_path: Path) -> None:
    recorded = {
        "url": "https://api.mypurecloud.com/api/v2/docs/swagger",
        "via": "a mirror",
        "retrieved": "2026-08-07",
    }
    source = tmp_path / "full.json"
    source.write_text(json.dumps({**TINY, "info": {"title": "t", SOURCE_KEY: recorded}}))
    output = tmp_path / "copy.json"
    result = invoke("swagger", "refresh", "--source", str(source), "--output", str(output))
    assert result.exit_code == 0, result.output
    assert json.loads(output.read_text())["info"] == {"title": "t", SOURCE_KEY: recorded}


def test_refresh_names_a_source_it_cannot_read(invoke: Invoke, served_swagger: str, tmp_path: Path) -> None:
    url = served_swagger + "/elsewhere"  # the local server answers 404 off its path
    result = invoke("swagger", "refresh", "--source", url, "--output", str(tmp_path / "copy.json"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {url}: cannot read a Swagger 2.0 description: HTTP Error 404")
    assert not (tmp_path / "copy.json").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "cannot read a Swagger 2.0 description: unexpected character"),
        (
            '{"openapi": "3.1.0", "paths": {}}',
            "not a Swagger 2.0 description: $.swagger is None, expected '2.0'",
        ),
    ],
)
def test_refresh_names_a_file_that_is_not_a_description(
    invoke: Invoke, tmp_path: Path, text: str, message: str
) -> None:
    source = tmp_path / "junk.json"
    source.write_text(text)
    result = invoke("swagger", "refresh", "--source", str(source), "--output", str(tmp_path / "copy.json"))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {source}: {message}")


@pytest.mark.parametrize(
    ("region", "url"),
    [
        ("mypurecloud.com", "https://api.mypurecloud.com/api/v2/docs/swagger"),
        ("mypurecloud.de", "https://api.mypurecloud.de/api/v2/docs/swagger"),
        ("usw2.pure.cloud", "https://api.usw2.pure.cloud/api/v2/docs/swagger"),
    ],
)
def test_the_region_names_genesys_published_description(region: str, url: str) -> None:
    assert swagger_url(region) == url
