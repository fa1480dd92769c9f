"""The category's dispatch advice in Thai beside the English (`notes` becomes `advice_en`),
filled from agencies/reference/best_categories.csv where a category has no Thai advice yet."""

import csv
from pathlib import Path

from django.db import migrations, models

CSV = Path(__file__).resolve().parents[2] / "agencies" / "reference" / "best_categories.csv"


def forwards(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    if not CSV.exists():
        return
    with open(CSV, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("advice_th"):
                Category.objects.filter(code=row["code"], advice_th="").update(advice_th=row["advice_th"])


class Migration(migrations.Migration):
    dependencies = [("complaints", "0013_merge_guard")]

    operations = [
        migrations.RenameField("category", "notes", "advice_en"),
        migrations.AlterField(
            "category",
            "advice_en",
            models.TextField(blank=True, verbose_name="คำแนะนำการส่งต่อ (อังกฤษ)"),
        ),
        migrations.AddField(
            "category",
            "advice_th",
            models.TextField(blank=True, verbose_name="คำแนะนำการส่งต่อ (ไทย)"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
