"""The domain's notification port: what happened, announced to whoever listens.

The workflow calls these functions inside its transaction; each channel (LINE today,
SMS and others later) implements `Channel` and registers itself in its AppConfig.ready().
A channel writes its outbox rows in that same transaction, so a message exists exactly
when the change that caused it was committed. The domain never builds a message or
names a button: it says *what* happened and the channel decides how to say it.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass

# What happened to an assignment that its agency must hear about.
REROUTED_AWAY = "rerouted_away"  # the centre sent the case to another agency
REOPENED = "reopened"  # the centre reopened resolved work
ASSIGNMENT_CANCELLED = "assignment_cancelled"  # the centre called this agency's work off
CASE_ENDED = "case_ended"  # the whole case was cancelled or closed as a duplicate
SENT_BACK = "sent_back"  # the centre refused the result: rework, with the reason


@dataclass(frozen=True)
class OverdueNotice:
    """One reminder level that came due (the sweep decided who hears it)."""

    assignment_id: int | None  # None for the centre's dispatch stage (the case has none yet)
    reference: str
    agency_id: int  # whose count the message goes to (the centre's for escalations)
    stage: str
    level: int
    escalation: bool
    text: str
    recipients: tuple[str, ...]
    centre: bool = False  # a stage the centre owes (dispatch, review): nothing for an agency to tap


class Channel:
    """A way to reach people. Override what the channel cares about; the rest is silence."""

    def reachable(self, agency) -> bool:
        return False

    def dispatched(self, assignment) -> None:
        pass

    def assignment_changed(self, assignment, change: str, reason: str = "") -> None:
        pass

    def overdue(self, notices: list[OverdueNotice]) -> None:
        pass

    # --- the complainant's side of the case (issue 11): what the person who complained hears ---
    def case_received(self, complaint) -> None:
        pass

    def case_dispatched(self, complaint, assignments: list) -> None:
        pass

    def case_ended(self, complaint) -> None:
        """The case reached an outcome (complaint.outcome): fixed, planned, outside, … cancelled."""


_channels: list[Channel] = []
_state = threading.local()


def register(channel: Channel) -> None:
    if not any(type(c) is type(channel) for c in _channels):
        _channels.append(channel)


def channels() -> tuple[Channel, ...]:
    return tuple(_channels)


@contextlib.contextmanager
def replaying():
    """Events inside are history being loaded (demo data, imports): channels record
    them as already delivered instead of sending anything."""
    previous = getattr(_state, "replaying", False)
    _state.replaying = True
    try:
        yield
    finally:
        _state.replaying = previous


def is_replaying() -> bool:
    return getattr(_state, "replaying", False)


# --- what the domain announces ---


def agency_is_reachable(agency) -> bool:
    return any(c.reachable(agency) for c in _channels)


def assignment_dispatched(assignment) -> None:
    for c in _channels:
        c.dispatched(assignment)


def assignment_changed(assignment, change: str, reason: str = "") -> None:
    for c in _channels:
        c.assignment_changed(assignment, change, reason)


def overdue(notices: list[OverdueNotice]) -> None:
    if notices:
        for c in _channels:
            c.overdue(notices)


def case_received(complaint) -> None:
    for c in _channels:
        c.case_received(complaint)


def case_dispatched(complaint, assignments: list) -> None:
    if assignments:
        for c in _channels:
            c.case_dispatched(complaint, assignments)


def case_ended(complaint) -> None:
    for c in _channels:
        c.case_ended(complaint)
