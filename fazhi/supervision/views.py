"""Pages of early warnings: the list (each person's scope by role), one's own (scanned on demand), a warning with
its acknowledgement, one record's warnings (scanned on demand), the summary by section and rule, and the rule table.

Reading follows `EarlyWarning.objects.for_viewer`; the services check again.
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from fazhi.core.form_views import form_methods, save_form
from fazhi.core.listing import ScopedListView, wants_part
from fazhi.core.permissions import NOT_VISIBLE, roles_required

from . import services
from .choices import Severity, WarningStatus
from .engine import RECORD_KINDS, ScanScope
from .filters import EarlyWarningFilterSet
from .forms import AcknowledgeForm, WarningRuleForm
from .models import EarlyWarning, WarningRule
from .querysets import SECTION_ROLES, WARNING_READER_ROLES, WIDE_ROLES, sees_all
from .scan import rule_rows, scan, scan_officer
from .tables import EarlyWarningTable, due_text, rule_name, severity_badge, status_badge
from .warning_rules import NOT_COVERED, RULES, RULES_BY_CODE, lead_days_of

RECORD_ROWS = 50


class EarlyWarningListView(ScopedListView):
    model = EarlyWarning
    filterset_class = EarlyWarningFilterSet
    table_class = EarlyWarningTable
    template_name = "supervision/warning_list.html"
    roles = tuple(WARNING_READER_ROLES)
    title = "预警列表"

    def get_queryset(self):
        return EarlyWarning.objects.for_viewer(self.request.user).listing()


class MyWarningListView(EarlyWarningListView):
    """The warnings concerning the signed-in officer; their records are scanned first, so the list is today's."""

    title = "我的预警"

    def get(self, request, *args, **kwargs):
        if not wants_part(request):
            scan_officer(request.user)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        return EarlyWarning.objects.visible_to(user).filter(EarlyWarning.objects.concerning(user)).listing()


def my_warning_counts(user) -> dict:
    """The home panel: the officer's unresolved warnings, those overdue and those 严重 (from the last scan)."""
    today = timezone.localdate()
    mine = EarlyWarning.objects.visible_to(user).filter(EarlyWarning.objects.concerning(user)).unresolved()
    counts = mine.aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)),
                            serious=Count("pk", filter=Q(severity=Severity.SERIOUS)))
    return {"counts": counts, "url": reverse("supervision:mine")}


def _visible_warning(request, pk) -> EarlyWarning:
    warning = EarlyWarning.objects.for_viewer(request.user).listing().filter(pk=pk).first()
    if warning is None:
        raise Http404(NOT_VISIBLE)
    return warning


@roles_required(*WARNING_READER_ROLES)
@require_GET
def warning_detail(request, pk):
    warning = _visible_warning(request, pk)
    spec = RULES_BY_CODE.get(warning.rule.code)
    return render(request, "supervision/warning_detail.html", {
        "warning": warning, "spec": spec, "title": f"预警：{rule_name(warning.rule.code)}",
        "severity_badge": severity_badge(warning), "status_badge": status_badge(warning),
        "due": due_text(warning, timezone.localdate()),
        "officers": list(warning.officers.order_by("full_name")),
        "may_acknowledge": services.may_acknowledge(request.user, warning),
    })


@roles_required(*WARNING_READER_ROLES)
@form_methods
def warning_acknowledge(request, pk):
    warning = _visible_warning(request, pk)
    if not services.may_acknowledge(request.user, warning):
        raise PermissionDenied("该预警已知悉或已消除，或不属于本局，不能处置。")
    form = AcknowledgeForm(request.POST or None)
    back = reverse("supervision:detail", args=[pk])

    def save(form):
        services.acknowledge_warning(warning, actor=request.user, note=form.cleaned_data["note"])
        return back

    return save_form(request, form, save, title=f"知悉预警：{warning.record_label}", cancel_url=back,
                     success_message="已知悉。情形消除后，预警将由系统自动消除。")


