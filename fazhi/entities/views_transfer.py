"""Import and export pages of the registry.

Export: the list's own filters and sort, streamed to .xlsx, one audit event per export. Import: upload, the
check's findings (every bad row) while nothing is saved, confirm, and a progress bar that polls with HTMX
while the work runs in the background. Import pages are for IMPORTER_ROLES; a batch of another bureau is a 404.
"""
from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fazhi.core.audit import record_event
from fazhi.core.choices import AuditAction
from fazhi.core.filters import FazhiFilterSet
from fazhi.core.forms import add_service_errors
from fazhi.core.listing import ScopedListView
from fazhi.core.permissions import roles_required, visible_or_404
from fazhi.core.tables import FazhiTable
from fazhi.core.xlsx_stream import EXCEL_MAX_ROWS, XLSX_CONTENT_TYPE

from . import imports, jobs
from .choices import ImportStatus
from .exports import stream_entities_xlsx
from .filters import EntityFilterSet
from .models import Entity, ImportBatch
from .permissions import EXPORTER_ROLES, IMPORTER_ROLES
from .rules import IMPORT_RULES
from .services import home_bureau
from .tables import DEFAULT_SORT, order_fields

importer_required = roles_required(*IMPORTER_ROLES)
STATUS_BADGES = {
    ImportStatus.CHECKED_OK: "badge-ok", ImportStatus.APPLIED: "badge-ok",
    ImportStatus.CHECKED_BAD: "badge-bad", ImportStatus.FAILED: "badge-bad",
    ImportStatus.CHECKING: "badge-warn", ImportStatus.APPLYING: "badge-warn",
}


def status_badge(batch: ImportBatch, interrupted: bool) -> tuple[str, str]:
    """The label and badge class of a batch's status; a batch whose job died shows as interrupted."""
    if interrupted:
        return "已中断", "badge-bad"
    return batch.get_status_display(), STATUS_BADGES.get(batch.status, "")


def attachment(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# ---- export ------------------------------------------------------------------------------------------------------

def _back_to_list(request):
    query = request.GET.urlencode()
    return redirect(f"{reverse('entities:list')}?{query}" if query else reverse("entities:list"))


@roles_required(*EXPORTER_ROLES)
@require_GET
def export_entities(request):
    """The list as filtered and sorted on screen (every page of it), as .xlsx."""
    filterset = EntityFilterSet(request.GET or None, queryset=Entity.objects.visible_to(request.user), request=request)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, "筛选条件有误，请在列表中重新选择后再导出。")
        return _back_to_list(request)
    sort = request.GET.get("sort") or DEFAULT_SORT
    queryset = filterset.qs.order_by(*order_fields(sort))
    count = queryset.count()
    if count > EXCEL_MAX_ROWS - 1:
        messages.error(request, f"符合条件的监管对象有{count}个，超过Excel单个工作表{EXCEL_MAX_ROWS - 1}行的上限，"
                                "请增加筛选条件分批导出。")
        return _back_to_list(request)
    filters = {key: value for key, value in request.GET.items() if value and key != "page"}
    user = request.user
    record_event(actor=user, action=AuditAction.EXPORT, object_repr="监管对象导出",
                 organisation_id=user.organisation.bureau_id if user.organisation_id else None,
                 detail={"model": "entities.entity", "filters": filters, "rows": count})
    response = StreamingHttpResponse(stream_entities_xlsx(queryset, viewer=user), content_type=XLSX_CONTENT_TYPE)
    return attachment(response, f"监管对象_{timezone.localdate():%Y%m%d}.xlsx")


# ---- the list of imports -----------------------------------------------------------------------------------------

class ImportBatchFilterSet(FazhiFilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=ImportStatus.choices, empty_label="全部")

    class Meta:
        model = ImportBatch
        fields = ["status"]


class ImportBatchTable(FazhiTable):
    created_at = tables.DateTimeColumn(format="Y-m-d H:i")
    original_name = tables.Column(linkify=("entities:import_detail", [tables.A("pk")]))
    created_by = tables.Column(order_by=("created_by__full_name", "id"))
    status = tables.Column()
    total_rows = tables.Column()
    created_count = tables.Column()
    updated_count = tables.Column()
    error_count = tables.Column()

    class Meta(FazhiTable.Meta):
        model = ImportBatch
        fields = ("created_at", "original_name", "created_by", "status", "total_rows", "created_count",
                  "updated_count", "error_count")
        order_by = "-created_at"

    def render_status(self, record):
        label, badge = status_badge(record, imports.is_interrupted(record))
        return format_html('<span class="badge {}">{}</span>', badge, label)


