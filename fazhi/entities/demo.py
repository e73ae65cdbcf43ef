"""The registry's part of the demo: about 1,500 entities for each model county, in its real townships.

Deterministic by its seed, and idempotent: an entity whose name or credit code the bureau already has is
not added again, so a second run adds nothing. Rows go in by bulk inserts and their audit events by
`record_events`, in the order the bureau would have made them: registered at B and in operation, then
graded and, for some, suspended, deregistered or revoked.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from fazhi.core.audit import PendingEvent, record_events, snapshot
from fazhi.core.choices import AuditAction, RegionLevel
from fazhi.core.demo import DemoStep, register_demo_step
from fazhi.core.models import Organisation, Region, User
from fazhi.core.services import ensure_system_account

from .choices import CreditGradeBasis, EntityStatus
from .models import CreditGradeChange, Entity, Licence, domain_codes_value
from .naming import name_initials
from .permissions import GRADER_ROLES
from .rules import ENTITY_RULES
from .services import INITIAL_GRADE_REASON
from .status import ENTITY_STATUS_MACHINE, transition_to
from .synthetic import County, SyntheticEntity, Township, generate_county

SEED = 20260115
ENTITIES_PER_COUNTY = 1500
BATCH_SIZE = 500
# The entity fields an audit snapshot of a new entity holds (domains are added from the generated data).
SNAPSHOT_FIELDS = [f.name for f in Entity._meta.concrete_fields]


@dataclass(frozen=True)
class DemoCounty:
    """What the region table does not say about a demo county: where it is, its phones, its common surnames."""

    region_code: str
    centre: tuple[float, float]  # longitude, latitude of the county seat
    area_code: str
    local_surnames: tuple[str, ...]


DEMO_COUNTIES = (
    DemoCounty("440783", (112.698, 22.376), "0750",
               ("关", "司徒", "谢", "周", "吴", "胡", "邓", "张", "方", "余", "梁", "陈", "黄", "许")),
    DemoCounty("371002", (122.120, 37.513), "0631",
               ("于", "王", "张", "李", "刘", "孙", "丛", "毕", "谷", "林", "宋", "姜")),
)


def demo_bureaus() -> list[Organisation]:
    """The bureaus of the demo counties that exist, in the order of DEMO_COUNTIES: what later demo steps fill."""
    found = {b.region.code: b for b in Organisation.objects.bureaus().select_related("region")
             .filter(region__code__in=[d.region_code for d in DEMO_COUNTIES])}
    return [found[d.region_code] for d in DEMO_COUNTIES if d.region_code in found]


def load_demo_entities(*, today: dt.date | None = None, count: int = ENTITIES_PER_COUNTY) -> str:
    """Load each demo county's entities (those not there yet) and say what was added."""
    today = today or timezone.localdate()
    lines = []
    with transaction.atomic():
        actor = ensure_system_account()
        for index, demo in enumerate(DEMO_COUNTIES):
            bureau = (Organisation.objects.bureaus().select_related("region__parent__parent")
                      .filter(region__code=demo.region_code).first())
            if bureau is None:
                lines.append(f"未找到区划代码为 {demo.region_code} 的卫生健康局，跳过")
                continue
            county = demo_county(bureau, demo)
            generated = generate_county(county, random.Random(SEED + index), count, today=today)
            added = _load(bureau, generated, actor)
            lines.append(f"{bureau.name}新增 {added.entities} 个（证照 {added.licences} 张，信用记录 {added.grades} 条）"
                         if added.entities else f"{bureau.name}的演示监管对象已齐，未新增")
    return "；".join(lines)


def demo_county(bureau: Organisation, demo: DemoCounty) -> County:
    region = bureau.region
    townships = Region.objects.filter(parent=region, level=RegionLevel.TOWNSHIP).order_by("code")
    city = region.parent
    province = city.parent if city is not None else None
    return County(
        code=region.code, name=region.name, city=city.name if city else "", province=province.name if province else "",
        bureau=bureau.name, doc_prefix=bureau.doc_prefix, townships=tuple(Township(t.code, t.name) for t in townships),
        centre=demo.centre, area_code=demo.area_code, local_surnames=demo.local_surnames,
    )


@dataclass
class Added:
    entities: int = 0
    licences: int = 0
    grades: int = 0


