"""Small admin building blocks shared by the apps' admins."""


class ReadOnlyMixin:
    """Rows nobody edits by hand: reference data, assignments, reminders. Viewing stays allowed."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def page_context(site, request) -> dict:
    """The admin's `each_context` for a page drawn without the navigation sidebar: the same
    keys, but no app list (it checks a permission per registered model on every request,
    for a sidebar such a page does not show) and no recent-actions list."""
    script_name = request.META.get("SCRIPT_NAME", "")
    return {
        "site_title": site.site_title,
        "site_header": site.site_header,
        "site_url": script_name if site.site_url == "/" and script_name else site.site_url,
        "has_permission": site.has_permission(request),
        "available_apps": [],
        "is_popup": False,
        "is_nav_sidebar_enabled": False,
        "log_entries": [],
    }
