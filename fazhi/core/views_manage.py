"""Management pages: organisations, sections, staff and enforcement certificates.

Reading needs a sign-in and shows what `visible_to` allows; a record outside it is a 404. Writing needs the
administrator role and a record inside `writable_by` (else 403); the services check both again.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from . import filters, forms, services, tables
from .certificates import CERTIFICATE_MACHINE, change_certificate_status
from .choices import Role
from .form_views import form_methods, save_form
from .listing import ScopedListView
from .models import EnforcementCertificate, Organisation, Section, User
from .permissions import roles_required, visible_or_404
from .workflow import TransitionRefused

admin_required = roles_required(Role.ADMIN)
INITIAL_PASSWORD_KEY = "fazhi_initial_password"


# ---- shared by the pages -------------------------------------------------------------------------------------

def can_write(manager, user, obj) -> bool:
    return user.has_role(Role.ADMIN) and manager.writable_by(user).filter(pk=obj.pk).exists()


def writable_or_403(manager, user, pk):
    """404 when the viewer cannot see the record at all; 403 when they can see it but not change it."""
    obj = visible_or_404(manager, user, pk)
    if not can_write(manager, user, obj):
        raise PermissionDenied("只有本局的系统管理员可以修改此记录；上级机构只能查看，请联系该局管理员。")
    return obj


def writable_organisation_ids(user) -> frozenset:
    if not user.has_role(Role.ADMIN):
        return frozenset()
    return frozenset(Organisation.objects.writable_by(user).values_list("pk", flat=True))


def edit_page(request, obj, form_class, update, *, title, done_url, with_history=False):
    """The edit form of a stored record: `update(record, actor=..., **fields)` saves it, then back to `done_url`."""
    form = form_class(request.POST or None, instance=obj)

    def save(form):
        update(fresh(obj), actor=request.user, **form.service_fields())
        return done_url

    history = {"history_object": obj, "history_label": obj._meta.label_lower} if with_history else {}
    return save_form(request, form, save, title=title, cancel_url=done_url, **history)


def tabs_for(request, obj_url: str, tabs: list[tuple[str, str]]) -> tuple[str, list[dict]]:
    """The selected tab (from ?tab=) and the tab links of a detail page."""
    keys = [key for key, _ in tabs]
    selected = request.GET.get("tab") if request.GET.get("tab") in keys else keys[0]
    links = [{"key": k, "label": label, "url": f"{obj_url}?tab={k}", "selected": k == selected} for k, label in tabs]
    return selected, links


def fresh(obj):
    """The record as stored: a bound model form has already copied its input onto its own instance."""
    return type(obj)._default_manager.get(pk=obj.pk)


def issue_initial_password(request, user: User, password: str):
    """Keep the one-time password in the session until the next page shows it, once."""
    request.session[INITIAL_PASSWORD_KEY] = {"user": user.pk, "password": password}
    return redirect("core:staff_initial_password", pk=user.pk)


# ---- organisations --------------------------------------------------------------------------------------

class OrganisationListView(ScopedListView):
    model = Organisation
    filterset_class = filters.OrganisationFilterSet
    table_class = tables.OrganisationTable
    title = "机构"
    create_url_name = "core:organisation_create"
    create_roles = (Role.ADMIN,)

    def scoped_queryset(self, queryset):
        return queryset.select_related("region", "parent")


@login_required
@require_GET
def organisation_detail(request, pk):
    organisation = visible_or_404(Organisation.objects.select_related("region", "parent"), request.user, pk)
    url = reverse("core:organisation_detail", args=[pk])
    tab, tab_links = tabs_for(request, url, [("info", "基本信息"), ("sections", "科室"), ("staff", "人员"),
                                             ("history", "变更历史")])
    context = {"object": organisation, "tab": tab, "tabs": tab_links, "model_label": "core.organisation",
               "can_edit": can_write(Organisation.objects, request.user, organisation)}
    if tab == "sections":
        context["sections"] = Section.objects.visible_to(request.user).filter(organisation=organisation)
    elif tab == "staff":
        staff = User.objects.visible_to(request.user).filter(organisation=organisation).staff_listing()
        context["table"] = RequestConfig(request, paginate={"per_page": 25}).configure(tables.UserTable(staff))
    return render(request, "core/manage/organisation_detail.html", context)


@admin_required
@form_methods
def organisation_edit(request, pk):
    organisation = writable_or_403(Organisation.objects, request.user, pk)
    return edit_page(request, organisation, forms.OrganisationForm, services.update_organisation,
                     title=f"编辑机构：{organisation}", done_url=reverse("core:organisation_detail", args=[pk]))


@admin_required
@form_methods
def organisation_create(request):
    form = forms.OrganisationCreateForm(request.POST or None, user=request.user)

    def save(form):
        created = services.create_organisation(actor=request.user, **form.service_fields())
        return reverse("core:organisation_detail", args=[created.pk])

    return save_form(request, form, save, title="新增下级机构", cancel_url=reverse("core:organisation_list"))


# ---- sections -------------------------------------------------------------------------------------------

class SectionListView(ScopedListView):
    model = Section
    filterset_class = filters.SectionFilterSet
    table_class = tables.SectionTable
    title = "科室"
    create_url_name = "core:section_create"
    create_roles = (Role.ADMIN,)

    def scoped_queryset(self, queryset):
        return queryset.select_related("organisation")

    def get_table_kwargs(self):
        return {"writable_organisation_ids": writable_organisation_ids(self.request.user)}


@admin_required
@form_methods
def section_create(request):
    form = forms.SectionCreateForm(request.POST or None, user=request.user)

    def save(form):
        services.create_section(actor=request.user, **form.service_fields())
        return reverse("core:section_list")

    return save_form(request, form, save, title="新增科室", cancel_url=reverse("core:section_list"))


@admin_required
@form_methods
def section_edit(request, pk):
    section = writable_or_403(Section.objects, request.user, pk)
    return edit_page(request, section, forms.SectionForm, services.update_section, title=f"编辑科室：{section}",
                     done_url=reverse("core:section_list"), with_history=True)


# ---- staff ----------------------------------------------------------------------------------------------

class StaffListView(ScopedListView):
    model = User
    filterset_class = filters.UserFilterSet
    table_class = tables.UserTable
    title = "人员"
    create_url_name = "core:staff_create"
    create_roles = (Role.ADMIN,)

    def scoped_queryset(self, queryset):
        return queryset.staff_listing()


@login_required
@require_GET
def staff_detail(request, pk):
    person = visible_or_404(User.objects.select_related("organisation", "section"), request.user, pk)
    url = reverse("core:staff_detail", args=[pk])
    tab, tab_links = tabs_for(request, url, [("info", "基本信息"), ("certificates", "执法证"), ("history", "变更历史")])
    context = {"object": person, "tab": tab, "tabs": tab_links, "model_label": "core.user",
               "can_edit": can_write(User.objects, request.user, person)}
    if tab == "certificates":
        certificates = (EnforcementCertificate.objects.visible_to(request.user).filter(holder=person)
                        .select_related("holder__organisation").prefetch_related("domains"))
        context["table"] = tables.EnforcementCertificateTable(certificates, orderable=False)
    return render(request, "core/manage/staff_detail.html", context)


@admin_required
@form_methods
def staff_create(request):
    form = forms.StaffCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            person, password = services.create_staff(actor=request.user, **form.service_fields())
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            return issue_initial_password(request, person, password)
    return render(request, "core/form.html", {"form": form, "title": "新增人员",
                                              "cancel_url": reverse("core:staff_list")})


@admin_required
@require_GET
@never_cache
def staff_initial_password(request, pk):
    """Shows a just-issued initial password once; the session forgets it as the page is built."""
    person = writable_or_403(User.objects, request.user, pk)
    issued = request.session.pop(INITIAL_PASSWORD_KEY, None)
    password = issued["password"] if issued and issued.get("user") == person.pk else None
    return render(request, "core/manage/initial_password.html", {"object": person, "password": password})


@admin_required
@form_methods
def staff_edit(request, pk):
    person = writable_or_403(User.objects, request.user, pk)
    return edit_page(request, person, forms.StaffForm, services.update_staff, title=f"编辑人员：{person}",
                     done_url=reverse("core:staff_detail", args=[pk]))


@admin_required
@require_POST
def staff_set_active(request, pk, active: bool):
    person = writable_or_403(User.objects, request.user, pk)
    if person.pk == request.user.pk and not active:
        messages.error(request, "不能停用自己的账号；如确需停用，请由本局另一位系统管理员操作。")
        return redirect("core:staff_detail", pk=pk)
    try:
        services.update_staff(person, actor=request.user, is_active=active)
    except ValidationError as error:
        messages.error(request, f"未能保存：{'；'.join(error.messages)}请先编辑该人员，改正后再试。")
    else:
        messages.success(request, f"已{'启用' if active else '停用'}{person}的账号。")
    return redirect("core:staff_detail", pk=pk)


@admin_required
@require_POST
def staff_reset_password(request, pk):
    person = writable_or_403(User.objects, request.user, pk)
    password = services.reset_password(person, actor=request.user)
    return issue_initial_password(request, person, password)


# ---- enforcement certificates ---------------------------------------------------------------------------

class CertificateListView(ScopedListView):
    model = EnforcementCertificate
    filterset_class = filters.EnforcementCertificateFilterSet
    table_class = tables.EnforcementCertificateTable
    title = "执法证"
    create_url_name = "core:certificate_issue"
    create_roles = (Role.ADMIN,)

    def scoped_queryset(self, queryset):
        return queryset.select_related("holder__organisation").prefetch_related("domains")


@login_required
@require_GET
def certificate_detail(request, pk):
    manager = EnforcementCertificate.objects.select_related("holder__organisation")
    certificate = visible_or_404(manager, request.user, pk)
    url = reverse("core:certificate_detail", args=[pk])
    tab, tab_links = tabs_for(request, url, [("info", "基本信息"), ("history", "变更历史")])
    writable = can_write(EnforcementCertificate.objects, request.user, certificate)
    moves = CERTIFICATE_MACHINE.offered(certificate, request.user) if writable else []
    return render(request, "core/manage/certificate_detail.html", {
        "object": certificate, "tab": tab, "tabs": tab_links, "model_label": "core.enforcementcertificate",
        "can_edit": writable, "moves": moves, "today": timezone.localdate(),
        "suspensions": certificate.suspensions.all(),
    })


@admin_required
@form_methods
def certificate_issue(request):
    initial = {"holder": request.GET.get("holder")} if request.GET.get("holder", "").isdigit() else None
    form = forms.CertificateIssueForm(request.POST or None, initial=initial, user=request.user)

    def save(form):
        certificate = services.issue_certificate(actor=request.user, **form.service_fields())
        return reverse("core:certificate_detail", args=[certificate.pk])

    return save_form(request, form, save, title="登记执法证", cancel_url=reverse("core:certificate_list"))


@admin_required
@form_methods
def certificate_edit(request, pk):
    certificate = writable_or_403(EnforcementCertificate.objects, request.user, pk)
    return edit_page(request, certificate, forms.CertificateForm, services.update_certificate,
                     title=f"编辑执法证：{certificate.number}", done_url=reverse("core:certificate_detail", args=[pk]))


@admin_required
@require_POST
def certificate_change_status(request, pk, transition: str):
    certificate = writable_or_403(EnforcementCertificate.objects, request.user, pk)
    if transition not in {t.name for t in CERTIFICATE_MACHINE.transitions}:
        raise Http404("没有这项执法证操作。")
    form = forms.CertificateStatusForm(request.POST)
    label = CERTIFICATE_MACHINE[transition].label
    if not form.is_valid():
        errors = "；".join(e for field_errors in form.errors.values() for e in field_errors)
        messages.error(request, f"未能{label}：{errors}")
        return redirect("core:certificate_detail", pk=pk)
    try:
        change_certificate_status(certificate, transition, actor=request.user, **form.cleaned_data)
    except TransitionRefused as refusal:
        messages.error(request, f"未能{label}：{refusal.message}")
    else:
        messages.success(request, f"已{label}执法证{certificate.number}。")
    return redirect("core:certificate_detail", pk=pk)
