"""The fake-fix guard's near-duplicate index (complaints/neardup.py) and the report's own flags.

Fingerprints of the whole picture are backfilled from each photo's stored phash; the
centre hashes need the pictures (`manage.py backfill_fingerprints`, run once after deploy).
The band indexes are covering indexes on PostgreSQL, so a lookup never reads the table."""

import django.db.models.deletion
from django.db import migrations, models

BANDS = ((43, 21), (22, 21), (0, 22))  # as complaints/neardup.py: a migration keeps its own copy
TABLE = "complaints_photofingerprint"


def backfill_whole(apps, schema_editor):
    Photo = apps.get_model("complaints", "Photo")
    PhotoFingerprint = apps.get_model("complaints", "PhotoFingerprint")
    batch = []
    for pk, phash, created_at in Photo.objects.exclude(phash="").values_list("pk", "phash", "created_at").iterator():
        value = int(phash, 16)
        b = [(value >> shift) & ((1 << bits) - 1) for shift, bits in BANDS]
        signed = value - (1 << 64) if value >= 1 << 63 else value
        batch.append(
            PhotoFingerprint(
                photo_id=pk, kind=0, value=signed, band0=b[0], band1=b[1], band2=b[2], created_at=created_at
            )
        )
        if len(batch) >= 5000:
            PhotoFingerprint.objects.bulk_create(batch)
            batch = []
    PhotoFingerprint.objects.bulk_create(batch)


def create_indexes(apps, schema_editor):
    include = " INCLUDE (value, created_at, photo_id)" if schema_editor.connection.vendor == "postgresql" else ""
    for i in range(len(BANDS)):
        schema_editor.execute(f"CREATE INDEX photofingerprint_band{i}_idx ON {TABLE} (kind, band{i}){include}")


def drop_indexes(apps, schema_editor):
    for i in range(len(BANDS)):
        schema_editor.execute(f"DROP INDEX IF EXISTS photofingerprint_band{i}_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0009_merge_privacy_and_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="report_flags",
            field=models.JSONField(blank=True, default=list, verbose_name="ข้อสังเกตของรายงานผล"),
        ),
        migrations.CreateModel(
            name="PhotoFingerprint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.SmallIntegerField(choices=[(0, "ทั้งภาพ"), (1, "กลางภาพ 80%")])),
                ("value", models.BigIntegerField()),
                ("band0", models.IntegerField()),
                ("band1", models.IntegerField()),
                ("band2", models.IntegerField()),
                ("created_at", models.DateTimeField()),
                (
                    "photo",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="fingerprints", to="complaints.photo"
                    ),
                ),
            ],
            options={
                "verbose_name": "ลายนิ้วมือภาพ",
                "verbose_name_plural": "ลายนิ้วมือภาพ",
            },
        ),
        migrations.RunPython(backfill_whole, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
