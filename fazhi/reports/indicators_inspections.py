"""The dashboard's figures of inspections (监督检查): visits, coverage, joint inspections, inspection burden,
rectification, campaigns and body-cam use. Registered by ReportsConfig.ready().

A visit counts as done once its on-site record is signed (status 笔录已签 or 已办结, as the campaign figures
count it); visits fall in a period by their 计划检查日期起, the date every inspection list filters by.
"""
from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from fazhi.entities.choices import EntityStatus
from fazhi.entities.models import Entity
from fazhi.inspections.campaigns import DONE_STATUSES
from fazhi.inspections.choices import InspectionStatus, RecordStatus, RectificationStatus
from fazhi.inspections.models import (
    Campaign, Inspection, InspectionOfficer, JointVisit, OnSiteRecord, RectificationItem, SupervisionOpinion,
)
from fazhi.inspections.rules import CASE_DRIVEN_REASONS

from .aggregates import (
    counts, day_range, grouped_indicator, lead_in_section, moment_range, rates, ratios, totals_by_organisation,
)
from .indicators import COUNT, FULL_IS_TARGET, PERCENT, RATIO, SECTIONLESS, Figure, Scope, percent, register_indicator

GROUP = "监督检查"
DONE = "现场笔录已签名（状态为“笔录已签”或“已办结”）"


def _visit_section(scope: Scope) -> Q:
    return lead_in_section(InspectionOfficer, "inspection", scope.section_id) if scope.section_id else Q()


def _through_visit_section(scope: Scope, outer: str) -> Q:
    if not scope.section_id:
        return Q()
    return lead_in_section(InspectionOfficer, "inspection", scope.section_id, outer=outer)


# ---- visits: done, joint, and the visits the annual cap counts ------------------------------------------------

def _capped(period: Scope) -> Q:
    return day_range("window_start", period) & ~Q(reason__in=CASE_DRIVEN_REASONS)


def _visit_totals(scope: Scope):
    def done(period):
        return day_range("window_start", period) & Q(status__in=DONE_STATUSES)

    rows = Inspection.objects.exclude(status=InspectionStatus.CANCELLED).filter(_visit_section(scope))
    return totals_by_organisation("inspections.visit_totals", scope, rows, {
        "done": lambda p: Count("pk", filter=done(p)),
        "joint": lambda p: Count("pk", filter=done(p) & Q(joint_visit__isnull=False)),
        "capped": lambda p: Count("pk", filter=_capped(p)),
        "capped_entities": lambda p: Count("entity_id", distinct=True, filter=_capped(p)),
    }, within=lambda p: day_range("window_start", p))


def done_visits(scope: Scope):
    return Inspection.objects.filter(day_range("window_start", scope), _visit_section(scope),
                                     organisation_id__in=scope.organisation_ids, status__in=DONE_STATUSES)


def capped_visits(scope: Scope):
    return (Inspection.objects.filter(organisation_id__in=scope.organisation_ids).counted_against_cap()
            .filter(window_start__gte=scope.start, window_start__lte=scope.end))


# ---- coverage ---------------------------------------------------------------------------------------------------

def _own_operating() -> Q:
    """A visit to an operating entity of the visiting bureau itself: what coverage counts."""
    return Q(entity__status=EntityStatus.OPERATING, entity__organisation_id=F("organisation_id"))


def _coverage(scope: Scope) -> dict[int, Figure]:
    # From the visits' side (one pass over the periods' visits, joined to their entities), not an EXISTS per
    # entity: a province has a million entities.
    visited = totals_by_organisation(
        "inspections.coverage", scope, Inspection.objects.filter(_own_operating(), status__in=DONE_STATUSES),
        {"visited": lambda p: Count("entity_id", distinct=True, filter=day_range("window_start", p))},
        within=lambda p: day_range("window_start", p))
    entities = totals_by_organisation("inspections.entities", scope,
                                      Entity.objects.filter(status=EntityStatus.OPERATING),
                                      {"entities": lambda p: Count("pk")})
    return {org: percent(int(visited.get(org, {}).get("visited") or 0), int(found["entities"] or 0))
            for org, found in entities.items()}


def operating_entities(scope: Scope):
    return Entity.objects.filter(organisation_id__in=scope.organisation_ids, status=EntityStatus.OPERATING)


