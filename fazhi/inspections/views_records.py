"""Pages of the on-site record: an officer's visits of the day, the record form (usable on a phone, offline
too), the record's page with its attachments and signature, and the two documents as .docx.

Reading goes through `visible_to` (anything else is a 404); writing is judged by the services in records.py.
"""
from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import quote

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.middleware.csrf import get_token
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fazhi.core.audit import record_event
from fazhi.core.choices import AuditAction
from fazhi.core.filters import SearchFilterSet
from fazhi.core.form_views import save_form
from fazhi.core.forms import add_service_errors
from fazhi.core.listing import ScopedListView
from fazhi.core.permissions import visible_or_404
from fazhi.core.tables import FazhiTable
from fazhi.core.workflow import TransitionRefused

from . import documents, records
from .choices import InspectionStatus
from .forms_records import OnSiteRecordForm, RecordFileForm
from .models import Inspection, OnSiteRecord, RecordFile, SupervisionOpinion
from .permissions import INSPECTOR_ROLES


# ---- 今日检查 --------------------------------------------------------------------------------------------------

class TodayFilterSet(SearchFilterSet):
    search_fields = ("entity__name", "entity__address")
    q = django_filters.CharFilter(label="对象名称或地址", method="search")

    class Meta:
        model = Inspection
        fields = ["q"]


class TodayTable(FazhiTable):
    entity = tables.Column(verbose_name="监管对象", orderable=False)

    class Meta(FazhiTable.Meta):
        model = Inspection
        fields = ("entity", "status")
        orderable = False


class TodayView(ScopedListView):
    """The visits assigned to the signed-in officer whose window covers today and which are still open."""

    model = Inspection
    filterset_class = TodayFilterSet
    table_class = TodayTable
    template_name = "inspections/records/today.html"
    partial_template_name = "inspections/records/_today_results.html"
    roles = INSPECTOR_ROLES
    title = "今日检查"

    def scoped_queryset(self, queryset):
        today = timezone.localdate()
        return (queryset.assigned_to(self.request.user).open()
                .filter(window_start__lte=today, window_end__gte=today)
                .select_related("entity").prefetch_related("items").order_by("entity__name", "id"))


# ---- the record form -------------------------------------------------------------------------------------------