def _load(bureau: Organisation, generated: list[SyntheticEntity], actor) -> Added:
    existing = Entity.objects.filter(organisation=bureau)
    names = set(existing.values_list("name", flat=True))
    codes = set(existing.exclude(credit_code="").values_list("credit_code", flat=True))
    wanted = [g for g in generated if g.name not in names and not (g.credit_code and g.credit_code in codes)]
    if not wanted:
        return Added()
    townships = {r.code: r for r in Region.objects.filter(code__in={g.township_code for g in wanted})}
    entities = [_entity(bureau, g, townships[g.township_code]) for g in wanted]
    Entity.objects.bulk_create(entities, batch_size=BATCH_SIZE)
    Entity.domains.through.objects.bulk_create(
        [Entity.domains.through(entity_id=e.pk, domain_id=code) for e, g in zip(entities, wanted) for code in g.domains],
        batch_size=BATCH_SIZE,
    )
    licences = {e.pk: [Licence(entity=e, organisation=bureau, kind=lic.kind, number=lic.number,
                               issued_on=lic.issued_on, valid_to=lic.valid_to, issuer=lic.issuer) for lic in g.licences]
                for e, g in zip(entities, wanted)}
    Licence.objects.bulk_create([lic for group in licences.values() for lic in group], batch_size=BATCH_SIZE)
    grades = _grade_history(bureau, entities, wanted)
    CreditGradeChange.objects.bulk_create(grades, batch_size=BATCH_SIZE)
    record_events(_events(entities, wanted, licences), actor=actor)
    return Added(len(entities), sum(len(group) for group in licences.values()), len(grades))


def _entity(bureau: Organisation, generated: SyntheticEntity, township: Region) -> Entity:
    entity = Entity(organisation=bureau, township=township, name_initials=name_initials(generated.name),
                    domain_codes=domain_codes_value(generated.domains), **generated.model_fields())
    # The model's own rules, without the per-row queries of full_clean: the generator must not drift from them.
    entity.clean_fields(exclude={"organisation", "township"})
    entity.clean()
    return entity


def _grader(bureau: Organisation):
    return (User.objects.filter(organisation__bureau=bureau, role_assignments__role__in=GRADER_ROLES, is_active=True)
            .order_by("username").first())


def _grade_history(bureau: Organisation, entities: list[Entity], wanted: list[SyntheticEntity]):
    """Each entity's first grade (B, when registered), then the decision that moved it, as the services record them."""
    grader = _grader(bureau)
    rows = []
    for entity, generated in zip(entities, wanted):
        rows.append(CreditGradeChange(
            entity=entity, organisation=bureau, from_grade="", to_grade=ENTITY_RULES.initial_credit_grade,
            basis=CreditGradeBasis.INITIAL, reason=INITIAL_GRADE_REASON, effective_on=generated.registered_on,
            changed_by=grader,
        ))
        rows += [CreditGradeChange(entity=entity, organisation=bureau, from_grade=c.from_grade, to_grade=c.to_grade,
                                   basis=c.basis, reason=c.reason, effective_on=c.effective_on, changed_by=grader)
                 for c in generated.grade_changes]
    return rows


def _events(entities, wanted, licences):
    """Per entity: its registration (at B, in operation), its licences, its grade decision, its status change."""
    for entity, generated in zip(entities, wanted):
        after = snapshot(entity, SNAPSHOT_FIELDS) | {
            "credit_grade": ENTITY_RULES.initial_credit_grade, "status": EntityStatus.OPERATING,
            "domains": sorted(generated.domains),
        }
        yield PendingEvent(AuditAction.CREATE, entity, after=after, detail={"source": "演示数据"})
        for licence in licences[entity.pk]:
            yield PendingEvent(AuditAction.CREATE, licence, after=snapshot(licence), detail={"entity": entity.name})
        for change in generated.grade_changes:
            yield PendingEvent(AuditAction.UPDATE, entity, before={"credit_grade": change.from_grade},
                               after={"credit_grade": change.to_grade},
                               detail={"basis": CreditGradeBasis(change.basis).label, "reason": change.reason})
        if generated.status != EntityStatus.OPERATING:
            move = transition_to(EntityStatus.OPERATING, generated.status)
            yield PendingEvent(AuditAction.TRANSITION, entity, before={"status": EntityStatus.OPERATING},
                               after={"status": generated.status},
                               detail=ENTITY_STATUS_MACHINE.event_detail(move, generated.status_note))


register_demo_step(DemoStep(order=10, label="监管对象", run=load_demo_entities))
