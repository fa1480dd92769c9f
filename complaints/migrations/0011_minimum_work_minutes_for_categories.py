"""The proposed minimum work times of the fake-fix guard's "too fast" flag
(agencies/reference/best_categories.csv), for categories still at 0 (never checked).
A value a supervisor already set is kept."""

from django.db import migrations

MINUTES = {
    "LARGE_POTHOLE": 30,
    "ROAD_SURFACE_DAMAGED": 30,
    "SIDEWALK_DAMAGED": 30,
    "WATER_MAIN_LEAK": 30,
    "BRIDGE_DAMAGED": 30,
    "FALLEN_TREE": 20,
    "TREE_TRIMMING": 20,
    "LEANING_POLE_OR_BILLBOARD": 20,
    "CLOGGED_DRAIN": 20,
    "DRAIN_COVER_DAMAGED_MISSING": 15,
    "OIL_SPILL": 15,
    "STREET_LIGHT_OUT": 15,
    "TRAFFIC_SIGN_DAMAGED": 15,
    "DEBRIS_ON_ROAD": 10,
    "GARBAGE": 10,
}


def forwards(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    for code, minutes in MINUTES.items():
        Category.objects.filter(code=code, min_work_minutes=0).update(min_work_minutes=minutes)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0010_fake_fix_guard_fingerprints_and_report_flags")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
