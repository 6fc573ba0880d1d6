"""``POST /oauth/token``: the login host's token route, served on the mock's own host.

Genesys serves it on ``login.{region}``; the Python SDK derives that host from its API host by
replacing ``//api.`` with ``//login.``, so an SDK pointed at the mock (whose host has no ``api.``)
logs in here. The client-credentials grant takes the OAuth client's id and secret as HTTP Basic
credentials (or, as RFC 6749 allows, ``client_id`` and ``client_secret`` form fields) and a form body
``grant_type=client_credentials``; it answers ``{access_token, token_type, expires_in}``, the token
living the client's token lifetime on the server clock. Refusals use OAuth's error bodies
(RFC 6749 5.2): 401 ``invalid_client``, 400 ``unsupported_grant_type`` / ``invalid_request``, each
with ``description`` and ``error_description`` as Genesys's login service writes them (inferred from
public reports; the official description does not cover the login host).
"""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, Response, jsonify, request

from mockserver.web.current import backend

bp = Blueprint("oauth", __name__)

GRANT = "client_credentials"


def _refused(status: int, error: str, description: str) -> Response:
    response = jsonify({"error": error, "description": description, "error_description": description})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="oauth"'
    return response


def _credentials() -> tuple[str, str] | None:
    """The client id and secret: the Basic credentials, else the form's ``client_id``/``client_secret``."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, colon, secret = (
                base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            return None
        return (client_id, secret) if colon else None
    if "client_id" in request.form:
        return request.form["client_id"], request.form.get("client_secret", "")
    return None


@bp.post("/oauth/token")
def token() -> Response:
    grant = request.form.get("grant_type")
    if grant is None:
        return _refused(400, "invalid_request", "grant_type is required (a form field)")
    if grant != GRANT:
        return _refused(400, "unsupported_grant_type", f"grant_type {grant!r} is not supported; use {GRANT}")
    credentials = _credentials()
    if credentials is None:
        return _refused(401, "invalid_client", "client credentials are required (HTTP Basic)")
    issued = backend().identity.client_credentials(*credentials)
    if issued is None:
        return _refused(401, "invalid_client", "client not found or bad secret")
    return jsonify({"access_token": issued.token, "token_type": "bearer", "expires_in": issued.expires_in})
