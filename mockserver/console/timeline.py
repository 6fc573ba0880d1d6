"""A conversation's timeline as a chart: participants as rows, their segments as bars.

Read from the analytics derivation (``state.analytics.details``), which already gives every
participant's sessions and segments, after-call work included as ``wrapup`` segments: an agent's
``alert`` segment is an offer, its ``wrapup`` the after-call work. The chart spans the first
segment's start to the later of the last end and the clock's now, drawn as a line; a segment
still open ends at now. Geometry only: the template draws it as inline SVG.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from contracts import AnalyticsConversationWithoutAttributes, SegmentType
from mockserver.state.clock import from_ms, iso, to_ms

WIDTH = 960  # the chart's width in SVG units
LABELS = 220  # the participants' column
ROW = 34  # a participant's row
BAR = 18  # a bar's height
TOP = 24  # room for the time axis
_PLOT = WIDTH - LABELS - 10


@frozen
class Bar:
    x: float
    width: float
    kind: str  # the segment type (a CSS class): alert (an offer), wrapup (ACW), interact, ...
    label: str  # what the bar's title says: its kind, times and length
    open: bool  # still running at now


@frozen
class Lane:
    label: str
    purpose: str
    y: float
    bars: tuple[Bar, ...]


@frozen
class Chart:
    lanes: tuple[Lane, ...]
    now_x: float
    now: str
    start: str
    end: str
    height: float
    width: int = WIDTH
    labels: int = LABELS


_KINDS = {SegmentType.ALERT: "offer", SegmentType.WRAPUP: "ACW"}


def chart(details: AnalyticsConversationWithoutAttributes, now: datetime) -> Chart:
    """The chart of ``details`` with the clock at ``now``."""
    now_ms = to_ms(now)
    spans = [
        (participant, segment)
        for participant in details.participants or ()
        for session in participant.sessions or ()
        for segment in session.segments or ()
        if segment.segment_start is not None
    ]
    starts = [to_ms(segment.segment_start) for _, segment in spans if segment.segment_start]
    ends = [to_ms(segment.segment_end) for _, segment in spans if segment.segment_end]
    first = min(starts, default=now_ms)
    last = max([*ends, now_ms, first + 1000])
    scale = _PLOT / (last - first)

    def x(ms: int) -> float:
        return round(LABELS + (ms - first) * scale, 1)

    lanes = []
    for index, participant in enumerate(details.participants or ()):
        bars = []
        for session in participant.sessions or ():
            for segment in session.segments or ():
                if segment.segment_start is None:
                    continue
                begun = to_ms(segment.segment_start)
                over = to_ms(segment.segment_end) if segment.segment_end else max(now_ms, begun)
                kind = segment.segment_type or SegmentType.UNKNOWN
                name = _KINDS.get(kind, kind.value)
                until = iso(segment.segment_end) if segment.segment_end else "now (open)"
                bars.append(
                    Bar(
                        x=x(begun),
                        width=max(2.0, round((over - begun) * scale, 1)),
                        kind=kind.value,
                        label=f"{name}: {iso(segment.segment_start)} to {until} ({(over - begun) / 1000:g} s)",
                        open=segment.segment_end is None,
                    )
                )
        purpose = participant.purpose.value if participant.purpose else "participant"
        label = (
            f"{purpose}: {participant.participant_name or participant.user_id or participant.participant_id}"
        )
        lanes.append(Lane(label=label, purpose=purpose, y=TOP + index * ROW, bars=tuple(bars)))
    return Chart(
        lanes=tuple(lanes),
        now_x=x(now_ms),
        now=iso(now),
        start=iso(from_ms(first)),
        end=iso(from_ms(last)),
        height=TOP + max(1, len(lanes)) * ROW + 8,
    )
