"""Demo visits for the two model counties: some planned, some registered with their codes, some cancelled.

Deterministic (a fixed seed) and idempotent: an entity that already has a visit gets none from here, so a
second run adds nothing. Rows are written directly and their audit events appended by `record_events`, as the
entity registry's demo does. Items come from the bureau's published list; only when it has none are a few
common items created and published here.
"""
from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from fazhi.core.audit import PendingEvent, record_events, snapshot
from fazhi.core.certificates import may_enforce
from fazhi.core.choices import AuditAction
from fazhi.core.demo import DemoStep, register_demo_step
from fazhi.core.services import ensure_system_account
from fazhi.entities.choices import EntityStatus
from fazhi.entities.demo import demo_bureaus
from fazhi.entities.models import Entity

from .choices import InspectionStatus as S
from .choices import ItemStatus, VisitReason
from .codes import issue_code
from .models import Inspection, InspectionItem, InspectionOfficer
from .rules import INSPECTION_RULES
from .status import INSPECTION_MACHINE
from .visits import eligible_officers, published_items

SEED = 20260301
# (code, domain, title, content, method, legal basis): created only for a bureau with no published item.
FALLBACK_ITEMS = (
    ("DEMO-GG-01", "public_place", "卫生许可证持证及公示情况", "查验公共场所卫生许可证是否在有效期内并在醒目位置公示。",
     "现场检查、查阅资料", "《公共场所卫生管理条例》第八条"),
    ("DEMO-GG-02", "public_place", "从业人员健康合格证明", "查验直接为顾客服务的从业人员是否取得有效健康合格证明。",
     "查阅资料", "《公共场所卫生管理条例》第七条"),
    ("DEMO-YL-01", "medical_service", "医疗机构执业登记情况", "查验医疗机构执业许可证、诊疗科目与实际开展项目是否一致。",
     "现场检查、查阅资料", "《医疗机构管理条例》第十四条、第二十三条"),
)
# (days from today, reason, status) of each demo visit of a county.
VISIT_PLAN = (
    (3, VisitReason.ROUTINE, S.PLANNED),
    (10, VisitReason.KEY_SUPERVISION, S.PLANNED),
    (0, VisitReason.ROUTINE, S.REGISTERED),
    (1, VisitReason.COMPLAINT, S.REGISTERED),
    (-6, VisitReason.ROUTINE, S.CANCELLED),
)
CANCEL_REASON = "经营者停业装修，改期检查"


def load_demo_visits(*, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    lines = []
    with transaction.atomic():
        actor = ensure_system_account()
        for index, bureau in enumerate(demo_bureaus()):
            events: list[PendingEvent] = []
            added = _county(bureau, actor, random.Random(SEED + index), today, events)
            record_events(events, actor=actor)
            lines.append(f"{bureau.name}新增监督检查 {added} 次" if added else f"{bureau.name}的演示监督检查已齐，未新增")
    return "；".join(lines) or "未找到演示县区，未新增监督检查"


def _items(bureau, actor, events) -> list[InspectionItem]:
    items = list(published_items(bureau))
    if items:
        return items
    now = timezone.now()
    for n, (code, domain, title, content, method, basis) in enumerate(FALLBACK_ITEMS):
        item = InspectionItem.objects.create(
            organisation=bureau, domain_id=domain, code=code, title=title, content=content, method=method,
            legal_basis=basis, status=ItemStatus.PUBLISHED, published_at=now, sort_order=n, created_by=actor,
        )
        events.append(PendingEvent(AuditAction.CREATE, item, after=snapshot(item), detail={"source": "演示数据"}))
        items.append(item)
    return items


def _team(bureau, domain: str, day: dt.date) -> list[tuple]:
    """The first officers (by name) certified for `domain` on `day`, as (officer, certificate)."""
    team = []
    for officer in eligible_officers(bureau):
        check = may_enforce(officer, domain, day)
        if check:
            team.append((officer, check.certificate))
        if len(team) == INSPECTION_RULES.min_officers:
            return team
    return []


def _county(bureau, actor, rng: random.Random, today: dt.date, events) -> int:
    # Routine and complaint visits come only from here (draws make the others): their presence means done.
    if Inspection.objects.filter(organisation=bureau, reason__in=(VisitReason.ROUTINE, VisitReason.COMPLAINT)).exists():
        return 0
    items = _items(bureau, actor, events)
    by_domain: dict[str, list[InspectionItem]] = {}
    for item in items:
        by_domain.setdefault(item.domain_id, []).append(item)
    added = 0
    for domain, domain_items in sorted(by_domain.items()):
        team = _team(bureau, domain, today)
        candidates = list(Entity.objects.filter(organisation=bureau, status=EntityStatus.OPERATING, domains=domain,
                                                inspections__isnull=True).order_by("id")[:200])
        if not team or len(candidates) < len(VISIT_PLAN):
            continue
        entities = rng.sample(candidates, len(VISIT_PLAN))
        for entity, (offset, reason, status) in zip(entities, VISIT_PLAN):
            _visit(entity, bureau, actor, team, domain_items[:2], today + dt.timedelta(days=offset), reason, status,
                   events)
            added += 1
    return added


def _visit(entity, bureau, actor, team, items, day, reason, status, events) -> None:
    inspection = Inspection.objects.create(organisation=bureau, entity=entity, reason=reason, window_start=day,
                                           window_end=day, created_by=actor)
    inspection.items.set(items)
    InspectionOfficer.objects.bulk_create(InspectionOfficer(inspection=inspection, officer=o, certificate=c,
                                                            is_lead=n == 0) for n, (o, c) in enumerate(team))
    events.append(PendingEvent(AuditAction.CREATE, inspection, after=snapshot(inspection),
                               detail={"source": "演示数据"}))
    if status == S.PLANNED:
        return
    move = "register" if status == S.REGISTERED else "cancel"
    if move == "register":
        issue_code(inspection)
    else:
        inspection.cancel_reason = CANCEL_REASON
    inspection.status = status  # the demo replays a move the machine would make; its event follows
    inspection.save()
    events.append(PendingEvent(AuditAction.TRANSITION, inspection, before={"status": S.PLANNED},
                               after={"status": status},
                               detail=INSPECTION_MACHINE.event_detail(INSPECTION_MACHINE[move])))


register_demo_step(DemoStep(order=45, label="监督检查（亮码）", run=load_demo_visits))
