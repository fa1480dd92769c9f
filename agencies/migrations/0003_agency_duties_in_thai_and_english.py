# The agency's duties in both languages: the English text keeps its column (renamed), the Thai
# one is new. `manage.py load_reference` fills handles_th (it is idempotent).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0002_thai_labels"),
    ]

    operations = [
        migrations.RenameField(model_name="agency", old_name="handles", new_name="handles_en"),
        migrations.AlterField(
            model_name="agency",
            name="handles_en",
            field=models.TextField(blank=True, verbose_name="ภารกิจที่รับผิดชอบ (อังกฤษ)"),
        ),
        migrations.AddField(
            model_name="agency",
            name="handles_th",
            field=models.TextField(blank=True, verbose_name="ภารกิจที่รับผิดชอบ (ไทย)"),
        ),
    ]
