"""The registry's pages: the list, the entity's page with its tabs, and the forms that change an entity.

Reading needs a sign-in and shows what `visible_to` allows; an entity outside it is a 404. Changing needs the
role and an entity of one's own bureau, else 403; the services check both again.
"""
from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from fazhi.core.form_views import form_methods, save_form
from fazhi.core.listing import ScopedListView, varies_with_htmx, wants_part
from fazhi.core.masking import mask_phone
from fazhi.core.permissions import visible_or_404

from . import services
from .filters import EntityFilterSet
from .forms import CreditGradeForm, EntityForm, LicenceDeleteForm, LicenceForm, StatusChangeForm
from .models import Entity, Licence
from .permissions import (
    EDITOR_ROLES, EXPORTER_ROLES, GRADER_ROLES, IMPORTER_ROLES, can, ensure_role, ensure_writable, is_writable,
)
from .status import ENTITY_STATUS_MACHINE
from .tables import EntityTable, grade_badge, status_badge
from .tabs import tabs_for



# ---- shared by the pages -------------------------------------------------------------------------------------

def visible_entity_or_404(user, pk) -> Entity:
    return visible_or_404(Entity.objects.select_related("organisation", "township"), user, pk)


def writable_entity(user, pk, what: str, roles=EDITOR_ROLES) -> Entity:
    """An entity the person sees (else 404), in a role that may do `what` and of their own bureau (else 403)."""
    entity = visible_entity_or_404(user, pk)
    ensure_role(user, roles, what)
    ensure_writable(user, entity)
    return entity


def detail_url(entity, tab: str = "") -> str:
    url = reverse("entities:detail", args=[entity.pk])
    return f"{url}?tab={tab}" if tab else url


# Every form page here saves through one service call, as core's form pages do, in the registry's own layout.
form_page = partial(save_form, template="entities/action_form.html")


# ---- list and page ---------------------------------------------------------------------------------------------

class EntityListView(ScopedListView):
    model = Entity
    filterset_class = EntityFilterSet
    table_class = EntityTable
    template_name = "entities/entity_list.html"
    partial_template_name = "entities/_entity_list_results.html"
    title = "监管对象"
    create_url_name = "entities:create"
    create_roles = EDITOR_ROLES

    def scoped_queryset(self, queryset):
        return queryset.for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, query = self.request.user, self.request.GET.copy()
        query.pop("page", None)  # the export takes the whole filtered list, not one page of it
        export = reverse("entities:export")
        context["export_url"] = f"{export}?{query.urlencode()}" if query else export
        context["can_export"] = can(user, EXPORTER_ROLES)
        context["can_import"] = can(user, IMPORTER_ROLES)
        return context


@login_required
@require_GET
@varies_with_htmx
def entity_detail(request, pk):
    entity = visible_entity_or_404(request.user, pk)
    tabs = tabs_for(request.user)
    selected = next((t for t in tabs if t.slug == request.GET.get("tab")), tabs[0])
    writable = is_writable(request.user, entity)
    can_edit = writable and can(request.user, EDITOR_ROLES)
    context = {
        "entity": entity, "object": entity, "selected_tab": selected,
        "tabs": [{"label": t.label, "url": detail_url(entity, t.slug), "selected": t is selected} for t in tabs],
        "can_edit": can_edit,
        "can_grade": writable and can(request.user, GRADER_ROLES),
        "can_change_status": writable and bool(ENTITY_STATUS_MACHINE.offered(entity, request.user)),
        # The full number is for the people who keep the record; everyone else sees it masked.
        "contact_phone": entity.contact_phone if can_edit else mask_phone(entity.contact_phone),
        "grade_badge": grade_badge(entity), "status_badge": status_badge(entity),
    }
    context.update(selected.build(request, entity))
    template = "entities/_entity_tabs.html" if wants_part(request) else "entities/entity_detail.html"
    return render(request, template, context)


# ---- the entity itself -----------------------------------------------------------------------------------------

