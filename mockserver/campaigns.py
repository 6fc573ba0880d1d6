"""``/api/v2/outbound/campaigns``: a campaign's interactions, in their basic form."""

from __future__ import annotations

from flask import Blueprint, Response

from mockserver import state
from mockserver.wire import json_response

bp = Blueprint("campaigns", __name__, url_prefix="/api/v2/outbound/campaigns")


@bp.get("/<campaign_id>/interactions")
def campaign_interactions(campaign_id: str) -> Response:
    return json_response(state.get().campaign_interactions(campaign_id))
