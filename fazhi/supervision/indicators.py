"""The early warnings' figures for the dashboard and the annual report: each a definition, a count over a scope
(one grouped query gives every organisation's figure) and the warning list filtered to the warnings counted.
Registered from SupervisionConfig.ready().

A warning belongs to the organisation of the record it names and to the section of its responsible officer. The
period selects the warnings by the day they were first raised; "待处置" and "逾期" say how those stand today.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from fazhi.reports.indicators import COUNT, Figure, Indicator, Scope, fold, register_indicator

from .choices import WarningStatus
from .models import EarlyWarning

GROUP = "执法监督"
ORGS_SEPARATOR = "."


def raised_in(scope: Scope):
    warnings = EarlyWarning.objects.of_organisations(scope.organisation_ids).raised_between(scope.start, scope.end)
    return warnings.in_section(scope.section_id) if scope.section_id else warnings


def still_open(scope: Scope):
    return raised_in(scope).filter(status=WarningStatus.OPEN)


def overdue(scope: Scope):
    return raised_in(scope).overdue(timezone.localdate())


def _by_organisation(rows):
    def grouped(scope: Scope) -> dict[int, Figure]:
        counted = rows(scope).order_by().values("organisation_id").annotate(n=Count("pk"))
        return {row["organisation_id"]: Figure(row["n"]) for row in counted}

    return grouped


def _total(rows):
    return lambda scope: fold(COUNT, _by_organisation(rows)(scope).values())


def list_url(scope: Scope, **filters) -> str:
    """The warning list showing the warnings a figure counts."""
    query = {"orgs": ORGS_SEPARATOR.join(str(pk) for pk in sorted(scope.organisation_ids)),
             "first_seen_after": scope.start.isoformat(), "first_seen_before": scope.end.isoformat(),
             "status": "", **filters}
    if scope.section_id:
        query["section"] = scope.section_id
    return f"{reverse('supervision:list')}?{urlencode(query)}"


INDICATORS = (
    Indicator(
        code="supervision.warnings_raised", label="预警总数", unit="条", group=GROUP, order=620,
        definition="期间内由预警规则产生（首次发现）的预警条数，含已知悉和已消除的；同一记录的同一情形消除后再次出现的，"
                   "另计一条。预警归属所涉记录的机构，按责任人所在科室分科室统计。",
        compute=_total(raised_in), compute_by_organisation=_by_organisation(raised_in),
        records_url=lambda scope: list_url(scope), phrase="系统自动预警{value}"),
    Indicator(
        code="supervision.warnings_open", label="未处置预警", unit="条", group=GROUP, order=621,
        definition="期间内产生的预警中，至今仍为“待处置”的条数：预警情形尚未消除，责任人也未填写处置说明。",
        compute=_total(still_open), compute_by_organisation=_by_organisation(still_open),
        records_url=lambda scope: list_url(scope, status=WarningStatus.OPEN)),
    Indicator(
        code="supervision.warnings_overdue", label="逾期预警", unit="条", group=GROUP, order=622,
        definition="期间内产生的预警中，至今尚未消除（待处置或已知悉）且已超过其期限（如立案、办案、送达、公开期限）的条数；"
                   "不设期限的预警不计入。",
        compute=_total(overdue), compute_by_organisation=_by_organisation(overdue),
        records_url=lambda scope: list_url(scope, status="unresolved", overdue="1")),
)


def register() -> None:
    for item in INDICATORS:
        register_indicator(item)
