"""Each entity's domains as one value beside the name, so a province-wide "name contains … in domain …" is
answered inside one index instead of joining the domains table to every row whose name matches.

On PostgreSQL the name indexes (trigram for three characters and more, bigram for two) each gain the domain
codes, kind, status and credit grade as further columns (btree_gin lets a GIN index hold plain columns): a GIN
index over several columns intersects them before reading the table, so "诊所, medical, operating" reads only
the rows that match all three instead of every clinic in the province.
"""
from django.db import migrations, models

# (name, definition) of the indexes this migration replaces, and of those that replace them.
OLD_INDEXES = [
    ("entity_name_trgm", '(UPPER("name"::text)) gin_trgm_ops'),
    ("entity_name_bigram", "fazhi_bigrams(UPPER(name::text))"),
]
LIST_FILTERS = "(string_to_array(domain_codes::text, ' ')), kind, status, credit_grade"
NEW_INDEXES = [
    ("entity_name_trgm_filters", f'(UPPER("name"::text)) gin_trgm_ops, {LIST_FILTERS}'),
    ("entity_name_bigram_filters", f"fazhi_bigrams(UPPER(name::text)), {LIST_FILTERS}"),
]

# Codes sorted bytewise, as Python's sorted() does in `domain_codes_value`.
FILL_POSTGRESQL = """
UPDATE entities_entity e SET domain_codes = d.codes
FROM (SELECT entity_id, string_agg(domain_id, ' ' ORDER BY domain_id COLLATE "C") AS codes
      FROM entities_entity_domains GROUP BY entity_id) d
WHERE d.entity_id = e.id
"""


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_POSTGRESQL)
        return
    Entity = apps.get_model("entities", "Entity")
    codes: dict[int, list[str]] = {}
    for entity_id, domain_id in Entity.domains.through.objects.values_list("entity_id", "domain_id").iterator():
        codes.setdefault(entity_id, []).append(domain_id)
    changed = []
    for entity in Entity.objects.filter(pk__in=codes).only("pk").iterator(chunk_size=2000):
        entity.domain_codes = " ".join(sorted(set(codes[entity.pk])))
        changed.append(entity)
    Entity.objects.bulk_update(changed, ["domain_codes"], batch_size=1000)


def swap_indexes(drop, create):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        for name, _definition in drop:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        for name, definition in create:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON entities_entity USING gin ({definition})")

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("entities", "0003_short_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="entity",
            name="domain_codes",
            field=models.CharField(blank=True, editable=False, max_length=400, verbose_name="监管专业代码（检索用）"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(swap_indexes(OLD_INDEXES, NEW_INDEXES), swap_indexes(NEW_INDEXES, OLD_INDEXES)),
    ]
