"""The control API beside the real routes, under ``/__admin``: reset the dataset."""

from __future__ import annotations

from flask import Blueprint, Response

from mockserver import state

bp = Blueprint("admin", __name__, url_prefix="/__admin")


@bp.post("/reset")
def reset() -> Response:
    """Back to the seeded dataset, as a test's fixture does before each test."""
    state.get().reset()
    return Response(status=204)
