"""``/api/v2/outbound/campaigns``: a campaign's interactions, in their basic form."""

from __future__ import annotations

from flask import Blueprint, Response

from contracts import CampaignInteractions
from mockserver.web.current import backend
from mockserver.web.openapi import operation
from mockserver.web.wire import json_response

bp = Blueprint("campaigns", __name__, url_prefix="/api/v2/outbound/campaigns")


@bp.get("/<campaign_id>/interactions")
@operation(
    summary="Get dialer campaign interactions",
    operation_id="getOutboundCampaignInteractions",
    tag="Outbound",
    responses={200: CampaignInteractions},
)
def campaign_interactions(campaign_id: str) -> Response:
    return json_response(backend().campaign_interactions(campaign_id))
