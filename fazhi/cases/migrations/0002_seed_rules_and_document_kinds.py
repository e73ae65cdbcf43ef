from decimal import Decimal

from django.db import migrations

from fazhi.cases.rules import CASE_DOCUMENT_KINDS, SEEDED_CASE_RULES


def seed(apps, schema_editor):
    CaseRule = apps.get_model("cases", "CaseRule")
    DocumentKind = apps.get_model("core", "DocumentKind")
    for code, name, effect, condition, party_kind, amount, penalty_kind, basis in SEEDED_CASE_RULES:
        CaseRule.objects.get_or_create(code=code, defaults={
            "name": name, "effect": effect, "condition": condition, "party_kind": party_kind,
            "amount": Decimal(amount) if amount else None, "penalty_kind": penalty_kind, "basis": basis,
        })
    for code, name, abbreviation in CASE_DOCUMENT_KINDS:
        DocumentKind.objects.get_or_create(code=code, defaults={"name": name, "abbreviation": abbreviation})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("core", "0002_seed_and_audit_trigger")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
