"""Pages of the item list, plans and their draws, the burden report and special campaigns.

Reading needs a sign-in and shows what `visible_to` allows (anything else is a 404); the services check roles
and the bureau again on every write, the pages only decide which buttons to show.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from fazhi.core.form_views import form_methods, save_form
from fazhi.core.listing import ScopedListView, wants_part
from fazhi.core.permissions import acting_bureau, visible_or_404
from fazhi.core.workflow import TransitionRefused
from fazhi.entities.models import Entity

from . import campaigns, draws, items, planning
from .burden import burden_totals, with_burden
from .choices import ItemStatus, PlanStatus
from .filters_plans import (
    BurdenFilterSet, CampaignFilterSet, InspectionItemFilterSet, InspectionPlanFilterSet, burden_years,
)
from .forms_plans import CampaignForm, InspectionItemForm, InspectionPlanForm, WithdrawItemForm
from .models import Campaign, Draw, Inspection, InspectionItem, InspectionPlan
from .permissions import PLANNER_ROLES
from .tables_plans import (
    BurdenTable, CampaignInspectionTable, CampaignTable, InspectionItemTable, InspectionPlanTable,
)

DRAW_ROWS_PER_PAGE = 50


def may_plan(user, obj=None) -> bool:
    """Whether to offer a planner's buttons: the role, and (for a record) one's own bureau's record."""
    return user.has_role(*PLANNER_ROLES) and (obj is None or obj.is_writable_by(user))


def ensure_may_plan(user, obj, what: str) -> None:
    items.ensure_planner(user, what)
    items.ensure_own(user, obj, "修改")


def _act(request, action, done: str, back: str):
    """Run one service for a button; a refusal is shown on the page it came from."""
    try:
        action()
    except (TransitionRefused, ValidationError) as error:
        text = error.message if isinstance(error, TransitionRefused) else "；".join(error.messages)
        messages.error(request, text)
    else:
        messages.success(request, done)
    return redirect(back)


# ---- the item list -------------------------------------------------------------------------------------------

class InspectionItemListView(ScopedListView):
    model = InspectionItem
    filterset_class = InspectionItemFilterSet
    table_class = InspectionItemTable
    title = "检查事项清单"
    create_url_name = "inspections:item_create"
    create_roles = PLANNER_ROLES

    def scoped_queryset(self, queryset):
        return queryset.select_related("domain")


@login_required
@require_GET
def item_detail(request, pk):
    item = visible_or_404(InspectionItem.objects.select_related("domain", "organisation"), request.user, pk)
    can = may_plan(request.user, item)
    return render(request, "inspections/items/item_detail.html", {
        "item": item, "can_edit": can and item.status != ItemStatus.PUBLISHED,
        "can_publish": can and item.status != ItemStatus.PUBLISHED, "can_withdraw": can and
        item.status == ItemStatus.PUBLISHED, "withdraw_form": WithdrawItemForm(),
    })


@login_required
@form_methods
def item_create(request):
    items.ensure_planner(request.user, "编制检查事项清单")
    form = InspectionItemForm(request.POST or None)

    def save(form):
        item = items.create_item(actor=request.user, **form.service_fields())
        return reverse("inspections:item_detail", args=[item.pk])

    return save_form(request, form, save, title="新增检查事项", cancel_url=reverse("inspections:item_list"))


@login_required
@form_methods
def item_edit(request, pk):
    item = visible_or_404(InspectionItem.objects.all(), request.user, pk)
    ensure_may_plan(request.user, item, "修改检查事项")
    form = InspectionItemForm(request.POST or None, instance=InspectionItem.objects.get(pk=item.pk))
    back = reverse("inspections:item_detail", args=[item.pk])

    def save(form):
        items.update_item(item, actor=request.user, **form.service_fields())
        return back

    return save_form(request, form, save, title=f"编辑检查事项：{item.title}", cancel_url=back)


@login_required
@require_POST
def item_publish(request, pk):
    item = visible_or_404(InspectionItem.objects.all(), request.user, pk)
    return _act(request, lambda: items.publish_item(item, actor=request.user), "检查事项已公布。",
                reverse("inspections:item_detail", args=[pk]))


@login_required
@require_POST
def item_withdraw(request, pk):
    item = visible_or_404(InspectionItem.objects.all(), request.user, pk)
    form = WithdrawItemForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(request, lambda: items.withdraw_item(item, actor=request.user, reason=reason), "检查事项已停用。",
                reverse("inspections:item_detail", args=[pk]))


# ---- plans and draws ---------------------------------------------------------------------------------------

class InspectionPlanListView(ScopedListView):
    model = InspectionPlan
    filterset_class = InspectionPlanFilterSet
    table_class = InspectionPlanTable
    title = "双随机抽查计划"
    create_url_name = "inspections:plan_create"
    create_roles = PLANNER_ROLES

    def scoped_queryset(self, queryset):
        return queryset.select_related("organisation")


@login_required
@require_GET
def plan_detail(request, pk):
    plan = visible_or_404(InspectionPlan.objects.select_related("organisation", "campaign"), request.user, pk)
    can = may_plan(request.user, plan)
    return render(request, "inspections/plans/plan_detail.html", {
        "plan": plan, "domains": plan.domains.all(), "townships": planning.plan_townships_label(plan),
        "ratios": [(grade, plan.sampling_ratios.get(grade, "—")) for grade in sorted(plan.sampling_ratios)],
        "plan_items": plan.item_list.select_related("domain"), "draws": plan.draws.select_related("drawn_by"),
        "can_edit": can and plan.status == PlanStatus.DRAFT, "can_publish": can and plan.status == PlanStatus.DRAFT,
        "can_draw": can and plan.status == PlanStatus.PUBLISHED,
    })