def visited_entities(scope: Scope):
    done = Inspection.objects.filter(day_range("window_start", scope), entity=OuterRef("pk"),
                                     organisation_id=OuterRef("organisation_id"), status__in=DONE_STATUSES)
    return operating_entities(scope).filter(Exists(done))


# ---- joint visits, opinions, rectification, campaigns, records --------------------------------------------------

def _joint_section(scope: Scope) -> Q:
    if not scope.section_id:
        return Q()
    led = Inspection.objects.filter(_visit_section(scope), joint_visit=OuterRef("pk"))
    return Q(Exists(led))


def _joint_totals(scope: Scope):
    return totals_by_organisation(
        "inspections.joint_visits", scope, JointVisit.objects.filter(_joint_section(scope)),
        {"joint_visits": lambda p: Count("pk", filter=day_range("window_start", p))},
        within=lambda p: day_range("window_start", p))


def joint_visits(scope: Scope):
    return JointVisit.objects.filter(day_range("window_start", scope), _joint_section(scope),
                                     organisation_id__in=scope.organisation_ids)


def _opinion_totals(scope: Scope):
    rows = SupervisionOpinion.objects.filter(_through_visit_section(scope, "inspection_id"))
    return totals_by_organisation("inspections.opinions", scope, rows,
                                  {"opinions": lambda p: Count("pk", filter=day_range("issued_on", p))},
                                  within=lambda p: day_range("issued_on", p))


def opinions(scope: Scope):
    return SupervisionOpinion.objects.filter(day_range("issued_on", scope),
                                             _through_visit_section(scope, "inspection_id"),
                                             organisation_id__in=scope.organisation_ids)


def _due(period: Scope) -> Q:
    """Items whose deadline falls in the period and has come: a deadline still ahead is not yet due."""
    return Q(deadline__gte=period.start, deadline__lte=min(period.end, timezone.localdate()))


def _rectification_totals(scope: Scope):
    rows = RectificationItem.objects.filter(_through_visit_section(scope, "opinion__inspection_id"))
    return totals_by_organisation("inspections.rectification", scope, rows, {
        "due": lambda p: Count("pk", filter=_due(p)),
        "accepted": lambda p: Count("pk", filter=_due(p) & Q(status=RectificationStatus.ACCEPTED)),
    }, within=_due, by="opinion__organisation_id")


def items_due(scope: Scope):
    return RectificationItem.objects.filter(_due(scope), _through_visit_section(scope, "opinion__inspection_id"),
                                            opinion__organisation_id__in=scope.organisation_ids)


def _overlaps(period: Scope) -> Q:
    return Q(starts_on__lte=period.end, ends_on__gte=period.start)


def _campaign_totals(scope: Scope):
    return totals_by_organisation("inspections.campaigns", scope, Campaign.objects.all(),
                                  {"campaigns": lambda p: Count("pk", filter=_overlaps(p))}, within=_overlaps)


def campaigns(scope: Scope):
    return Campaign.objects.filter(_overlaps(scope), organisation_id__in=scope.organisation_ids)


def _record_totals(scope: Scope):
    rows = OnSiteRecord.objects.filter(_through_visit_section(scope, "inspection_id"), status=RecordStatus.SIGNED)
    return totals_by_organisation("inspections.records", scope, rows, {
        "signed": lambda p: Count("pk", filter=moment_range("arrived_at", p)),
        "bodycam": lambda p: Count("pk", filter=moment_range("arrived_at", p) & ~Q(bodycam_file_id="")),
    }, within=lambda p: moment_range("arrived_at", p))


def signed_records(scope: Scope):
    return OnSiteRecord.objects.filter(moment_range("arrived_at", scope),
                                       _through_visit_section(scope, "inspection_id"),
                                       organisation_id__in=scope.organisation_ids, status=RecordStatus.SIGNED)


# ---- the indicators ---------------------------------------------------------------------------------------------

