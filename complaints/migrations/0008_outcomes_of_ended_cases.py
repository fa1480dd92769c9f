"""Give every case that already ended its outcome: closed with verified work → fixed,
cancelled → cancelled, duplicate → duplicate. (Closed without verified work does not
happen in this system's history; such a case would keep no outcome and show as unknown.)"""

from django.db import migrations
from django.db.models import Exists, OuterRef


def forwards(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    Assignment = apps.get_model("complaints", "Assignment")
    verified = Assignment.objects.filter(complaint=OuterRef("pk"), status="verified")
    Complaint.objects.filter(status="closed", outcome="").filter(Exists(verified)).update(outcome="fixed")
    Complaint.objects.filter(status="cancelled", outcome="").update(outcome="cancelled")
    Complaint.objects.filter(status="duplicate", outcome="").update(outcome="duplicate")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0007_review_outcomes_and_plans")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
