"""Loads the seed discretion table (fazhi/cases/data/discretion_seed.tsv): 92 violations with their bands.

Citations are resolved here against the historical law models, in each law's latest loaded version (the
version the rows were read from: for 传染病防治法, the 2013 text the library holds as superseded).
"""
from django.db import migrations


def _provision(citation, Law, LawVersion, Provision):
    """The provision a parsed citation names in its law's latest loaded version, or None."""
    law = Law.objects.filter(short_title=citation.short_title).first()
    version = LawVersion.objects.filter(law=law).order_by("-effective_from").first() if law else None
    if version is None:
        return None
    rows = Provision.objects.filter(version=version, article=citation.article)
    found = rows.filter(paragraph=citation.paragraph, item=citation.item).first()
    if found is None and citation.item and citation.paragraph in (0, 1):
        # 第X条第（Y）项 of an article whose items belong to its first (or only) paragraph
        found = rows.filter(item=citation.item, paragraph__in=[0, 1]).order_by("sort_order").first()
    if found is None and not citation.item and citation.paragraph == 1 \
            and not rows.filter(paragraph__gt=0, item=0).exists():
        found = rows.filter(paragraph=0, item=0).first()  # 第一款 of a single-paragraph article
    return found


def seed(apps, schema_editor):
    from fazhi.cases.discretion import SEED_FILE, read_discretion_table
    from fazhi.laws.citations import parse_citation

    Violation = apps.get_model("cases", "Violation")
    DiscretionBand = apps.get_model("cases", "DiscretionBand")
    law_models = [apps.get_model("laws", name) for name in ("Law", "LawVersion", "Provision")]
    read = read_discretion_table(SEED_FILE.read_bytes())
    if read.problems:
        raise ValueError(f"{SEED_FILE.name}: {read.problems[0]}")
    existing = set(Violation.objects.values_list("code", flat=True))
    violations, bands = [], []
    for order, row in enumerate(read.rows, 1):
        if row.code in existing:
            continue
        first = {}
        for name in ("provision_broken", "penalty_provision"):
            text = getattr(row, f"{name}_cited")
            found = [_provision(c, *law_models) for c in parse_citation(text)]
            if None in found:
                raise ValueError(f"{SEED_FILE.name} {row.code}: “{text}” is not in the law library")
            first[name] = found[0]
        violation = Violation(
            code=row.code, domain_id=row.domain, name=row.name, provision_broken_cited=row.provision_broken_cited,
            penalty_provision_cited=row.penalty_provision_cited, penalty_text=row.penalty_text,
            penalty_kinds=row.penalty_kinds, fine_min=row.fine_min, fine_max=row.fine_max, fine_rule=row.fine_rule,
            authority_note=row.authority_note, caveat=row.caveat, is_active=row.is_active, sort_order=order, **first)
        violations.append(violation)
        bands += [DiscretionBand(violation=violation, level=b.level, circumstances=b.circumstances,
                                 fine_min=b.fine_min, fine_max=b.fine_max, other_penalties=b.other_penalties)
                  for b in row.bands]
    Violation.objects.bulk_create(violations)
    DiscretionBand.objects.bulk_create(bands)


def unseed(apps, schema_editor):
    from fazhi.cases.discretion import SEED_FILE, read_discretion_table

    codes = [row.code for row in read_discretion_table(SEED_FILE.read_bytes()).rows]
    apps.get_model("cases", "Violation").objects.filter(code__in=codes, cases__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_seed_rules_and_document_kinds"), ("laws", "0002_seed_library")]
    operations = [migrations.RunPython(seed, unseed)]
