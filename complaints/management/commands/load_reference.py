from django.core.management.base import BaseCommand

from complaints.reference_data import load_all


class Command(BaseCommand):
    help = "Load districts, khwaeng, agencies and categories (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--overwrite-sla", action="store_true", help="Reset SLA values to the shipped proposals.")

    def handle(self, *args, overwrite_sla=False, **options):
        load_all(overwrite_sla=overwrite_sla)
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
