"""Pages of visits: the list, a visit's page with its code, the forms that plan, edit, approve, register and
cancel it, and the supervisors' page of the entities' ratings.

Reading needs a sign-in and shows what `visible_to` allows (else 404); the services check role and bureau again.
"""
from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from fazhi.core.form_views import form_methods, save_form
from fazhi.core.listing import ScopedListView
from fazhi.core.permissions import acting_bureau, visible_or_404
from fazhi.entities.models import Entity

from . import codes, visits
from .choices import InspectionStatus
from .filters import InspectionFilterSet, VisitRatingFilterSet
from .forms_visits import ConfirmForm, ReasonForm, VisitForm
from .models import Inspection, VisitRating
from .permissions import CAP_APPROVER_ROLES, INSPECTOR_ROLES, RATING_READER_ROLES
from .status import INSPECTION_MACHINE
from .tables import InspectionTable, VisitRatingTable

form_page = partial(save_form, template="inspections/visits/form.html")


def detail_url(inspection) -> str:
    return reverse("inspections:detail", args=[inspection.pk])


def visible_visit(user, pk) -> Inspection:
    queryset = Inspection.objects.select_related("entity", "organisation", "campaign", "cap_approved_by", "created_by")
    return visible_or_404(queryset, user, pk)


def _ensure_may(user, inspection, roles, what: str) -> None:
    """Refuse the form itself, not only its submission, to those the service would refuse."""
    visits.ensure_role(user, tuple(roles), what)
    visits.ensure_writable(user, inspection)


def _first_url(names, *args) -> str | None:
    """The first of `names` that the project's URLs know: the record and opinion pages belong to other parts."""
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


def _record_and_opinions(inspection) -> tuple:
    try:
        record = inspection.record
    except ObjectDoesNotExist:
        record = None
    # The record's page is addressed by its visit; an opinion's by itself.
    record_url = _first_url(("inspections:record",), inspection.pk) if record else None
    opinions = [(o, _first_url(("inspections:opinion_detail", "inspections:opinion", "inspections:opinion_docx"), o.pk))
                for o in inspection.opinions.all()]
    return record, record_url, opinions


class InspectionListView(ScopedListView):
    model = Inspection
    filterset_class = InspectionFilterSet
    table_class = InspectionTable
    template_name = "inspections/visits/list.html"
    title = "监督检查"
    create_url_name = "inspections:plan"
    create_roles = INSPECTOR_ROLES

    def scoped_queryset(self, queryset):
        # The table shows the visit's own copy of the entity's name: no join to a million entities.
        return queryset.select_related("organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_read_ratings"] = self.request.user.has_role(*RATING_READER_ROLES)
        return context


class VisitRatingListView(ScopedListView):
    """The entities' ratings, for supervisors: which officers made the visit is deliberately not shown."""

    model = VisitRating
    filterset_class = VisitRatingFilterSet
    table_class = VisitRatingTable
    title = "检查评价"
    roles = RATING_READER_ROLES

    def scoped_queryset(self, queryset):
        return queryset.select_related("inspection__entity")


@login_required
@require_GET
def visit_detail(request, pk):
    inspection = visible_visit(request.user, pk)
    user = request.user
    writable = inspection.is_writable_by(user)
    offered = {t.name for t in INSPECTION_MACHINE.offered(inspection, user)} if writable else set()
    record, record_url, opinions = _record_and_opinions(inspection)
    live_code = inspection.code and inspection.status in codes.LIVE_STATUSES
    portal_url = codes.portal_url(inspection.code, request) if live_code else ""
    context = {
        "inspection": inspection,
        "team": inspection.team.select_related("officer__organisation", "certificate"),
        "items": inspection.items.select_related("domain"),
        "portal_url": portal_url,
        "qr_svg": codes.qr_svg(portal_url) if live_code else "",
        "record": record, "record_url": record_url, "opinions": opinions,
        "can_edit": visits.may_edit(user, inspection),
        "can_approve": visits.may_approve(user, inspection),
        "can_register": "register" in offered, "can_cancel": "cancel" in offered,
        "needs_approval": inspection.over_cap and inspection.cap_approved_at is None
        and inspection.status == InspectionStatus.PLANNED,
    }
    return render(request, "inspections/visits/detail.html", context)


@login_required
@form_methods
def visit_plan(request):
    visits.ensure_role(request.user, INSPECTOR_ROLES, "安排监督检查")
    bureau = acting_bureau(request.user)
    entities = Entity.objects.writable_by(request.user).filter(organisation=bureau)
    initial = {"entity": request.GET.get("entity")} if request.GET.get("entity", "").isdigit() else {}
    form = VisitForm(request.POST or None, bureau=bureau, entities=entities, initial=initial)

    def save(form):
        return detail_url(visits.plan_visit(actor=request.user, **form.service_fields()))

    return form_page(request, form, save, title="安排监督检查", cancel_url=reverse("inspections:list"),
                     success_message="已安排监督检查。")


@login_required
@form_methods
def visit_edit(request, pk):
    inspection = visible_visit(request.user, pk)
    _ensure_may(request.user, inspection, INSPECTOR_ROLES, "修改监督检查")
    form = VisitForm(request.POST or None, bureau=inspection.organisation, instance=inspection)

    def save(form):
        return detail_url(visits.update_visit(inspection, actor=request.user, **form.service_fields()))

    return form_page(request, form, save, title=f"修改监督检查：{inspection.entity}", cancel_url=detail_url(inspection),
                     inspection=inspection)


@login_required
@form_methods
def visit_approve(request, pk):
    inspection = visible_visit(request.user, pk)
    _ensure_may(request.user, inspection, CAP_APPROVER_ROLES, "批准超频次检查")
    form = ReasonForm(request.POST or None, label="批准理由")

    def save(form):
        visits.approve_over_cap(inspection, request.user, form.cleaned_data["reason"])
        return detail_url(inspection)

    return form_page(request, form, save, title=f"批准超频次检查：{inspection.entity}", cancel_url=detail_url(inspection),
                     inspection=inspection, submit_label="批准", success_message="已批准。")


@login_required
@form_methods
def visit_register(request, pk):
    inspection = visible_visit(request.user, pk)
    _ensure_may(request.user, inspection, INSPECTION_MACHINE["register"].roles, "亮码登记")
    form = ConfirmForm(request.POST if request.method == "POST" else None)  # no fields: an empty post is valid

    def save(form):
        visits.register_visit(inspection, actor=request.user)
        return detail_url(inspection)

    return form_page(request, form, save, title=f"亮码登记：{inspection.entity}", cancel_url=detail_url(inspection),
                     inspection=inspection, submit_label="登记并生成检查码",
                     intro="登记后生成检查码和二维码，入企检查时向被检查单位出示。",
                     success_message="已登记，检查码已生成。")


@login_required
@form_methods
def visit_cancel(request, pk):
    inspection = visible_visit(request.user, pk)
    _ensure_may(request.user, inspection, INSPECTION_MACHINE["cancel"].roles, "取消监督检查")
    form = ReasonForm(request.POST or None, label="取消原因")

    def save(form):
        visits.cancel_visit(inspection, actor=request.user, reason=form.cleaned_data["reason"])
        return detail_url(inspection)

    return form_page(request, form, save, title=f"取消监督检查：{inspection.entity}", cancel_url=detail_url(inspection),
                     inspection=inspection, submit_label="取消检查", danger=True, success_message="已取消该检查。")
