"""Demo data: a few 卫生监督意见书 per demo bureau, issued on visits whose on-site record is signed, with items in
each state a bureau meets (waiting, evidence in, accepted and closed, rejected past the deadline).

Everything goes through the services, so numbers and the audit chain are real. Idempotent: a bureau that has its
demo opinions gets no more, and a visit gets one opinion at most. Without signed demo visits it does nothing.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core.demo import DemoStep, register_demo_step
from fazhi.core.workflow import TransitionRefused

from .choices import RecordStatus
from .models import Inspection, SupervisionOpinion
from .permissions import INSPECTOR_ROLES
from .rectification import (
    OPINION_VISIT_STATUSES, ItemDraft, decide_item, issue_opinion, submit_evidence, suggested_items,
)

OPINIONS_PER_BUREAU = 4
SCENARIOS = ("waiting", "submitted", "closed", "rejected_overdue")
# Demo deadlines: a short one that has passed for old visits, a longer one still running.
SHORT_DAYS, LONG_DAYS = 7, 30


def _drafts(visit: Inspection, issued_on: dt.date, deadline: dt.date) -> list[ItemDraft]:
    found = suggested_items(visit)
    if not found:
        item = visit.items.first()
        found = [ItemDraft("完善卫生管理制度和从业人员健康管理档案，并张贴卫生许可证。", item.legal_basis[:300] if item else "")]
    return [ItemDraft(d.requirement, d.provision or "《公共场所卫生管理条例》", deadline) for d in found[:3]]


def _play(opinion: SupervisionOpinion, scenario: str, officer) -> None:
    items = list(opinion.items.all())
    if scenario == "waiting":
        return
    for item in items:
        submit_evidence(item, note="已按要求整改，附整改前后对比说明。")
    if scenario == "closed":
        for item in items:
            decide_item(item, actor=officer, accepted=True)
    elif scenario == "rejected_overdue":
        decide_item(items[0], actor=officer, accepted=False, note="整改材料与现场情况不符，请重新整改并补充照片。")


def _issue_demo(visit: Inspection, scenario: str, today: dt.date) -> bool:
    lead = next((m.officer for m in visit.team.select_related("officer") if m.officer.has_role(*INSPECTOR_ROLES)), None)
    if lead is None:
        return False
    overdue = scenario == "rejected_overdue" and visit.window_start + dt.timedelta(days=SHORT_DAYS) < today
    issued_on = visit.window_start if overdue else today
    deadline = issued_on + dt.timedelta(days=SHORT_DAYS if overdue else LONG_DAYS)
    try:
        with transaction.atomic():
            opinion = issue_opinion(visit, actor=lead, issued_on=issued_on, items=_drafts(visit, issued_on, deadline))
            _play(opinion, scenario, lead)
    except (ValidationError, PermissionDenied, TransitionRefused):
        return False  # a demo visit that does not qualify is left alone
    return True


def load_demo_rectification(*, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    visits = (Inspection.objects.filter(status__in=OPINION_VISIT_STATUSES, record__status=RecordStatus.SIGNED,
                                        opinions__isnull=True, window_start__lte=today)
              .select_related("organisation").order_by("organisation_id", "window_start", "id"))
    by_bureau = defaultdict(list)
    for visit in visits:
        by_bureau[visit.organisation].append(visit)
    if not by_bureau:
        return "尚无现场笔录已签名的演示检查，未生成卫生监督意见书"
    lines = []
    for bureau, candidates in by_bureau.items():
        have = SupervisionOpinion.objects.filter(organisation=bureau).count()
        issued = 0
        for visit in candidates:
            if have + issued >= OPINIONS_PER_BUREAU:
                break
            issued += _issue_demo(visit, SCENARIOS[(have + issued) % len(SCENARIOS)], today)
        lines.append(f"{bureau.name}新增卫生监督意见书 {issued} 份")
    return "；".join(lines)


register_demo_step(DemoStep(order=80, label="卫生监督意见书", run=load_demo_rectification))
