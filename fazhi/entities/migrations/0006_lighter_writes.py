"""Less work for the database on each entity written, which a 100,000-row import repeats 100,000 times.

- `fazhi_bigrams` (0003) fills its array in a loop instead of aggregating a generated series: the same pieces
  (each index and `@>` search keeps a piece once however often it is listed) at a third of the cost.
- The entity-domain links keep the unique (entity, domain) index, which also finds an entity's domains, and the
  one on the domain; Django's plain index on the entity repeats the first, and its pattern index on the domain
  code answers a LIKE that is never asked. Both are dropped by name (the link table has no model to alter).
"""
from django.db import migrations

BIGRAMS_BY_LOOP = """
CREATE OR REPLACE FUNCTION fazhi_bigrams(value text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    size integer := char_length(value);
    pieces text[] := array_fill(''::text, ARRAY[greatest(size - 1, 0)]);
BEGIN
    FOR i IN 1 .. size - 1 LOOP
        pieces[i] := substr(value, i, 2);
    END LOOP;
    RETURN pieces;
END
$$
"""

BIGRAMS_BY_AGGREGATE = """
CREATE OR REPLACE FUNCTION fazhi_bigrams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(value, i, 2)), '{}')
    FROM generate_series(1, char_length(value) - 1) AS i
$$
"""

DROPPED = {
    "entities_entity_domains_entity_id_bbade2ef": "(entity_id)",
    "entities_entity_domains_domain_id_489ee865_like": "(domain_id varchar_pattern_ops)",
}


def lighten(apps, schema_editor):
    for name in DROPPED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BIGRAMS_BY_LOOP)


def restore(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name, columns in DROPPED.items():
        if postgresql or "pattern_ops" not in columns:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} ON entities_entity_domains {columns}"
            )
    if postgresql:
        schema_editor.execute(BIGRAMS_BY_AGGREGATE)


class Migration(migrations.Migration):
    dependencies = [("entities", "0005_fewer_indexes")]
    operations = [migrations.RunPython(lighten, restore)]
