"""Substring search over a province's million names: trigram indexes on PostgreSQL.

Django searches with `UPPER(col::text) LIKE UPPER('%…%')`, so the indexes are on that expression. SQLite
(the embedded database, one county) scans instead; it needs no index for a few thousand rows.
Trigram extraction needs a UTF-8 database with a character-classifying locale (C.UTF-8, zh_CN.UTF-8, …).
"""
from django.db import migrations

INDEXES = [
    ("entity_name_trgm", "entities_entity", "name"),
    ("licence_number_trgm", "entities_licence", "number"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("entities", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
