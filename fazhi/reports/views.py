"""Pages of the reports: the leaders' dashboard, the records behind a figure, and the annual report.

Reading needs one of the dashboard roles; every figure is computed over the bureaus the viewer may see, and a
records address naming a bureau outside them answers 404.
"""
from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from fazhi.core.audit import record_event
from fazhi.core.choices import AuditAction, OrganisationKind
from fazhi.core.form_views import form_methods
from fazhi.core.models import Organisation, Section
from fazhi.core.permissions import roles_required
from fazhi.documents.layout import DOCX_CONTENT_TYPE

from . import indicators as registry
from .annual import annual_docx, annual_report, appendix_rows
from .charts import bureau_charts, comparison_chart
from .dashboard import build_dashboard, format_value
from .forms import AnnualDraftForm, AnnualYearForm, DashboardFilterForm
from .models import AnnualReportDraft
from .nav import DASHBOARD_ROLES, REPORT_EDITOR_ROLES
from .records import table_for
from .scopes import columns_of, home_bureau, parse_scope, period_text
from .services import draft_narrative, save_annual_draft

RECORDS_PER_PAGE = 25


@roles_required(*DASHBOARD_ROLES)
@require_GET
def dashboard(request):
    form = DashboardFilterForm(request.GET or None, user=request.user)
    bureau = form.bureau()
    if bureau is None:
        raise PermissionDenied("您的账号未归属任何机构，没有可查看的统计数据。")
    start, end = form.period()
    board = build_dashboard(columns_of(bureau), start, end, form.section_id())
    if board.side_by_side:
        chart = comparison_chart(board, request.GET.get("chart"))
        charts = [chart] if chart else []
    else:
        charts = bureau_charts(board)
    return render(request, "reports/dashboard.html", {
        "title": "领导驾驶舱", "form": form, "board": board, "bureau": bureau, "charts": charts,
        "period": period_text(board.scope), "before_period": period_text(board.scope.year_before()),
        "show_sections": form.fields["section"].queryset.exists(),
        "chart_query": _with_separator(_without(request.GET, "chart")),
    })


def _records_scope(request):
    scope = parse_scope(request.GET)
    if scope is None:
        raise Http404("统计范围不正确。")
    visible = Organisation.objects.visible_to(request.user).filter(pk__in=scope.organisation_ids).count()
    if visible != len(scope.organisation_ids):
        raise Http404("记录不存在，或不在您的查看范围内。")
    if scope.section_id and not Section.objects.visible_to(request.user).filter(pk=scope.section_id).exists():
        raise Http404("记录不存在，或不在您的查看范围内。")
    return scope


@roles_required(*DASHBOARD_ROLES)
@require_GET
def records(request, code):
    try:
        ind = registry.indicator(code)
    except KeyError:
        raise Http404("没有这一统计指标。") from None
    part = request.GET.get("part", "")
    source = ind.numerator_records if part == "numerator" else ind.records
    if source is None:
        raise Http404("该指标没有可列出的记录。")
    scope = _records_scope(request)
    rows = source(scope)
    if hasattr(rows, "visible_to"):
        rows = rows.visible_to(request.user)
    table = table_for(rows)
    RequestConfig(request, paginate={"per_page": RECORDS_PER_PAGE}).configure(table)
    figure = ind.compute(scope)
    organisations = list(Organisation.objects.filter(pk__in=scope.organisation_ids, kind=OrganisationKind.BUREAU)
                         .order_by("path"))
    return render(request, "reports/records.html", {
        "title": f"{ind.label}：计入的记录", "indicator": ind, "table": table, "part": part,
        "figure_text": format_value(ind.figure_kind, figure.value), "figure": figure,
        "period": period_text(scope), "organisations": organisations,
        "all_url": f"{request.path}?{_without(request.GET, 'part', 'page')}",
        "numerator_url": f"{request.path}?{_without(request.GET, 'page', 'part')}&part=numerator"
        if ind.numerator_records else None,
    })


def _with_separator(query: str) -> str:
    return f"{query}&" if query else ""


def _without(params, *names) -> str:
    query = params.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


# ---- the annual report --------------------------------------------------------------------------------------------

def _report_year(request) -> int:
    form = AnnualYearForm(request.GET)
    # The report of a year is written at the start of the next: last year by default.
    return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year - 1


def _report_bureau(user):
    bureau = home_bureau(user) if user.organisation_id else None
    if bureau is None:
        raise PermissionDenied("您的账号未归属任何机构，不能编写年度报告。")
    return bureau


@roles_required(*DASHBOARD_ROLES)
@form_methods
def annual(request):
    bureau, year = _report_bureau(request.user), _report_year(request)
    narrative = draft_narrative(bureau, year)
    report = annual_report(bureau, year, narrative)
    can_edit = request.user.has_role(*REPORT_EDITOR_ROLES)
    form = AnnualDraftForm(request.POST or None, groups=[g for g, _ in report.groups], initial_narrative=narrative)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("只有法制审核员、分管领导、主要领导或系统管理员可以编写年度报告。")
        if form.is_valid():
            save_annual_draft(actor=request.user, year=year, narrative=form.narrative())
            messages.success(request, "报告文字已保存。")
            return redirect(f"{reverse('reports:annual')}?year={year}")
    draft = AnnualReportDraft.objects.filter(organisation=bureau, year=year).select_related("updated_by").first()
    return render(request, "reports/annual.html", {
        "title": f"{year}年法治政府建设情况报告", "report": report, "form": form, "can_edit": can_edit,
        "draft": draft, "year_form": AnnualYearForm(initial={"year": year}),
        "appendix": appendix_rows(report),
    })


@roles_required(*DASHBOARD_ROLES)
@require_GET
def annual_export(request):
    bureau, year = _report_bureau(request.user), _report_year(request)
    report = annual_report(bureau, year, draft_narrative(bureau, year))
    content = annual_docx(report)
    record_event(actor=request.user, action=AuditAction.EXPORT, obj=bureau,
                 detail={"document": f"{year}年法治政府建设情况报告", "figures": len(report.figures)})
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    filename = f"{bureau.label}{year}年法治政府建设情况报告.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
