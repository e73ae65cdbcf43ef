"""Evaluators of the warning rules on inspections and on officers' certificates (warning_rules.RULES).

As for cases: a few queries over the whole scope, the inspections module's own reads (due_for_recheck,
counted_against_cap, open) and rules (INSPECTION_RULES), a Finding per record whose condition holds today.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import BigIntegerField, Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from fazhi.core.choices import CertificateStatus
from fazhi.core.workdays import add_workdays
from fazhi.inspections.choices import InspectionStatus, ItemStatus, RecordStatus
from fazhi.inspections.rules import INSPECTION_RULES

from .engine import CERTIFICATE, ENTITY, INSPECTION, OPINION, Finding, ScanContext, chunks, day, teams


def _visit_team(ids: list[int]) -> dict[int, tuple[int, ...]]:
    from fazhi.inspections.models import InspectionOfficer

    return teams(InspectionOfficer, "inspection_id", ids)


def _visit_findings(ctx: ScanContext, rows, message) -> Iterator[Finding]:
    """A Finding per visit row (pk, organisation_id, entity__name, window_start, ...) with the visit's team."""
    for batch in chunks(rows):
        team = _visit_team([row.pk for row in batch])
        for row in batch:
            text = message(row)
            if text:
                yield Finding(row.pk, row.organisation_id, team.get(row.pk, ()), row.window_start, text,
                              f"{row.window_start:%Y-%m-%d} {row.entity__name}")


def _visits(ctx: ScanContext, queryset, *fields):
    return (ctx.narrow(queryset, INSPECTION).order_by("pk")
            .values_list("pk", "organisation_id", "entity__name", "window_start", *fields, named=True)
            .iterator(chunk_size=5_000))


def recheck(ctx: ScanContext, lead: None) -> Iterator[Finding]:
    """W-INSP-RECHECK: an opinion in progress whose last rectification deadline has passed with no re-check
    planned (rectification.due_for_recheck); due when the re-check window after the deadline ends."""
    from fazhi.inspections.rectification import due_for_recheck

    opinions = (ctx.narrow(due_for_recheck(ctx.today), OPINION)
                .values_list("pk", "organisation_id", "number", "latest_deadline", "inspection_id",
                             "inspection__entity__name", named=True).iterator(chunk_size=5_000))
    window = INSPECTION_RULES.recheck_window_workdays
    for batch in chunks(opinions):
        team = _visit_team([row.inspection_id for row in batch])
        for row in batch:
            due = ctx.ask(add_workdays, row.latest_deadline, window)
            yield Finding(row.pk, row.organisation_id, team.get(row.inspection_id, ()), due,
                          f"卫生监督意见书{row.number}的整改期限已于{day(row.latest_deadline)}届满，尚未安排复查；"
                          f"应在期满后{window}个工作日内复查。", f"{row.number} {row.inspection__entity__name}")


def over_cap(ctx: ScanContext, lead: None) -> Iterator[Finding]:
    """W-INSP-CAP: a visit not yet made that goes over the annual cap, without a leader's approval."""
    from fazhi.inspections.models import Inspection

    visits = Inspection.objects.filter(over_cap=True, cap_approved_by__isnull=True).open()
    rules = INSPECTION_RULES
    return _visit_findings(ctx, _visits(ctx, visits), lambda row: (
        f"对该单位的本次检查超出年度检查频次上限（同一层级每年不超过{rules.annual_cap_per_level}次、各级合计不超过"
        f"{rules.annual_cap_total}次），尚未经负责人批准。"))


def unlisted_items(ctx: ScanContext, lead: None) -> Iterator[Finding]:
    """W-INSP-ITEM: a visit not yet made that includes an item not on the published list (国办发〔2024〕54号)."""
    from fazhi.inspections.models import Inspection

    through = Inspection.items.through
    unlisted = through.objects.filter(inspection_id=OuterRef("pk")).exclude(inspectionitem__status=ItemStatus.PUBLISHED)
    rows = list(_visits(ctx, Inspection.objects.open().filter(Exists(unlisted))))
    titles: dict[int, list[str]] = {}
    for batch in chunks([row.pk for row in rows]):
        for visit_id, title in (through.objects.filter(inspection_id__in=batch)
                                .exclude(inspectionitem__status=ItemStatus.PUBLISHED)
                                .order_by("inspection_id", "inspectionitem__code")
                                .values_list("inspection_id", "inspectionitem__title")):
            titles.setdefault(visit_id, []).append(title)
    return _visit_findings(ctx, rows, lambda row: (
        f"检查事项“{'、'.join(titles.get(row.pk, []))}”不在已公布的检查事项清单内，不得实施检查"
        "（国办发〔2024〕54号）。"))


