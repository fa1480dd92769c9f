from importlib import import_module

from django.core.management.base import BaseCommand

from complaints.models import Complaint

# Each app that has demo data of its own provides `<app>.demo_data.seed(stdout)`;
# complaints first, because the others build on its cases. An app may also provide
# `links(stdout)`: where to look in the demo, printed by `manage.py demo` at every start.
SEEDERS = ("complaints", "line_oa", "reports", "audits", "notices")


def demo_parts(hook: str):
    """Each app's `demo_data.<hook>` function, in SEEDERS order (apps without one are skipped)."""
    for app in SEEDERS:
        try:
            module = import_module(f"{app}.demo_data")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo_data":
                raise
            continue
        if hasattr(module, hook):
            yield getattr(module, hook)


class Command(BaseCommand):
    help = "Seed the demo data set into an empty database (does nothing if complaints exist)."

    def handle(self, *args, **options):
        if Complaint.objects.exists():
            self.stdout.write("Demo data already present; keeping it.")
            return
        for seed in demo_parts("seed"):
            seed(stdout=self.stdout)