@login_required
@form_methods
def entity_create(request):
    ensure_role(request.user, EDITOR_ROLES, "登记监管对象")
    form = EntityForm(request.POST or None, organisation=services.home_bureau(request.user))

    def save(form):
        entity = services.create_entity(actor=request.user, domains=form.domain_codes(), **form.service_fields())
        return detail_url(entity)

    return form_page(request, form, save, title="登记监管对象", cancel_url=reverse("entities:list"),
                     template="entities/entity_form.html", success_message="已登记监管对象。")


@login_required
@form_methods
def entity_edit(request, pk):
    entity = writable_entity(request.user, pk, "修改监管对象")
    title = f"编辑监管对象：{entity.name}"
    form = EntityForm(request.POST or None, instance=entity, organisation=entity.organisation)

    def save(form):
        services.update_entity(entity, actor=request.user, domains=form.domain_codes(), **form.service_fields())
        return detail_url(entity)

    return form_page(request, form, save, title=title, cancel_url=detail_url(entity),
                     template="entities/entity_form.html")


@login_required
@form_methods
def entity_grade(request, pk):
    entity = writable_entity(request.user, pk, "评定信用等级", GRADER_ROLES)
    form = CreditGradeForm(request.POST or None, entity=entity)

    def save(form):
        services.change_credit_grade(entity, actor=request.user, **form.cleaned_data)
        return detail_url(entity, "credit")

    return form_page(request, form, save, title=f"调整信用等级：{entity.name}", cancel_url=detail_url(entity),
                     entity=entity, success_message="已调整信用等级，并记入信用档案。")


@login_required
@form_methods
def entity_status(request, pk):
    entity = writable_entity(request.user, pk, "变更经营状态")
    moves = ENTITY_STATUS_MACHINE.offered(entity, request.user)
    if not moves:
        messages.error(request, f"该对象已{entity.get_status_display()}，经营状态不能再变更；如重新开业，请重新登记。")
        return redirect(detail_url(entity))
    form = StatusChangeForm(request.POST or None, moves=moves)

    def save(form):
        services.change_status(entity, actor=request.user, **form.cleaned_data)
        return detail_url(entity)

    return form_page(request, form, save, title=f"变更经营状态：{entity.name}", cancel_url=detail_url(entity),
                     entity=entity, success_message="已变更经营状态。")


# ---- licences --------------------------------------------------------------------------------------------------

def writable_licence(request, pk, what: str) -> Licence:
    licence = visible_or_404(Licence.objects.select_related("entity"), request.user, pk)
    ensure_role(request.user, EDITOR_ROLES, what)
    ensure_writable(request.user, licence.entity)
    return licence


@login_required
@form_methods
def licence_create(request, pk):
    entity = writable_entity(request.user, pk, "登记证照")
    form = LicenceForm(request.POST or None, organisation=entity.organisation)

    def save(form):
        services.add_licence(entity, actor=request.user, **form.service_fields())
        return detail_url(entity, "licences")

    return form_page(request, form, save, title=f"登记证照：{entity.name}", cancel_url=detail_url(entity, "licences"),
                     entity=entity, success_message="已登记证照。")


@login_required
@form_methods
def licence_edit(request, pk):
    licence = writable_licence(request, pk, "修改证照")
    entity = licence.entity
    form = LicenceForm(request.POST or None, instance=licence, organisation=licence.organisation)

    def save(form):
        services.update_licence(licence, actor=request.user, **form.service_fields())
        return detail_url(entity, "licences")

    return form_page(request, form, save, title=f"修改证照：{entity.name}", cancel_url=detail_url(entity, "licences"),
                     entity=entity)


@login_required
@form_methods
def licence_delete(request, pk):
    licence = writable_licence(request, pk, "删除证照")
    entity = licence.entity
    form = LicenceDeleteForm(request.POST or None)

    def save(form):
        services.remove_licence(licence, actor=request.user, reason=form.cleaned_data["reason"])
        return detail_url(entity, "licences")

    return form_page(request, form, save, title=f"删除证照：{licence}", cancel_url=detail_url(entity, "licences"),
                     entity=entity, submit_label="确认删除", danger=True, success_message="已删除证照。")
