"""Permissions mirror the admin roles (bkk1555/roles.py).

Reads need the model's view permission, writes its add/change permission (as the
admin does); each workflow action names the permission it needs in the view's
`action_permissions`, e.g. reopening needs complaints.reopen_complaint, which only
supervisors hold.
"""

from rest_framework import permissions

from agencies.visibility import can_see_line_ids


class RolePermissions(permissions.DjangoModelPermissions):
    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if not hasattr(view, request.method.lower()):
            return True  # let the view answer 405 rather than a misleading 403
        needed = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if needed is not None:
            return user.has_perms(needed)
        return super().has_permission(request, view)


def is_supervisor_like(user) -> bool:
    """Who may see coordinators' LINE ids: the one rule in agencies/visibility.py."""
    return can_see_line_ids(user)
