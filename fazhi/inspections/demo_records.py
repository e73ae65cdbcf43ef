"""Demo on-site records: a few registered demo visits of each model county get a signed record.

Written through the services, as an officer would (so numbers, locks, audit events and the visit's move to
笔录已签 are the real ones). Only visits that exist and are registered are used; with none, nothing happens.
Idempotent: a visit that already has a record is left alone.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core.demo import DemoStep, register_demo_step
from fazhi.core.workflow import TransitionRefused
from fazhi.entities.demo import demo_bureaus

from .choices import InspectionStatus, ItemResult, RecordStatus
from .models import Inspection, OnSiteRecord
from .records import ItemResultInput, RecordInput, save_record, sign_record

RECORDS_PER_COUNTY = 3
FINDING = ("部分从业人员未能出示有效健康合格证明。", "《公共场所卫生管理条例》第七条")


def _demo_input(inspection: Inspection, index: int) -> RecordInput:
    arrived = timezone.make_aware(dt.datetime.combine(inspection.window_start, dt.time(9, 30)))
    items = list(inspection.items.all())
    results = []
    for n, item in enumerate(items):
        # The first visit of each county found one thing wrong; the rest were in order.
        if index == 0 and n == len(items) - 1:
            results.append(ItemResultInput(item.pk, ItemResult.NON_COMPLIANT, *FINDING))
        else:
            results.append(ItemResultInput(item.pk, ItemResult.COMPLIANT))
    bodycam = {"bodycam_device": f"DSJ-{inspection.organisation_id:02d}{index + 1:02d}",
               "bodycam_file_id": f"{inspection.window_start:%Y%m%d}-{inspection.pk:06d}", "bodycam_seconds": 1860}
    if index == 2:
        bodycam = {"bodycam_absent_reason": "执法记录仪电量耗尽，已以现场照片补充记录。"}
    return RecordInput(
        arrived_at=arrived, left_at=arrived + dt.timedelta(minutes=45), place=inspection.entity.address,
        present_person=inspection.entity.contact_person or inspection.entity.legal_representative or "负责人",
        present_person_title="负责人", summary="检查组出示执法证件并亮码，说明来意，对照检查清单逐项检查。",
        results=tuple(results), **bodycam,
    )


def load_demo_records() -> str:
    lines = []
    for bureau in demo_bureaus():
        have = OnSiteRecord.objects.filter(organisation=bureau, status=RecordStatus.SIGNED).count()
        wanted = max(RECORDS_PER_COUNTY - have, 0)  # a second run signs no more than the first left to sign
        visits = (Inspection.objects.filter(organisation=bureau, status=InspectionStatus.REGISTERED,
                                            record__isnull=True, window_start__lte=timezone.localdate())
                  .select_related("entity", "organisation").order_by("window_start", "id")[:wanted])
        signed = 0
        for index, inspection in enumerate(visits):
            lead = inspection.team.select_related("officer").first()
            if lead is None:
                continue
            try:
                with transaction.atomic():
                    outcome = save_record(inspection, _demo_input(inspection, index), actor=lead.officer)
                    sign_record(outcome.record, actor=lead.officer)
            except (ValidationError, PermissionDenied, TransitionRefused):
                continue  # a demo visit the rules do not let this officer record: leave it as it is
            signed += 1
        if signed:
            lines.append(f"{bureau.name}签署现场笔录{signed}份")
    return "；".join(lines) or "没有已亮码的演示检查，未生成现场笔录"


register_demo_step(DemoStep(order=55, label="现场笔录", run=load_demo_records))