INDICATORS = (
    grouped_indicator(
        code="inspections.visits", label="监督检查户次", unit="户次", group=GROUP, order=100, kind=COUNT,
        definition=f"本机关统计期内完成的监督检查户次：{DONE}的检查，每次计1户次，按计划检查日期起计入统计期；"
                   "已取消、尚未检查的不计。",
        grouped=lambda s: counts(_visit_totals(s), "done"), records=done_visits,
        phrase="开展监督检查{value}"),
    grouped_indicator(
        code="inspections.coverage", label="检查覆盖率", unit="%", group=GROUP, order=110, kind=PERCENT,
        tags=frozenset({SECTIONLESS}),
        definition=f"本机关在营监管对象中，统计期内至少接受过一次本机关已完成检查（{DONE}，按计划检查日期起计）的"
                   "户数 ÷ 本机关在营监管对象户数。经营状态取当前状态。",
        grouped=_coverage, records=operating_entities, numerator_records=visited_entities,
        phrase="在营监管对象检查覆盖率{value}"),
    grouped_indicator(
        code="inspections.joint_visits", label="联合检查次数", unit="次", group=GROUP, order=120, kind=COUNT,
        definition="统计期内合并多个部门检查任务形成的联合检查（综合查一次），按联合检查日期起计入统计期；"
                   "按科室筛选时，计其中由该科室人员主办的检查。",
        grouped=lambda s: counts(_joint_totals(s), "joint_visits"), records=joint_visits,
        phrase="开展“综合查一次”联合检查{value}"),
    grouped_indicator(
        code="inspections.joint_share", label="联合检查占比", unit="%", group=GROUP, order=130, kind=PERCENT,
        definition="已完成的监督检查户次中，属于联合检查的户次 ÷ 已完成的监督检查户次（口径同“监督检查户次”）。",
        grouped=lambda s: rates(_visit_totals(s), "joint", "done"),
        records=done_visits, numerator_records=lambda s: done_visits(s).filter(joint_visit__isnull=False),
        phrase="联合检查占监督检查户次的{value}"),
    grouped_indicator(
        code="inspections.visits_per_entity", label="迎检频次", unit="次/户", group=GROUP, order=140, kind=RATIO,
        tags=frozenset({SECTIONLESS}),
        definition="受检监管对象平均接受检查的次数：计入年度频次上限的检查次数（未取消，且不含投诉举报、12345转办、"
                   "移送、整改复查、许可核查、突发事件等事由驱动的检查，与“迎检频次”报表口径一致）÷ 这些检查涉及的"
                   "监管对象户数，按计划检查日期起计入统计期。",
        grouped=lambda s: ratios(_visit_totals(s), "capped", "capped_entities"), records=capped_visits,
        phrase="受检对象户均迎检{value}"),
    grouped_indicator(
        code="inspections.opinions", label="卫生监督意见书", unit="份", group=GROUP, order=150, kind=COUNT,
        definition="统计期内出具的卫生监督意见书份数，按出具日期计入统计期。",
        grouped=lambda s: counts(_opinion_totals(s), "opinions"), records=opinions,
        phrase="出具卫生监督意见书{value}"),
    grouped_indicator(
        code="inspections.rectification_rate", label="整改完成率", unit="%", group=GROUP, order=160, kind=PERCENT,
        tags=frozenset({FULL_IS_TARGET}),
        definition="整改期限在统计期内且已届满的整改事项中，经审核“整改合格”的事项数 ÷ 这些事项总数。"
                   "期限尚未届满的事项不计。",
        grouped=lambda s: rates(_rectification_totals(s), "accepted", "due"),
        records=items_due, numerator_records=lambda s: items_due(s).filter(status=RectificationStatus.ACCEPTED),
        phrase="到期整改事项{denominator}项、整改合格{numerator}项，整改完成率{value}"),
    grouped_indicator(
        code="inspections.campaigns", label="专项执法行动", unit="项", group=GROUP, order=170, kind=COUNT,
        tags=frozenset({SECTIONLESS}),
        definition="实施期间（开始日期至结束日期）与统计期有交叉的专项执法行动项数。",
        grouped=lambda s: counts(_campaign_totals(s), "campaigns"), records=campaigns,
        phrase="开展专项执法行动{value}"),
    grouped_indicator(
        code="inspections.bodycam_rate", label="执法记录仪使用率", unit="%", group=GROUP, order=180, kind=PERCENT,
        tags=frozenset({FULL_IS_TARGET}),
        definition="已签名的现场笔录中，登记了执法记录仪视音频文件编号的笔录数 ÷ 已签名的现场笔录数，"
                   "按到达现场时间计入统计期。",
        grouped=lambda s: rates(_record_totals(s), "bodycam", "signed"),
        records=signed_records, numerator_records=lambda s: signed_records(s).exclude(bodycam_file_id=""),
        phrase="现场检查执法记录仪使用率{value}"),
)


def register() -> None:
    for found in INDICATORS:
        register_indicator(found)
