"""Case-file review's figures for the dashboard and the annual report, each with its definition and the list of the
records behind it. Registered from ReviewsConfig.ready(); the list pages filter with the same QuerySet methods."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from fazhi.reports.indicators import Figure, Indicator, Scope, percent, register_indicator

from .models import AutomaticReview, ManualReview

GROUP = "执法监督"


def _scoped(queryset, scope: Scope):
    queryset = queryset.of_organisations(scope.organisation_ids)
    return queryset.in_section(scope.section_id) if scope.section_id else queryset


def _url(name: str, scope: Scope, **params) -> str:
    query = {"org": ",".join(str(pk) for pk in scope.organisation_ids), **params}
    if scope.section_id:
        query["section"] = scope.section_id
    return f"{reverse(name)}?{urlencode(query)}"


def signed_in_period(scope: Scope):
    return _scoped(ManualReview.objects.signed_between(scope.start, scope.end), scope)


def files_received_in_period(scope: Scope):
    return _scoped(AutomaticReview.objects.received_between(scope.start, scope.end), scope)


def manual_reviewed(scope: Scope) -> Figure:
    return Figure(signed_in_period(scope).count())


def manual_pass_rate(scope: Scope) -> Figure:
    signed = signed_in_period(scope)
    total = signed.count()
    if not total:
        return Figure(None, 0, 0, note="期间没有签署的案卷评查")
    passed = signed.passed().count()
    return Figure((Decimal(passed * 100) / total).quantize(Decimal("0.1"), ROUND_HALF_UP), passed, total)


def _by_organisation(rows, passed_only: bool = False):
    """Each organisation's figure from one grouped query (the case's organisation: an institute's files are grouped
    under it and folded into its bureau by the dashboard)."""
    from .choices import Grade

    def grouped(scope: Scope) -> dict[int, Figure]:
        counted = rows(scope).order_by().values("case__organisation_id").annotate(
            n=Count("pk"), passed=Count("pk", filter=Q(grade__in=(Grade.EXCELLENT, Grade.PASS))) if passed_only
            else Count("pk"))
        if not passed_only:
            return {row["case__organisation_id"]: Figure(row["n"]) for row in counted}
        return {row["case__organisation_id"]: percent(row["passed"], row["n"]) for row in counted}

    return grouped


def manual_records(scope: Scope) -> str:
    return _url("reviews:manual_list", scope, status="signed", signed_from=scope.start.isoformat(),
                signed_to=scope.end.isoformat())


def auto_records(flag: str):
    def url(scope: Scope) -> str:
        return _url("reviews:automatic_list", scope, **{flag: "1"}, received_from=scope.start.isoformat(),
                    received_to=scope.end.isoformat())
    return url


INDICATORS = (
    Indicator(
        code="reviews.manual_reviewed", label="案卷评查数", unit="件", group=GROUP, order=610,
        definition="期间内签署的人工案卷评查表份数（按签署日期计）；统计对象为本机关及所属机构承办的案卷，"
                   "由本机关或上级机关法制科评查的均计入。",
        compute=manual_reviewed, records_url=manual_records,
        compute_by_organisation=_by_organisation(signed_in_period)),
    Indicator(
        code="reviews.manual_pass_rate", label="评查合格率", unit="%", group=GROUP, order=611,
        definition="期间内签署的案卷评查中，评查结论为“优秀”或“合格”的份数 ÷ 签署的评查份数 × 100%；"
                   "触及否决项的案卷一律为不合格。",
        compute=manual_pass_rate, records_url=manual_records,
        compute_by_organisation=_by_organisation(signed_in_period, passed_only=True)),
    Indicator(
        code="reviews.auto_flagged", label="自动评查发现问题案件数", unit="件", group=GROUP, order=612,
        definition="期间内受理（发现）的案件中，最近一次自动评查发现至少一个问题的案件数；自动评查只覆盖能由办案记录"
                   "判断的评查条目。",
        compute=lambda scope: Figure(files_received_in_period(scope).flagged().count()),
        records_url=auto_records("flagged"),
        compute_by_organisation=_by_organisation(lambda scope: files_received_in_period(scope).flagged())),
    Indicator(
        code="reviews.auto_vetoed", label="自动评查触及否决项案件数", unit="件", group=GROUP, order=613,
        definition="期间内受理（发现）的案件中，最近一次自动评查触及否决项（如执法人员不足二人或无有效执法证、"
                   "应当法制审核或集体讨论而未进行）的案件数。",
        compute=lambda scope: Figure(files_received_in_period(scope).vetoed().count()),
        records_url=auto_records("vetoed"),
        compute_by_organisation=_by_organisation(lambda scope: files_received_in_period(scope).vetoed())),
)


def register() -> None:
    for item in INDICATORS:
        register_indicator(item)
