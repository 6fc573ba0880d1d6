"""The control API's identities: list the org's users and OAuth clients, add them, set a role, issue a token.

Views only: the users, clients, roles and tokens are the backend's (``backend().identity``).
"""

from __future__ import annotations

import uuid

from flask import Blueprint, Response

from mockserver.control.models import (
    ClientSpec,
    Identity,
    IdentityList,
    RoleSpec,
    TokenGrant,
    TokenRequest,
    UserSpec,
)
from mockserver.control.route_table import ControlRoutes
from mockserver.control.views.shared import control_view, decode_checked
from mockserver.state import identity
from mockserver.state.errors import ApiError
from mockserver.web.current import backend
from mockserver.web.wire import json_response

bp = Blueprint("control_identities", __name__)


def _listed(entity_id: str, kind: str, account: identity.Account) -> Identity:
    held = backend().identity
    found = held.principal_of(kind, entity_id)
    permissions = tuple(sorted(found.permissions)) if found is not None else account.permissions
    return Identity(id=entity_id, kind=kind, name=account.name, roles=account.roles, permissions=permissions)


def _unknown(error: identity.IdentityError, path: str) -> ApiError:
    """404: what the body names (a role, a user, a client) is not the org's."""
    return ApiError(404, "not.found", f"{path}: no {error.kind} {error.id!r}.", entity_id=error.id)


@control_view(
    bp,
    ControlRoutes.IDENTITIES,
    summary="The org's users (its agents, the supervisor, those added) and OAuth clients",
    operation_id="adminIdentities",
    responses={200: IdentityList},
)
def identities() -> Response:
    held = backend().identity
    listed = [_listed(i, identity.USER, a) for i, a in held.users()]
    listed += [_listed(i, identity.CLIENT, a) for i, a in held.clients()]
    return json_response(IdentityList(entities=tuple(listed)))


@control_view(
    bp,
    ControlRoutes.ADD_USER,
    summary="Add a user to the org (its token: agent:<id>, or one issued at /tokens)",
    operation_id="adminAddUser",
    request=UserSpec,
    responses={201: Identity},
    errors=(400, 404),
)
def add_user() -> Response:
    spec: UserSpec = decode_checked(UserSpec)
    return _added(identity.USER, identity.Account(spec.name, spec.roles, spec.permissions))


@control_view(
    bp,
    ControlRoutes.ADD_CLIENT,
    summary="Add an OAuth client (it logs in at POST /oauth/token with its id and secret)",
    operation_id="adminAddClient",
    request=ClientSpec,
    responses={201: Identity},
    errors=(400, 404),
)
def add_client() -> Response:
    spec: ClientSpec = decode_checked(ClientSpec)
    account = identity.Account(spec.name, spec.roles, spec.permissions, spec.secret, spec.token_seconds)
    return _added(identity.CLIENT, account)


def _added(kind: str, account: identity.Account) -> Response:
    """A new user or OAuth client stored under a fresh id: 201 with its listing."""
    entity_id = str(uuid.uuid4())
    identities = backend().identity
    put = identities.put_user if kind == identity.USER else identities.put_client
    try:
        put(entity_id, account)
    except identity.IdentityError as error:
        raise _unknown(error, "$.roles") from None
    return json_response(_listed(entity_id, kind, account), 201)


@control_view(
    bp,
    ControlRoutes.PUT_ROLE,
    summary="Make or replace a role (every user and client holding it holds its permissions at once)",
    operation_id="adminPutRole",
    request=RoleSpec,
    responses={200: RoleSpec},
)
def put_role(role: str) -> Response:
    spec: RoleSpec = decode_checked(RoleSpec)
    backend().identity.put_role(role, spec.permissions)
    return json_response(spec)


@control_view(
    bp,
    ControlRoutes.ISSUE_TOKEN,
    summary="Issue a bearer token for a user or an OAuth client, as a login would",
    operation_id="adminIssueToken",
    request=TokenRequest,
    responses={200: TokenGrant},
    errors=(400, 404),
)
def issue_token() -> Response:
    wanted: TokenRequest = decode_checked(TokenRequest)  # one of userId and clientId at most
    kind, entity_id, path = (
        (identity.USER, wanted.user_id, "$.userId")
        if wanted.user_id is not None
        else (identity.CLIENT, wanted.client_id or identity.DEFAULT_CLIENT_ID, "$.clientId")
    )
    try:
        issued = backend().identity.issue(kind, entity_id, wanted.expires_in)
    except identity.IdentityError as error:
        raise _unknown(error, path) from None
    return json_response(
        TokenGrant(access_token=issued.token, token_type="bearer", expires_in=issued.expires_in)
    )
