"""Replace the first trigram indexes (on the bare columns, which icontains's
UPPER(column) LIKE … never uses) with the UPPER() ones from the corrected 0004,
on databases that ran the first version of 0004. PostgreSQL only."""

from django.db import migrations


OLD = ("complaint_description_trgm", "complaint_address_trgm")
NEW = {"complaint_description_upper_trgm": "description", "complaint_address_upper_trgm": "address"}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in OLD:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for name, column in NEW.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON complaints_complaint USING gin ((UPPER({column})) gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_console_search_trigram")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
