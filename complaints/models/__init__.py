"""The complaints app's models, in three modules: the case (`case`), the agencies' work
(`work`) and what a case leaves behind (`history`)."""

from .case import PUBLIC_PATH, Category, ClosureDay, Complaint, ExtraComplainant, ReferenceCounter
from .history import (
    Photo,
    PhotoFingerprint,
    Reminder,
    TimelineEntry,
    _photo_path,  # noqa: F401 - the migrations name these upload paths
    _public_path,  # noqa: F401
    _thumb_path,  # noqa: F401
)
from .work import Assignment, AssignmentQuerySet, ReviewQueue

__all__ = [
    "PUBLIC_PATH",
    "Assignment",
    "AssignmentQuerySet",
    "Category",
    "ClosureDay",
    "Complaint",
    "ExtraComplainant",
    "Photo",
    "PhotoFingerprint",
    "ReferenceCounter",
    "Reminder",
    "ReviewQueue",
    "TimelineEntry",
]
