from django.db import migrations

from fazhi.supervision.warning_rules import RULES


def seed(apps, schema_editor):
    WarningRule = apps.get_model("supervision", "WarningRule")
    for rule in RULES:
        WarningRule.objects.get_or_create(code=rule.code, defaults={"severity": rule.severity,
                                                                    "lead_days": rule.lead_days})


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
