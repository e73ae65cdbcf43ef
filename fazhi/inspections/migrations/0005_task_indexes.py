"""A merge rewrites every task it joins: tasks keep no index another serves, and none on rows without a link.

The organisation index repeats the first column of external_task_once; the inspection and joint-visit indexes
become partial (only rows that have one). Django's own indexes are dropped by name: altering the fields would
also rebuild their foreign keys.
"""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = {
    "inspections_externaltask_organisation_id_c1ceef86": "organisation_id",
    "inspections_externaltask_inspection_id_48b05f3a": "inspection_id",
    "inspections_externaltask_joint_visit_id_25d78702": "joint_visit_id",
}


def drop(apps, schema_editor):
    for name in DROPPED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def restore(apps, schema_editor):
    for name, column in DROPPED.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} "
                              f"ON inspections_externaltask ({column})")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_section_name_message'),
        ('entities', '0005_fewer_indexes'),
        ('inspections', '0004_entity_names'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, restore)],
            state_operations=[
                migrations.AlterField(
                    model_name='externaltask',
                    name='inspection',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='external_tasks', to='inspections.inspection', verbose_name='本机关的检查'),
                ),
                migrations.AlterField(
                    model_name='externaltask',
                    name='joint_visit',
                    field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='inspections.jointvisit', verbose_name='并入的联合检查'),
                ),
                migrations.AlterField(
                    model_name='externaltask',
                    name='organisation',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organisation', verbose_name='所属机构'),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name='externaltask',
            index=models.Index(condition=models.Q(('inspection__isnull', False)), fields=['inspection'], name='external_task_inspection'),
        ),
        migrations.AddIndex(
            model_name='externaltask',
            index=models.Index(condition=models.Q(('joint_visit__isnull', False)), fields=['joint_visit'], name='external_task_joint_visit'),
        ),
    ]
