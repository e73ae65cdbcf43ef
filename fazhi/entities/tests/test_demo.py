"""The demo's entities: ~1,500 per model county in its real townships, audited, deterministic, loaded once.

The step runs once for the whole module, inside a transaction that is rolled back at the end, so that
each test reads the same loaded county without paying for the load again.
"""
import datetime as dt
import random

import pytest
from django.db import transaction
from django.test import override_settings

from fazhi.core.audit import verify_chain
from fazhi.core.choices import AuditAction, RegionLevel, Role
from fazhi.core.demo import demo_steps
from fazhi.core.models import AuditEvent, Organisation
from fazhi.core.regions import load_shipped_regions
from fazhi.core.tests import factories as f
from fazhi.entities.choices import CreditGrade, CreditGradeBasis, EntityStatus
from fazhi.entities.demo import DEMO_COUNTIES, ENTITIES_PER_COUNTY, SEED, demo_county, load_demo_entities
from fazhi.entities.models import CreditGradeChange, Entity, Licence
from fazhi.entities.naming import name_initials
from fazhi.entities.synthetic import generate_county

TODAY = dt.date(2026, 3, 2)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Regions, both model chains, a section head to sign the grades, and the demo entities, rolled back after."""
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ), transaction.atomic():
        load_shipped_regions()
        bureaus = f.model_bureaus()
        head = f.staff(bureaus["kaiping_institute"], Role.SECTION_HEAD, Role.OFFICER, username="demo_head")
        summary = load_demo_entities(today=TODAY)
        yield {"summary": summary, "bureaus": bureaus, "head": head}
        transaction.set_rollback(True)


@pytest.fixture
def kaiping_bureau(loaded, db):
    return loaded["bureaus"]["kaiping"]


def test_it_loads_about_1500_entities_in_each_model_county(loaded, db):
    for key in ("kaiping", "huancui"):
        assert Entity.objects.filter(organisation=loaded["bureaus"][key]).count() == ENTITIES_PER_COUNTY
    assert "开平市卫生健康局新增 1500 个" in loaded["summary"]
    assert "威海市环翠区卫生健康局新增 1500 个" in loaded["summary"]


def test_it_places_every_entity_in_a_real_township_of_its_county(loaded, db):
    for key in ("kaiping", "huancui"):
        bureau = loaded["bureaus"][key]
        townships = set(bureau.region.children.filter(level=RegionLevel.TOWNSHIP).values_list("pk", flat=True))
        used = set(Entity.objects.filter(organisation=bureau).values_list("township_id", flat=True))
        assert used == townships  # every township has entities, and no entity is elsewhere


def test_the_entities_pass_the_models_validation(kaiping_bureau):
    sample = random.Random(1).sample(list(Entity.objects.filter(organisation=kaiping_bureau)), 40)
    for entity in sample:
        entity.full_clean()
        assert entity.name_initials == name_initials(entity.name)
        assert entity.domains.exists()


def test_every_record_is_in_the_audit_chain(loaded, db):
    created = AuditEvent.objects.filter(action=AuditAction.CREATE)
    assert created.filter(object_type="entities.entity").count() == Entity.objects.count()
    assert created.filter(object_type="entities.licence").count() == Licence.objects.count() > 1000
    changed = Entity.objects.exclude(status=EntityStatus.OPERATING).count()
    assert AuditEvent.objects.filter(action=AuditAction.TRANSITION, object_type="entities.entity").count() == changed
    assert verify_chain().intact


def test_entities_not_at_b_have_a_credit_history_from_b(loaded, db):
    graded = Entity.objects.filter(organisation=loaded["bureaus"]["kaiping"]).exclude(credit_grade=CreditGrade.B)
    assert graded.count() > 300
    for entity in graded[:100]:
        initial, decision = entity.grade_changes.order_by("effective_on", "id")
        assert (initial.from_grade, initial.to_grade, initial.basis) == ("", CreditGrade.B, CreditGradeBasis.INITIAL)
        assert (decision.from_grade, decision.to_grade) == (CreditGrade.B, entity.credit_grade)
        assert decision.reason and decision.effective_on <= TODAY
        assert decision.changed_by == loaded["head"]  # 开平's grader; 环翠区 has none in this test
    assert CreditGradeChange.objects.filter(basis=CreditGradeBasis.INITIAL).count() == Entity.objects.count()


def test_it_is_deterministic_by_its_seed(kaiping_bureau):
    county = demo_county(Organisation.objects.select_related("region__parent__parent").get(pk=kaiping_bureau.pk),
                         DEMO_COUNTIES[0])
    expected = generate_county(county, random.Random(SEED), ENTITIES_PER_COUNTY, today=TODAY)
    stored = dict(Entity.objects.filter(organisation=kaiping_bureau).values_list("name", "credit_code"))
    assert stored == {e.name: e.credit_code for e in expected}


def test_a_second_run_adds_nothing(loaded, db):
    counts = (Entity.objects.count(), Licence.objects.count(), CreditGradeChange.objects.count(), AuditEvent.objects.count())
    summary = load_demo_entities(today=TODAY)
    assert "未新增" in summary and "新增 " not in summary
    assert (Entity.objects.count(), Licence.objects.count(), CreditGradeChange.objects.count(),
            AuditEvent.objects.count()) == counts


def test_a_second_run_restores_only_what_is_missing(kaiping_bureau):
    missing = list(Entity.objects.filter(organisation=kaiping_bureau).order_by("id").values_list("name", flat=True)[:5])
    Entity.objects.filter(name__in=missing).delete()
    summary = load_demo_entities(today=TODAY)
    assert "开平市卫生健康局新增 5 个" in summary
    assert Entity.objects.filter(organisation=kaiping_bureau, name__in=missing).count() == 5


def test_a_county_sees_its_own_entities_and_not_the_other_countys(loaded, db):
    outsider = f.staff(loaded["bureaus"]["huancui"], Role.OFFICER, username="demo_outsider")
    visible = Entity.objects.visible_to(outsider)
    assert visible.count() == ENTITIES_PER_COUNTY
    assert not visible.filter(organisation=loaded["bureaus"]["kaiping"]).exists()


def test_it_is_a_step_of_the_demo():
    assert "监管对象" in [step.label for step in demo_steps()]
