from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from .roles import sync_roles

    sync_roles()


class Bkk1555Config(AppConfig):
    name = "bkk1555"
    verbose_name = "bkk1555"

    def ready(self):
        from . import admin_display, checks  # noqa: F401 - checks registers the production system checks

        admin_display.install()

        # After every app's migrate (permissions are created per app, in order), so
        # permissions of models added later join their roles. Cheap and idempotent.
        post_migrate.connect(_sync_roles, dispatch_uid="bkk1555_sync_roles")