def _plan_form(request, *, instance=None):
    bureau = instance.organisation if instance else acting_bureau(request.user)
    return InspectionPlanForm(request.POST or None, instance=instance, bureau=bureau)


@login_required
@form_methods
def plan_create(request):
    items.ensure_planner(request.user, "制定抽查计划")
    form = _plan_form(request)

    def save(form):
        plan = planning.create_plan(actor=request.user, **form.service_fields())
        return reverse("inspections:plan_detail", args=[plan.pk])

    return save_form(request, form, save, title="制定抽查计划", cancel_url=reverse("inspections:plan_list"))


@login_required
@form_methods
def plan_edit(request, pk):
    plan = visible_or_404(InspectionPlan.objects.select_related("organisation__region"), request.user, pk)
    ensure_may_plan(request.user, plan, "修改抽查计划")
    form = _plan_form(request, instance=plan)
    back = reverse("inspections:plan_detail", args=[plan.pk])

    def save(form):
        planning.update_plan(plan, actor=request.user, **form.service_fields())
        return back

    return save_form(request, form, save, title=f"编辑抽查计划：{plan.name}", cancel_url=back)


@login_required
@require_POST
def plan_publish(request, pk):
    plan = visible_or_404(InspectionPlan.objects.all(), request.user, pk)
    return _act(request, lambda: planning.publish_plan(plan, actor=request.user), "抽查计划已公布。",
                reverse("inspections:plan_detail", args=[pk]))


@login_required
@require_POST
def plan_draw(request, pk):
    plan = visible_or_404(InspectionPlan.objects.all(), request.user, pk)
    try:
        draw = draws.draw_plan(plan, actor=request.user)
    except (TransitionRefused, ValidationError) as error:
        messages.error(request, error.message if isinstance(error, TransitionRefused) else "；".join(error.messages))
        return redirect("inspections:plan_detail", pk=pk)
    messages.success(request, f"已完成随机抽取，共抽中{len(draw.result)}个监管对象并生成检查任务。")
    return redirect("inspections:draw_detail", pk=draw.pk)


def _visible_draw(request, pk) -> Draw:
    return visible_or_404(Draw.objects.select_related("plan", "drawn_by", "organisation"), request.user, pk)


@login_required
@require_GET
def draw_detail(request, pk):
    draw = _visible_draw(request, pk)
    page = Paginator(draw.result, DRAW_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    shortfalls = sum(1 for row in draw.result if row.get("shortfall"))
    return render(request, "inspections/plans/draw_detail.html", {
        "draw": draw, "plan": draw.plan, "page": page, "rows": draws.draw_rows(list(page.object_list)), "shortfalls": shortfalls,
        "over_cap": Inspection.objects.filter(draw=draw, over_cap=True).count(),
    })


@login_required
@require_GET
def draw_verify(request, pk):
    draw = _visible_draw(request, pk)
    return render(request, "inspections/plans/draw_verify.html", {
        "draw": draw, "plan": draw.plan, "check": draws.verify_draw(draw), "algorithm": draws.ALGORITHM,
    })


# ---- the burden report ---------------------------------------------------------------------------------------

class BurdenReportView(ScopedListView):
    model = Entity
    filterset_class = BurdenFilterSet
    table_class = BurdenTable
    template_name = "inspections/burden/burden.html"
    partial_template_name = "inspections/burden/_results.html"
    title = "迎检频次"

    def year(self) -> int:
        wanted = self.request.GET.get("year", "")
        return int(wanted) if wanted in {y for y, _ in burden_years()} else timezone.localdate().year

    def scoped_queryset(self, queryset):
        return with_burden(queryset, self.year())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.year()
        context.update(year=year, last_year=year - 1, totals=burden_totals(self.object_list, year))
        return context


# ---- special campaigns ---------------------------------------------------------------------------------------

class CampaignListView(ScopedListView):
    model = Campaign
    filterset_class = CampaignFilterSet
    table_class = CampaignTable
    title = "专项执法"
    create_url_name = "inspections:campaign_create"
    create_roles = PLANNER_ROLES

    def scoped_queryset(self, queryset):
        return queryset.select_related("organisation")


@login_required
@require_GET
def campaign_detail(request, pk):
    campaign = visible_or_404(Campaign.objects.select_related("organisation"), request.user, pk)
    visits = (Inspection.objects.visible_to(request.user).filter(campaign=campaign).select_related("entity"))
    table = CampaignInspectionTable(visits)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    template = "core/_list_results.html" if wants_part(request) else "inspections/campaigns/campaign_detail.html"
    return render(request, template, {
        "campaign": campaign, "domains": campaign.domains.all(), "figures": campaigns.campaign_figures(campaign),
        "table": table, "can_edit": may_plan(request.user, campaign),
    })


@login_required
@form_methods
def campaign_create(request):
    items.ensure_planner(request.user, "部署专项执法")
    form = CampaignForm(request.POST or None)

    def save(form):
        campaign = campaigns.create_campaign(actor=request.user, **form.service_fields())
        return reverse("inspections:campaign_detail", args=[campaign.pk])

    return save_form(request, form, save, title="部署专项执法", cancel_url=reverse("inspections:campaign_list"))


@login_required
@form_methods
def campaign_edit(request, pk):
    campaign = visible_or_404(Campaign.objects.all(), request.user, pk)
    ensure_may_plan(request.user, campaign, "修改专项执法")
    form = CampaignForm(request.POST or None, instance=Campaign.objects.get(pk=campaign.pk))
    back = reverse("inspections:campaign_detail", args=[campaign.pk])

    def save(form):
        campaigns.update_campaign(campaign, actor=request.user, **form.service_fields())
        return back

    return save_form(request, form, save, title=f"编辑专项执法：{campaign.theme}", cancel_url=back)
