from django.core.management.base import BaseCommand

from complaints.models import Complaint


class Command(BaseCommand):
    help = "Seed the demo data set into an empty database (does nothing if complaints exist)."

    def handle(self, *args, **options):
        if Complaint.objects.exists():
            self.stdout.write("Demo data already present; keeping it.")
            return
        from complaints.demo_data import seed

        seed(stdout=self.stdout)
