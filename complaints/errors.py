"""Errors the workflow raises when it refuses something, in Thai and English."""

from __future__ import annotations

from django.utils.translation import get_language


class WorkflowError(Exception):
    """A refused state change. `str()` is Thai unless the active language is English."""

    code = "refused"

    def __init__(self, th: str, en: str):
        super().__init__(th)
        self.th = th
        self.en = en

    @property
    def message(self) -> str:
        return self.en if (get_language() or "th").startswith("en") else self.th

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "th": self.th, "en": self.en}


class TransitionRefused(WorkflowError):
    code = "invalid_transition"


class WrongAgency(WorkflowError):
    code = "wrong_agency"


class AlreadyAcknowledged(WorkflowError):
    """A second acknowledge: carries who acknowledged first and when."""

    code = "already_acknowledged"

    def __init__(self, th: str, en: str, *, by_name: str, at):
        super().__init__(th, en)
        self.by_name = by_name
        self.at = at


class PhotoRequired(WorkflowError):
    code = "photo_required"


class InvalidImage(WorkflowError):
    code = "invalid_image"
