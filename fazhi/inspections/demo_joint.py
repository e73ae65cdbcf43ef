"""The joint-inspection part of the demo: 市场监管 and 消防救援 tasks on entities the bureau plans to visit, merged.

For each demo county: up to three entities with a planned visit get a task of each of the two departments
overlapping the visit; a county with no planned visit yet gets the two departments' tasks on three of its
entities instead. Then the county's tasks are merged. Idempotent: a county that already has demo tasks gets
none again, and merging twice changes nothing.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from fazhi.core.demo import DemoStep, register_demo_step
from fazhi.core.services import ensure_system_account
from fazhi.entities.choices import EntityStatus
from fazhi.entities.demo import demo_bureaus
from fazhi.entities.models import Entity

from .choices import Department, InspectionStatus
from .joint import JOINT_LIMITS, TaskInput, merge_joint_visits, save_tasks
from .models import ExternalTask, Inspection

DEMO_PREFIX = "DEMO-"
ENTITIES_PER_COUNTY = 3
MARKET_ITEMS = ("营业执照公示情况", "食品经营许可证及有效期", "明码标价执行情况")
FIRE_ITEMS = ("消防通道是否畅通", "灭火器配置及有效期", "应急照明和疏散指示标志", "营业执照公示情况")


def _targets(bureau, today: dt.date) -> list[tuple[Entity, dt.date, dt.date]]:
    """(entity, start, end) to put tasks on: planned visits first, else other entities; always entities with a
    credit code, which other departments' tasks name them by (an individual business may have none)."""
    visits = (Inspection.objects.filter(organisation=bureau, status=InspectionStatus.PLANNED, joint_visit__isnull=True,
                                        window_end__gte=today, items__isnull=False)
              .exclude(entity__credit_code="").select_related("entity").distinct().order_by("window_start", "pk"))
    targets, seen = [], set()
    for visit in visits[:50]:
        if visit.entity_id not in seen and len(targets) < ENTITIES_PER_COUNTY:
            seen.add(visit.entity_id)
            targets.append((visit.entity, visit.window_start - dt.timedelta(days=3),
                            visit.window_end + dt.timedelta(days=5)))
    if targets:
        return targets
    entities = (Entity.objects.filter(organisation=bureau, status=EntityStatus.OPERATING).exclude(credit_code="")
                .order_by("name")[:ENTITIES_PER_COUNTY])
    return [(e, today + dt.timedelta(days=10 + 7 * n), today + dt.timedelta(days=20 + 7 * n))
            for n, e in enumerate(entities)]


def _tasks(targets, year: int) -> list[TaskInput]:
    tasks = []
    for n, (entity, start, end) in enumerate(targets):
        tasks.append(TaskInput(n, Department.MARKET, f"{DEMO_PREFIX}SJ{year}-{entity.pk}", entity.credit_code,
                               f"{year}年市场监管双随机抽查", MARKET_ITEMS, start, end))
        tasks.append(TaskInput(n, Department.FIRE, f"{DEMO_PREFIX}XF{year}-{entity.pk}", entity.credit_code,
                               f"{year}年消防安全检查", FIRE_ITEMS, start + dt.timedelta(days=2), end + dt.timedelta(days=2)))
    return tasks


def load_demo_joint(*, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    actor, lines = ensure_system_account(), []
    for bureau in demo_bureaus():
        with transaction.atomic():
            if not ExternalTask.objects.filter(organisation=bureau, external_id__startswith=DEMO_PREFIX).exists():
                targets = _targets(bureau, today)
                if targets:
                    save_tasks(bureau, actor=actor, tasks=_tasks(targets, today.year))
            tasks = ExternalTask.objects.filter(organisation=bureau, joint_visit__isnull=True)
            first = min((t.window_start for t in tasks), default=today)
            last = max((t.window_end for t in tasks), default=today)
            # One merge covers at most JOINT_LIMITS.max_merge_days; demo tasks all fall well within that.
            last = min(max(last, first), first + dt.timedelta(days=JOINT_LIMITS.max_merge_days - 1))
            result = merge_joint_visits(bureau, actor=actor, window=(first, last))
        lines.append(f"{bureau.name}合并{result.tasks_merged}个任务为{len(result.visits)}次联合检查")
    return "；".join(lines) or "没有演示县区，跳过"


register_demo_step(DemoStep(order=90, label="联合检查", run=load_demo_joint))
