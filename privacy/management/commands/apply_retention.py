from django.core.management.base import BaseCommand

from privacy import retention


class Command(BaseCommand):
    help = "Apply the retention periods (anonymise old complainants, delete old photo originals and webhook bodies)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only say what would be done.")
        parser.add_argument("--max-batches", type=int, default=20)

    def handle(self, *args, dry_run=False, max_batches=20, **options):
        report = retention.apply(dry_run=dry_run, max_batches=max_batches)
        prefix = "would do (dry run)" if dry_run else "done"
        self.stdout.write(f"{prefix}: {report}")
        if dry_run and report.examples:
            self.stdout.write("first cases to anonymise: " + ", ".join(report.examples))
