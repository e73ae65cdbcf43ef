"""Entities keep no index that another already serves (see `Entity.organisation`).

The plain and `_like` indexes Django made for `name_initials` repeat `entity_initials_pattern` (0003), and the
one for `organisation` is the first column of `entity_org_name`. Only those three are dropped, by name: letting
Django alter the fields would also drop `entity_initials_pattern` and rebuild the foreign key.
"""
import django.db.models.deletion
from django.db import migrations, models

DROPPED = {
    "entities_entity_name_initials_60aa77ea": "(name_initials)",
    "entities_entity_name_initials_60aa77ea_like": "(name_initials varchar_pattern_ops)",
    "entities_entity_organisation_id_c96df403": "(organisation_id)",
}


def drop(apps, schema_editor):
    for name in DROPPED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def restore(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name, columns in DROPPED.items():
        if postgresql or "pattern_ops" not in columns:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} ON entities_entity {columns}")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_section_name_message'),
        ('entities', '0004_domain_codes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, restore)],
            state_operations=[
                migrations.AlterField(
                    model_name='entity',
                    name='name_initials',
                    field=models.CharField(blank=True, editable=False, max_length=200, verbose_name='名称拼音首字母'),
                ),
                migrations.AlterField(
                    model_name='entity',
                    name='organisation',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+',
                                            to='core.organisation', verbose_name='所属机构'),
                ),
            ],
        ),
    ]
