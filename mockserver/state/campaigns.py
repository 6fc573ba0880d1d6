"""A dialer campaign's interactions, read off the stored conversations whose callbacks preview its contacts.

Nothing here imports Flask: the backend answers ``GET /api/v2/outbound/campaigns/{id}/interactions``
with it.
"""

from __future__ import annotations

from collections.abc import Iterable

import contracts
from contracts import (
    Callback,
    CallbackState,
    CampaignInteraction,
    CampaignInteractions,
    Conversation,
    ConversationBasic,
    DomainEntityRef,
)
from mockserver.state import edits
from mockserver.store.base import Entry

# Which list of CampaignInteractions a callback's state puts its conversation in; ended ones in none.
_STAGES = {
    CallbackState.SCHEDULED: "scheduled_interactions",
    CallbackState.NONE: "pending_interactions",
    CallbackState.DIALING: "proceeding_interactions",
    CallbackState.CONTACTING: "proceeding_interactions",
    CallbackState.OFFERING: "previewing_interactions",
    CallbackState.ALERTING: "previewing_interactions",
    CallbackState.CONNECTED: "interacting_interactions",
}


def interactions(entries: Iterable[Entry], campaign_id: str) -> CampaignInteractions | None:
    """The campaign's live interactions by stage; None if no stored callback previews its contacts."""
    campaign = DomainEntityRef(id=campaign_id, self_uri=f"/api/v2/outbound/campaigns/{campaign_id}")
    stages: dict[str, list[CampaignInteraction]] = {stage: [] for stage in _STAGES.values()}
    known = False
    for entry in entries:
        if campaign_id not in entry.campaign_ids:
            continue
        conversation = entry.conversation
        callback = edits.previewed(conversation, campaign_id)
        if callback is None:
            continue
        known = True
        stage = _STAGES.get(callback.state) if callback.state else None
        if stage is not None:
            stages[stage].append(_interaction(conversation, entry.body, callback, campaign))
    if not known:
        return None
    return CampaignInteractions(campaign=campaign, **{stage: tuple(items) for stage, items in stages.items()})


def _interaction(
    conversation: Conversation, body: bytes, callback: Callback, campaign: DomainEntityRef
) -> CampaignInteraction:
    return CampaignInteraction(
        id=callback.id,
        campaign=campaign,
        destination_address=(callback.callback_numbers or (None,))[0],
        creation_time=conversation.start_time,
        caller_name=callback.callback_user_name,
        caller_address=callback.caller_id,
        # The same wire shape less what the basic form lacks (recordingState; the calls, as CallBasic
        # is not modelled): read tolerantly, which leaves those keys behind.
        conversation=contracts.loads(body, ConversationBasic, strict=False),
        dialing_mode="preview",
    )
