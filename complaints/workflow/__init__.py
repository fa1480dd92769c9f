"""Every state change of a complaint and its assignments goes through this package.

Each service checks the transition (`rules.TRANSITIONS`), writes the timeline entry, sets
deadlines from the SLA clock and announces what happened through the domain's port
(`complaints.notify`), whose channels write their outbox rows — all in one transaction.
Rows are locked complaint first, then assignment, so concurrent changes of one case
serialise instead of deadlocking or racing. The admin, LINE, the API and the tasks call
exactly one service per intention:

- intake:   receive, edit_details, check_details, similar_open_cases, add_complainant, suggested_agencies
- dispatch: dispatch, reroute (the centre's move, or `declined=True` for the agency's "not ours")
- agency:   acknowledge, report_progress, mark_made_safe, resolve, reject
- evidence: receive_with_photos, add_note, add_photo, add_note_with_photo, resolve_with_photos, record_location, attach_file
- review:   accept (= verify; a flagged result needs a justification), send_back, plan_permanent_fix, end_case
- centre:   close, reopen, cancel_assignment, cancel, mark_duplicate
- public:   renew_public_link (the complainant's page address; issue 11)
- core:     allowed / allowed_actions (which buttons to show), log, refresh_status
"""

from ..actor import Actor, as_actor
from .agency import acknowledge, mark_made_safe, reject, report_progress, resolve
from .centre import cancel, cancel_assignment, close, mark_duplicate, reopen
from .core import allowed, allowed_actions, log, next_reference, normalise_phone, refresh_status
from .dispatch import dispatch, reroute
from .evidence import (
    add_note,
    add_note_with_photo,
    add_photo,
    attach_file,
    field_report,
    receive_with_photos,
    record_location,
    resolve_with_photos,
)
from .intake import (
    DETAIL_FIELDS,
    EDITABLE_FIELDS,
    add_complainant,
    check_details,
    edit_details,
    receive,
    similar_open_cases,
    split_phone,
    suggested_agencies,
)
from .public import renew_public_link
from .review import accept, end_case, plan_permanent_fix, result_flags, result_photos, send_back, verify

__all__ = [
    "DETAIL_FIELDS",
    "EDITABLE_FIELDS",
    "Actor",
    "accept",
    "add_complainant",
    "check_details",
    "similar_open_cases",
    "split_phone",
    "end_case",
    "plan_permanent_fix",
    "result_flags",
    "result_photos",
    "send_back",
    "acknowledge",
    "add_note",
    "add_note_with_photo",
    "add_photo",
    "allowed",
    "allowed_actions",
    "as_actor",
    "attach_file",
    "cancel",
    "cancel_assignment",
    "close",
    "dispatch",
    "edit_details",
    "field_report",
    "log",
    "mark_duplicate",
    "mark_made_safe",
    "next_reference",
    "normalise_phone",
    "receive",
    "receive_with_photos",
    "record_location",
    "refresh_status",
    "reject",
    "renew_public_link",
    "reopen",
    "report_progress",
    "reroute",
    "resolve",
    "resolve_with_photos",
    "suggested_agencies",
    "verify",
]
