"""Who is talking in a LINE event, and as which Actor they act on an assignment."""

from __future__ import annotations

from dataclasses import dataclass, field

from agencies.models import Agency, Coordinator
from complaints.actor import Actor
from complaints.models import Assignment

from .. import profiles


@dataclass
class Sender:
    source_type: str
    chat_id: str
    user_id: str
    coordinator: Coordinator | None
    group_agency: Agency | None
    source: dict = field(default_factory=dict, repr=False)
    _name: str | None = field(default=None, repr=False)

    @classmethod
    def of(cls, event: dict) -> Sender:
        source = event.get("source") or {}
        source_type = source.get("type", "")
        user_id = source.get("userId", "") or ""
        chat_id = source.get("groupId") or source.get("roomId") or user_id
        coordinator = None
        if user_id:
            coordinator = (
                Coordinator.objects.select_related("agency").filter(line_user_id=user_id, is_active=True).first()
            )
        group_agency = None
        if source_type in ("group", "room") and chat_id:
            group_agency = Agency.objects.filter(line_group_id=chat_id, is_active=True).first()
        return cls(source_type, chat_id, user_id, coordinator, group_agency, source)

    @property
    def agency(self) -> Agency | None:
        if self.group_agency is not None:
            return self.group_agency
        return self.coordinator.agency if self.coordinator else None

    @property
    def is_known(self) -> bool:
        return self.agency is not None

    @property
    def in_group(self) -> bool:
        return self.source_type in ("group", "room")

    def may_act_on(self, assignment: Assignment) -> bool:
        if self.group_agency is not None and self.group_agency.pk == assignment.agency_id:
            return True
        c = self.coordinator
        return bool(c and c.is_active and c.agency_id == assignment.agency_id)

    def actor_for(self, assignment: Assignment) -> Actor:
        """The coordinator if they belong to the assignment's agency; otherwise a member of the
        agency's bound group acting under their LINE display name (kept on the timeline, never in a note)."""
        c = self.coordinator
        if c is not None and c.agency_id == assignment.agency_id:
            return Actor.of_coordinator(c)
        agency = self.group_agency if self.group_agency is not None else assignment.agency
        return Actor.line_member(line_user_id=self.user_id, display_name=self.display_name(), agency=agency)

    def display_name(self) -> str:
        """A registered coordinator's name, else the name LINE shows (one profile call, cached)."""
        if self.coordinator:
            return self.coordinator.name
        if self._name is None:
            # In a group, the member profile (get_profile 404s for members who are not friends).
            self._name = profiles.display_name_for(self.source)
        return self._name