@roles_required(*WARNING_READER_ROLES)
@require_GET
def record_warnings(request, kind, pk):
    """One record's warnings, its rules evaluated now: linked from the record's own page."""
    record_kind = RECORD_KINDS.get(kind)
    if record_kind is None:
        raise Http404(NOT_VISIBLE)
    record = record_kind.model._default_manager.visible_to(request.user).filter(pk=pk).first()
    if record is None:
        raise Http404(NOT_VISIBLE)
    scan(ScanScope.of_record(record))
    warnings = (EarlyWarning.objects.for_viewer(request.user).of_record(record).listing()
                .order_by("status", "-first_seen", "-id")[:RECORD_ROWS])
    table = EarlyWarningTable(warnings, orderable=False)
    return render(request, "supervision/record_warnings.html", {
        "title": f"预警：{record}", "record": record, "record_url": record_kind.url(record.pk), "table": table})


# ---- the summary -----------------------------------------------------------------------------------------------

def _counts(rows, today):
    return rows.annotate(
        unresolved=Count("pk"), waiting=Count("pk", filter=Q(status=WarningStatus.OPEN)),
        overdue=Count("pk", filter=Q(due_on__lt=today)), serious=Count("pk", filter=Q(severity=Severity.SERIOUS)))


@roles_required(*(WIDE_ROLES | SECTION_ROLES))
@require_GET
def summary(request):
    """Unresolved warnings by section and by rule, each figure a link to the list filtered to it."""
    today = timezone.localdate()
    unresolved = EarlyWarning.objects.for_viewer(request.user).unresolved().order_by()
    by_section = list(_counts(unresolved.values("organisation_id", "organisation__name", "organisation__short_name",
                                                "section_id", "section__name"), today)
                      .order_by("organisation__path", "section__name"))
    by_rule = {row["rule__code"]: row for row in _counts(unresolved.values("rule__code"), today)}
    list_url = reverse("supervision:list")
    for row in by_section:
        row["organisation_label"] = row["organisation__short_name"] or row["organisation__name"]
        row["query"] = f"organisation={row['organisation_id']}" + (
            f"&section={row['section_id']}" if row["section_id"] else "")
    rules = [{"spec": spec, "counts": by_rule.get(spec.code)} for spec in RULES]
    return render(request, "supervision/summary.html", {
        "title": "预警汇总", "by_section": by_section, "rules": rules, "list_url": list_url,
        "sees_all": sees_all(request.user),
        "totals": unresolved.aggregate(unresolved=Count("pk"), waiting=Count("pk", filter=Q(status=WarningStatus.OPEN)),
                                       overdue=Count("pk", filter=Q(due_on__lt=today)),
                                       serious=Count("pk", filter=Q(severity=Severity.SERIOUS)))})


# ---- the rule table ------------------------------------------------------------------------------------------

@roles_required(*WARNING_READER_ROLES)
@require_GET
def rule_list(request):
    rows = rule_rows()
    rules = [{"spec": spec, "row": rows[spec.code], "lead_days": lead_days_of(spec, rows[spec.code])}
             for spec in RULES]
    return render(request, "supervision/rules.html", {
        "title": "预警规则", "rules": rules, "not_covered": NOT_COVERED,
        "may_edit": services.may_edit_rules(request.user)})


@login_required
@form_methods
def rule_edit(request, code):
    services.ensure_may_edit_rules(request.user)
    spec = RULES_BY_CODE.get(code)
    if spec is None:
        raise Http404(NOT_VISIBLE)
    row = get_object_or_404(WarningRule, code=code)
    has_lead = spec.lead_days is not None
    initial = {"is_active": row.is_active, "severity": row.severity, "lead_days": lead_days_of(spec, row)}
    form = WarningRuleForm(request.POST or None, initial=initial, has_lead_days=has_lead)
    back = reverse("supervision:rules")

    def save(form):
        services.update_rule(row, actor=request.user, **form.service_fields())
        return back

    return save_form(request, form, save, title=f"设置预警规则：{spec.code} {spec.name}", cancel_url=back,
                     template="supervision/rule_form.html", spec=spec)
