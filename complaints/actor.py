"""Who acted: a value each entry point builds and the timeline records.

An officer in the admin or through the API is a user; an agency's registered
coordinator is a coordinator; a member of an agency's bound LINE group who never
registered is a LINE member with the display name LINE gives and the group's agency;
sweeps and tasks act as the system. The timeline stores who acted in its own fields,
so no one's name ever has to be written into a note (notes are published, names are not).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Coordinator


class Channel:
    ADMIN = "admin"
    API = "api"
    LINE = "line"
    SYSTEM = "system"
    PUBLIC = "public"


@dataclass(frozen=True)
class Actor:
    channel: str
    user: AbstractBaseUser | None = None
    coordinator: Coordinator | None = None
    line_user_id: str = ""
    display_name: str = ""
    agency: Agency | None = None  # the agency a coordinator or LINE member acts for

    # --- the ways to be one ---
    @classmethod
    def officer(cls, user: AbstractBaseUser, channel: str = Channel.ADMIN) -> Actor:
        return cls(channel=channel, user=user)

    @classmethod
    def of_coordinator(cls, coordinator: Coordinator, channel: str = Channel.LINE) -> Actor:
        return cls(
            channel=channel,
            coordinator=coordinator,
            line_user_id=coordinator.line_user_id or "",
            agency=coordinator.agency,
        )

    @classmethod
    def line_member(cls, *, line_user_id: str, display_name: str, agency: Agency) -> Actor:
        """A member of the agency's bound LINE group who is not a registered coordinator."""
        return cls(channel=Channel.LINE, line_user_id=line_user_id, display_name=display_name, agency=agency)

    @classmethod
    def complainant(cls) -> Actor:
        """The person who complained, answering on the public case page (no login, no name kept)."""
        return cls(channel=Channel.PUBLIC, display_name=str(_("ผู้ร้อง")))

    @classmethod
    def system(cls) -> Actor:
        return cls(channel=Channel.SYSTEM)

    # --- reading it ---
    @property
    def name(self) -> str:
        if self.coordinator is not None:
            return self.coordinator.name
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        return self.display_name

    @property
    def is_agency(self) -> bool:
        return self.agency is not None

    @property
    def is_complainant(self) -> bool:
        return self.channel == Channel.PUBLIC and self.user is None and self.coordinator is None

    @property
    def is_centre(self) -> bool:
        return self.user is not None

    def timeline_fields(self) -> dict:
        fields: dict = {"actor_channel": self.channel}
        if self.coordinator is not None:
            fields["actor_coordinator"] = self.coordinator
        elif self.user is not None:
            fields["actor_user"] = self.user
        elif self.display_name:
            fields["actor_display_name"] = self.display_name[:200]
        return fields

    def __str__(self) -> str:
        return self.name or str(_("ระบบ"))


def as_actor(by, channel: str = Channel.ADMIN) -> Actor:
    """Accept an Actor, a user, a coordinator or None (the system) from any caller."""
    if isinstance(by, Actor):
        return by
    if isinstance(by, Coordinator):
        return Actor.of_coordinator(by)
    if by is not None and getattr(by, "is_authenticated", False):
        return Actor.officer(by, channel)
    return Actor.system()
