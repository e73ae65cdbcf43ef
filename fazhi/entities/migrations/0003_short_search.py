"""Searches of one or two characters (诊所, 宾馆, kp) at province scale, on PostgreSQL.

A trigram index cannot answer a term shorter than three characters, so such a search read every row. A GIN
index over each name's two-character pieces answers two-character terms; a pattern index answers a prefix of
the pinyin initials under any collation. SQLite needs neither for one county.
"""
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION fazhi_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(value, i, 2)), '{}')
    FROM generate_series(1, char_length(value) - 1) AS i
$$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS entity_name_bigram ON entities_entity "
        "USING gin (fazhi_bigrams(UPPER(name::text)))"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS entity_initials_pattern ON entities_entity (name_initials varchar_pattern_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS entity_initials_pattern")
    schema_editor.execute("DROP INDEX IF EXISTS entity_name_bigram")
    schema_editor.execute("DROP FUNCTION IF EXISTS fazhi_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("entities", "0002_trigram_search")]
    operations = [migrations.RunPython(create, drop)]
