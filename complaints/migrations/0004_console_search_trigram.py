"""Trigram GIN indexes for the console's text search, on PostgreSQL only.

`icontains` on description/address becomes ILIKE '%term%', which a B-tree cannot
serve; pg_trgm's GIN index can. SQLite (the demo) has no such index type and its
tables are small, so the migration does nothing there.
"""

from django.db import migrations

# Django's icontains on PostgreSQL compares UPPER(column) LIKE UPPER(%s): the index
# must be on that expression to be usable.
INDEXES = {
    "complaint_description_upper_trgm": "description",
    "complaint_address_upper_trgm": "address",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON complaints_complaint USING gin ((UPPER({column})) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_reminders_and_escalation")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