class ImportListView(ScopedListView):
    model = ImportBatch
    filterset_class = ImportBatchFilterSet
    table_class = ImportBatchTable
    template_name = "entities/import_list.html"
    title = "监管对象批量导入"
    roles = IMPORTER_ROLES

    def scoped_queryset(self, queryset):
        return queryset.select_related("created_by").order_by("-created_at", "-id")


# ---- upload and template -----------------------------------------------------------------------------------------

class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="表格文件",
        help_text=f".xlsx，或UTF-8、GBK编码的.csv；不超过{IMPORT_RULES.max_file_bytes // (1024 * 1024)} MB、"
                  f"{IMPORT_RULES.max_rows}行。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": "请选择要导入的文件。", "empty": "文件是空的，请选择填好数据的表格文件。"},
    )


@importer_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if request.method == "POST" and form.is_valid():
        try:
            batch = imports.create_batch(actor=request.user, uploaded_file=form.cleaned_data["file"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            jobs.start_check(batch, actor=request.user)
            return redirect("entities:import_detail", pk=batch.pk)
    return render(request, "entities/import_upload.html", {"form": form, "title": "上传导入文件", "rules": IMPORT_RULES})


@importer_required
@require_GET
def import_template(request):
    data = imports.build_template(home_bureau(request.user))
    return attachment(HttpResponse(data, content_type=XLSX_CONTENT_TYPE), "监管对象导入模板.xlsx")


# ---- one batch ---------------------------------------------------------------------------------------------------

def visible_batch_or_404(user, pk) -> ImportBatch:
    return visible_or_404(ImportBatch.objects.select_related("created_by", "organisation"), user, pk)


def _progress(batch: ImportBatch) -> dict:
    published = imports.read_progress(batch.pk) or {}
    processed = published.get("processed", batch.processed_rows)
    total = published.get("total") or batch.total_rows
    percent = min(100, processed * 100 // total) if total else None
    return {"processed": processed, "total": total, "percent": percent}


def status_context(request, batch: ImportBatch) -> dict:
    interrupted = imports.is_interrupted(batch)
    running = batch.status in imports.ACTIVE_STATUSES and not interrupted
    may_act = ImportBatch.objects.writable_by(request.user).filter(pk=batch.pk).exists()
    finished = batch.status in (ImportStatus.CHECKED_OK, ImportStatus.CHECKED_BAD, ImportStatus.FAILED)
    label, badge = status_badge(batch, interrupted)
    return {
        "batch": batch, "running": running, "interrupted": interrupted, "progress": _progress(batch),
        "status_label": label, "status_badge": badge,
        "can_apply": may_act and batch.status == ImportStatus.CHECKED_OK,
        "can_recheck": may_act and (interrupted or batch.status in (ImportStatus.UPLOADED, ImportStatus.CHECKED_BAD,
                                                                    ImportStatus.FAILED)),
        "can_cancel": may_act and (interrupted or finished or batch.status == ImportStatus.UPLOADED),
        "preview": imports.preview_rows(batch) if batch.status == ImportStatus.CHECKED_OK else None,
    }


@importer_required
@require_http_methods(["GET", "POST"])
def import_detail(request, pk):
    """The batch's page; a POST here checks the file again (after an interruption, or when data has changed)."""
    if request.method == "POST":
        return _act_on_batch(request, pk, jobs.start_check)
    batch = visible_batch_or_404(request.user, pk)
    return render(request, "entities/import_detail.html", {"title": f"导入：{batch.original_name}",
                                                           **status_context(request, batch)})


@importer_required
@require_GET
def import_progress(request, pk):
    """The status block alone, for HTMX to poll; once the work is done it no longer asks to be polled."""
    batch = visible_batch_or_404(request.user, pk)
    return render(request, "entities/_import_status.html", status_context(request, batch))


@importer_required
@require_POST
def import_apply(request, pk):
    return _act_on_batch(request, pk, jobs.start_apply)


@importer_required
@require_POST
def import_cancel(request, pk):
    return _act_on_batch(request, pk, imports.cancel_batch, done="已取消该批次，未导入任何记录。")


def _act_on_batch(request, pk, action, *, done: str = ""):
    """Run `action` on a batch the user sees; a refusal is shown as a message. Back to the batch's page either way."""
    batch = visible_batch_or_404(request.user, pk)
    try:
        action(batch, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if done:
            messages.success(request, done)
    return redirect("entities:import_detail", pk=pk)