def _inspection_or_404(user, pk) -> Inspection:
    return visible_or_404(Inspection.objects.select_related("entity", "organisation"), user, pk)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _json_save(request, form, inspection) -> JsonResponse:
    """The phone's background submit: the same service, answered in JSON the page script understands."""
    if form.is_valid():
        try:
            outcome = records.save_record(inspection, form.record_input(), actor=request.user,
                                          client_key=form.cleaned_data["client_key"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return JsonResponse({"ok": True, "record": outcome.record.pk, "replayed": outcome.replayed,
                                 "url": reverse("inspections:record", args=[inspection.pk])})
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    return JsonResponse({"ok": False, "errors": errors}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request, pk):
    inspection = _inspection_or_404(request.user, pk)
    records.ensure_may_write(inspection, request.user)
    record = OnSiteRecord.objects.filter(inspection=inspection).prefetch_related("checks").first()
    if request.method == "GET" and record is not None and record.is_locked:
        return redirect("inspections:record", pk=inspection.pk)
    initial = OnSiteRecordForm.initial_from(record) if record else {}
    form = OnSiteRecordForm(request.POST or None, inspection=inspection, initial=initial)
    if request.method == "POST" and _wants_json(request):
        return _json_save(request, form, inspection)

    def save(form):
        records.save_record(inspection, form.record_input(), actor=request.user,
                            client_key=form.cleaned_data["client_key"])
        return reverse("inspections:record", args=[inspection.pk])

    return save_form(request, form, save, title="现场笔录", template="inspections/records/record_form.html",
                     cancel_url=reverse("inspections:today"), success_message="现场笔录已保存。",
                     inspection=inspection, record=record,
                     needs_registration=inspection.status == InspectionStatus.PLANNED,
                     draft_store=f"fazhi:onsite-record:{inspection.pk}:{request.user.pk}")


# ---- working without signal ------------------------------------------------------------------------------------

SERVICE_WORKER_TEMPLATE = "inspections/records/sw.js"
# What the day page and the record form need to open without a network. Their URLs carry no content hash
# (the storage is not a manifest one), so the worker's version is made from their content instead.
OFFLINE_STATIC = ("core/fazhi.css", "core/fazhi.js", "django_htmx/htmx-2.min.js",
                  "inspections/record.css", "inspections/record_draft.js", "inspections/offline.js")
OFFLINE_PAGE_LIMIT = 30


def _offline_version() -> str:
    digest = hashlib.sha256(get_template(SERVICE_WORKER_TEMPLATE).template.source.encode())
    for name in OFFLINE_STATIC:
        found = finders.find(name)
        digest.update(name.encode())
        if found:
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:16]


@require_GET
def service_worker(request):
    """The worker that keeps the officer's day and record forms openable offline. Served from /inspections/
    so that its scope is that path and nothing above it; revalidated on every update check so that a new
    version (a new hash of its files) rolls out on the next visit online."""
    scope = request.path.rsplit("/", 1)[0] + "/"
    config = {
        "version": _offline_version(), "scope": scope, "pageLimit": OFFLINE_PAGE_LIMIT,
        "staticUrls": [static(name) for name in OFFLINE_STATIC],
        "pages": ["^" + re.escape(scope) + r"today/$", "^" + re.escape(scope) + r"\d+/record/edit/$"],
    }
    body = render_to_string(SERVICE_WORKER_TEMPLATE, {"config": json.dumps(config)})
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


@require_GET
def csrf_token(request):
    """A current CSRF token for a queued submit: a record form opened from the offline copy may carry the
    token of an earlier sign-in, which the server no longer accepts."""
    response = JsonResponse({"token": get_token(request)})
    add_never_cache_headers(response)
    return response


# ---- the record's page ---------------------------------------------------------------------------------------

@login_required
@require_GET
def record_detail(request, pk):
    inspection = _inspection_or_404(request.user, pk)
    record = OnSiteRecord.objects.filter(inspection=inspection).select_related("signed_by").first()
    refusal = records.writing_refusal(inspection, request.user)
    if record is None:
        if refusal is None:
            return redirect("inspections:record_edit", pk=inspection.pk)
        raise Http404("本次检查尚未制作现场笔录。")
    may_change = refusal is None and not record.is_locked and inspection.status == InspectionStatus.REGISTERED
    return render(request, "inspections/records/record_detail.html", {
        "inspection": inspection, "record": record, "may_change": may_change,
        "checks": record.checks.select_related("item").order_by("item__sort_order", "item__code"),
        "files": record.files.select_related("uploaded_by"),
        "team": inspection.team.select_related("officer", "certificate"),
        "file_form": RecordFileForm() if may_change else None,
        "bodycam": documents.bodycam_line(record) if (record.bodycam_device or record.bodycam_absent_reason) else "",
    })


@login_required
@require_POST
def record_sign(request, pk):
    inspection = _inspection_or_404(request.user, pk)
    record = OnSiteRecord.objects.filter(inspection=inspection).first()
    if record is None:
        raise Http404("本次检查尚未制作现场笔录。")
    try:
        records.sign_record(record, actor=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    except TransitionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"现场笔录已签名锁定，文书编号{record.number}。")
    return redirect("inspections:record", pk=inspection.pk)


@login_required
@require_POST
def record_file_upload(request, pk):
    inspection = _inspection_or_404(request.user, pk)
    form = RecordFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            stored = records.attach_file(inspection, form.cleaned_data["file"], actor=request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"已上传{stored.original_name}，SHA-256：{stored.sha256}。")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("inspections:record", pk=inspection.pk)


@login_required
@require_GET
def record_file_download(request, pk, file_pk):
    stored = RecordFile.objects.visible_to(request.user).filter(pk=file_pk, record__inspection_id=pk).first()
    if stored is None:
        raise Http404("附件不存在，或不在您的查看范围内。")
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.original_name)


# ---- documents -----------------------------------------------------------------------------------------------

def _docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=documents.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_GET
def record_docx(request, pk):
    record = visible_or_404(OnSiteRecord.objects.select_related(
        "inspection__entity", "organisation__bureau__region", "signed_by"), request.user, pk)
    if not record.is_locked:
        raise Http404("现场笔录签名锁定后才能生成文书。")
    content = documents.onsite_record_docx(record)
    record_event(actor=request.user, action=AuditAction.EXPORT, obj=record, detail={"document": "现场笔录"})
    return _docx_response(content, f"现场笔录{record.number}.docx")


@login_required
@require_GET
def opinion_docx(request, pk):
    opinion = visible_or_404(SupervisionOpinion.objects.select_related(
        "inspection__entity", "organisation__bureau__region"), request.user, pk)
    content = documents.supervision_opinion_docx(opinion)
    record_event(actor=request.user, action=AuditAction.EXPORT, obj=opinion, detail={"document": "卫生监督意见书"})
    return _docx_response(content, f"卫生监督意见书{opinion.number}.docx")