def bodycam(ctx: ScanContext, lead: None) -> Iterator[Finding]:
    """W-INSP-BODYCAM: an on-site record still in draft after the day of the visit, with neither a whole
    body-cam record nor the reason it was not used (国卫监督发〔2018〕54号; records.completeness_problem)."""
    from fazhi.inspections.models import Inspection, OnSiteRecord

    start_of_today = timezone.make_aware(dt.datetime.combine(ctx.today, dt.time.min))
    lacking = Q(bodycam_device="") | Q(bodycam_file_id="") | Q(bodycam_seconds__isnull=True) | Q(bodycam_seconds=0)
    visits = ctx.narrow(Inspection.objects.exclude(status=InspectionStatus.CANCELLED), INSPECTION)
    records = (OnSiteRecord.objects.filter(lacking, status=RecordStatus.DRAFT, bodycam_absent_reason="",
                                           arrived_at__lt=start_of_today, inspection__in=visits.values("pk"))
               .order_by("inspection_id")
               .values_list("inspection_id", "inspection__organisation_id", "inspection__entity__name",
                            "inspection__window_start", "arrived_at"))
    for batch in chunks(records.iterator(chunk_size=5_000)):
        team = _visit_team([row[0] for row in batch])
        for visit_id, organisation_id, entity, window_start, arrived_at in batch:
            yield Finding(visit_id, organisation_id, team.get(visit_id, ()), None,
                          f"{day(timezone.localdate(arrived_at))}的现场笔录尚未登记执法记录仪视音频，也未写明未使用的原因；"
                          "现场检查应全程音像记录。", f"{window_start:%Y-%m-%d} {entity}")


def repeated_visits(ctx: ScanContext, lead: None) -> Iterator[Finding]:
    """W-INSP-REPEAT: within the window around today, an entity has a visit still to be made and others, by
    separate teams (not merged into one joint visit), which the cap counts (综合查一次, 进一次门、查多项事)."""
    from fazhi.entities.models import Entity
    from fazhi.inspections.models import Inspection

    from .warning_rules import WARNING_SETTINGS

    span = dt.timedelta(days=WARNING_SETTINGS.repeat_window_days)
    visits = Inspection.objects.counted_against_cap().filter(window_start__gte=ctx.today - span,
                                                             window_start__lte=ctx.today + span)
    if ctx.scope is not None:
        visits = visits.filter(entity__in=ctx.narrow(Entity.objects.all(), ENTITY).values("pk"))
    separate = Count(Coalesce(F("joint_visit_id"), -F("id"), output_field=BigIntegerField()), distinct=True)
    flagged = (visits.order_by().values("entity_id")
               .annotate(separate=separate, to_make=Count("pk", filter=Q(status=InspectionStatus.PLANNED)))
               .filter(separate__gte=WARNING_SETTINGS.repeat_min_visits, to_make__gte=1)
               .values_list("entity_id", flat=True))
    for batch in chunks(flagged.iterator(chunk_size=5_000)):
        yield from _repeated(ctx, visits.filter(entity_id__in=batch))


def _repeated(ctx: ScanContext, visits) -> Iterator[Finding]:
    from .warning_rules import WARNING_SETTINGS

    rows = list(visits.order_by("entity_id", "window_start", "id").values_list(
        "entity_id", "pk", "status", "window_start", "organisation__short_name", "organisation__name",
        "entity__organisation_id", "entity__name", named=True))
    team = _visit_team([row.pk for row in rows])
    per_entity: dict[int, list] = {}
    for row in rows:
        per_entity.setdefault(row.entity_id, []).append(row)
    labels = dict(InspectionStatus.choices)
    for entity_id, found in per_entity.items():
        to_make = [row for row in found if row.status == InspectionStatus.PLANNED]
        leads = [team[row.pk][0] for row in to_make + found if team.get(row.pk)]
        listed = "、".join(f"{row.window_start:%Y-%m-%d}（{row.organisation__short_name or row.organisation__name}，"
                          f"{labels[row.status]}）" for row in found)
        yield Finding(entity_id, found[0].entity__organisation_id, tuple(dict.fromkeys(leads)),
                      min(row.window_start for row in to_make),
                      f"对该单位前后{WARNING_SETTINGS.repeat_window_days}日内安排了{len(found)}次检查：{listed}；"
                      "建议合并为一次联合检查，避免重复检查（综合查一次）。", found[0].entity__name)


def certificate_expiry(ctx: ScanContext, lead: int) -> Iterator[Finding]:
    """W-CERT-EXPIRY: a valid certificate of an active officer expiring within the lead days
    (CertificateQuerySet.expiring_within; CERTIFICATE_RULES), unless a later one is already held."""
    from fazhi.core.models import EnforcementCertificate

    renewed = EnforcementCertificate.objects.filter(holder=OuterRef("holder_id"), status=CertificateStatus.VALID,
                                                    valid_to__gt=OuterRef("valid_to"))
    certificates = (ctx.narrow(EnforcementCertificate.objects.expiring_within(ctx.today, lead), CERTIFICATE)
                    .filter(holder__is_active=True, holder__organisation__isnull=False)
                    .exclude(Exists(renewed))
                    .order_by("pk").values_list("pk", "number", "valid_to", "holder_id", "holder__organisation_id"))
    for pk, number, valid_to, holder_id, organisation_id in certificates.iterator(chunk_size=5_000):
        name = ctx.name(holder_id)
        yield Finding(pk, organisation_id, (holder_id,), valid_to,
                      f"{name}的行政执法证{number}将于{day(valid_to)}到期，请及时申请换证；到期后不得从事执法。",
                      f"{number} {name}")
