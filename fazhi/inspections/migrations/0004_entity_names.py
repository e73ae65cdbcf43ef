"""Each visit keeps its entity's name, pinyin initials and credit code, so the list's entity search reads the
visits alone instead of first collecting every matching entity of the province (118,000 for 诊所).

On PostgreSQL, as for the entities' and cases' searches: a trigram index answers names of three characters or
more, a bigram index (fazhi_bigrams, entities 0003) two-character ones, and a pattern index a prefix of the
initials; each also holds status and reason, so "诊所 + 已办结 + 随机抽查" is intersected inside one index.
A narrow search is read from these and sorted; a broad one walks one of the date indexes (in the model's Meta)
until a page is full. The planner tells them apart by the match counts it estimates, so the initials get a finer
histogram than the default (prefixes of a few letters were estimated at twice their count). SQLite needs none of
this for one county.
"""
from django.db import migrations, models

LIST_FILTERS = "status, reason"
SEARCH_INDEXES = (
    ("inspection_entity_trgm_filters", f"gin ((UPPER(entity_name::text)) gin_trgm_ops, {LIST_FILTERS})"),
    ("inspection_entity_bigram_filters", f"gin (fazhi_bigrams(UPPER(entity_name::text)), {LIST_FILTERS})"),
    ("inspection_entity_initials", f"btree (entity_name_initials varchar_pattern_ops, {LIST_FILTERS})"),
)
INITIALS_STATISTICS = 1000

FILL_POSTGRESQL = """
UPDATE inspections_inspection i
SET entity_name = e.name, entity_name_initials = e.name_initials, entity_credit_code = e.credit_code
FROM entities_entity e
WHERE e.id = i.entity_id
"""
COPIED = (("entity_name", "name"), ("entity_name_initials", "name_initials"), ("entity_credit_code", "credit_code"))


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_POSTGRESQL)
        return
    Entity, Inspection = apps.get_model("entities", "Entity"), apps.get_model("inspections", "Inspection")
    entity = Entity.objects.filter(pk=models.OuterRef("entity_id"))
    Inspection.objects.update(**{field: models.Subquery(entity.values(source)[:1]) for field, source in COPIED})


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    for name, definition in SEARCH_INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON inspections_inspection USING {definition}")
    schema_editor.execute("ALTER TABLE inspections_inspection ALTER COLUMN entity_name_initials "
                          f"SET STATISTICS {INITIALS_STATISTICS}")
    # The estimates come from the new indexes' statistics: gather them now, not when autovacuum gets round to it.
    schema_editor.execute("ANALYZE inspections_inspection")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in SEARCH_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("entities", "0004_domain_codes"),
        ("inspections", "0003_plan_risk_weighted"),
    ]

    operations = [
        migrations.AddField(
            model_name="inspection",
            name="entity_name",
            field=models.CharField(default="", editable=False, max_length=200, verbose_name="监管对象名称"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="inspection",
            name="entity_name_initials",
            field=models.CharField(blank=True, editable=False, max_length=200, verbose_name="监管对象名称拼音首字母"),
        ),
        migrations.AddField(
            model_name="inspection",
            name="entity_credit_code",
            field=models.CharField(blank=True, editable=False, max_length=18, verbose_name="监管对象统一社会信用代码"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="inspection",
            index=models.Index(fields=["window_start", "id"], name="inspection_date"),
        ),
        migrations.AddIndex(
            model_name="inspection",
            index=models.Index(fields=["status", "window_start", "id"], name="inspection_status_date"),
        ),
        migrations.AddIndex(
            model_name="inspection",
            index=models.Index(fields=["reason", "window_start", "id"], name="inspection_reason_date"),
        ),
        migrations.AddIndex(
            model_name="inspection",
            index=models.Index(fields=["status", "reason", "window_start", "id"], name="inspection_status_reason_date"),
        ),
        migrations.AddIndex(
            model_name="inspection",
            index=models.Index(fields=["entity_credit_code"], name="inspection_entity_credit_code"),
        ),
        migrations.RunPython(create, drop),
    ]
