from decimal import Decimal

from django.db import migrations

from fazhi.reviews.rules import SEEDED_CATEGORIES, SEEDED_RUBRIC


def seed(apps, schema_editor):
    RubricCategory = apps.get_model("reviews", "RubricCategory")
    RubricItem = apps.get_model("reviews", "RubricItem")
    categories = {}
    for code, name, weight, sort_order in SEEDED_CATEGORIES:
        categories[code], _ = RubricCategory.objects.get_or_create(
            code=code, defaults={"name": name, "weight": Decimal(weight), "sort_order": sort_order})
    for order, (code, category, kind, points, check, name, basis) in enumerate(SEEDED_RUBRIC, 1):
        RubricItem.objects.get_or_create(code=code, defaults={
            "category": categories[category], "kind": kind, "points": Decimal(points), "check_code": check,
            "name": name, "basis": basis, "sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
