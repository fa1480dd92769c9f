"""The three staff roles as auth groups, and the permissions each holds.

Synced by a data migration and again after every migrate (post_migrate), so
permissions of models added later join their roles without another migration.
"""

from __future__ import annotations

OFFICER = "เจ้าหน้าที่ศูนย์"
SUPERVISOR = "หัวหน้าศูนย์"
EXECUTIVE = "ผู้บริหาร"

_VIEW_REFERENCE = [
    "agencies.view_agency",
    "agencies.view_coordinator",
    "agencies.view_district",
    "agencies.view_subdistrict",
    "agencies.view_zone",
    "complaints.view_category",
    "complaints.view_closureday",
]

OFFICER_PERMS = [
    *_VIEW_REFERENCE,
    "complaints.view_complaint",
    "complaints.add_complaint",
    "complaints.change_complaint",
    "complaints.view_complainant_pii",
    "complaints.dispatch_complaint",
    "complaints.verify_complaint",
    "complaints.view_assignment",
    "complaints.change_assignment",
    "complaints.view_timelineentry",
    "complaints.add_timelineentry",
    "complaints.view_photo",
    "complaints.add_photo",
    "line_oa.view_outboxmessage",
]

SUPERVISOR_PERMS = [
    *OFFICER_PERMS,
    "complaints.reopen_complaint",
    "complaints.cancel_complaint",
    "complaints.change_category",
    "complaints.add_closureday",
    "complaints.change_closureday",
    "complaints.delete_closureday",
    "agencies.add_agency",
    "agencies.change_agency",
    "agencies.add_coordinator",
    "agencies.change_coordinator",
    "agencies.delete_coordinator",
    "line_oa.change_outboxmessage",
    "reports.view_reports",
]

EXECUTIVE_PERMS = ["reports.view_reports"]

ROLES = {OFFICER: OFFICER_PERMS, SUPERVISOR: SUPERVISOR_PERMS, EXECUTIVE: EXECUTIVE_PERMS}
# Apps may add permissions to a role here (e.g. the LINE inbox) without editing the lists above.
EXTRA: dict[str, list[str]] = {OFFICER: [], SUPERVISOR: [], EXECUTIVE: []}


def sync_roles(apps=None) -> None:
    """Create the groups and give each exactly its permissions that exist so far."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        wanted = [*perms, *EXTRA.get(name, [])]
        if name == SUPERVISOR:
            wanted += EXTRA.get(OFFICER, [])
        group, _ = Group.objects.get_or_create(name=name)
        found = []
        for dotted in wanted:
            app_label, codename = dotted.split(".")
            found += list(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(found)
