"""Loads the texts shipped in fazhi/laws/data into the library (the same parser and writer as `load_laws`)."""
from django.db import migrations


def seed(apps, schema_editor):
    from fazhi.laws.loading import seed_version_data, write_version
    from fazhi.laws.parser import parse_law_text
    from fazhi.laws.seed import seed_entries

    models = {name: apps.get_model("laws", name) for name in ("Law", "LawVersion", "Provision")}
    for entry in seed_entries():
        write_version(seed_version_data(entry), parse_law_text(entry.read_text()), **models)


def unseed(apps, schema_editor):
    from fazhi.laws.parser import body_sha256, normalise
    from fazhi.laws.seed import seed_entries

    LawVersion = apps.get_model("laws", "LawVersion")
    Law = apps.get_model("laws", "Law")
    hashes = [body_sha256(normalise(entry.read_text())) for entry in seed_entries()]
    LawVersion.objects.filter(body_sha256__in=hashes).delete()
    Law.objects.filter(versions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("laws", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
