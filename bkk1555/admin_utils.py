"""Small admin building blocks shared by the apps' admins."""


class ReadOnlyMixin:
    """Rows nobody edits by hand: reference data, assignments, reminders. Viewing stays allowed."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
