from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION privacy_piiaccess_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'privacy_piiaccess is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER privacy_piiaccess_append_only
    BEFORE UPDATE OR DELETE ON privacy_piiaccess
    FOR EACH ROW EXECUTE FUNCTION privacy_piiaccess_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS privacy_piiaccess_append_only ON privacy_piiaccess;
DROP FUNCTION IF EXISTS privacy_piiaccess_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_pii_access_log")]
    operations = [migrations.RunPython(forwards, backwards)]
