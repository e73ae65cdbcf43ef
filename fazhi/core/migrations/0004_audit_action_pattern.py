"""The audit log is written with every change and never searched by a pattern of its action: Django's pattern
index on `action` (PostgreSQL) is dropped by name; the plain index on it stays."""
from django.db import migrations

PATTERN_INDEX = "core_auditevent_action_b3c9b7a8_like"


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(PATTERN_INDEX)}")


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(PATTERN_INDEX)} "
                              "ON core_auditevent (action varchar_pattern_ops)")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_section_name_message")]
    operations = [migrations.RunPython(drop, restore)]
