"""Pages of the discretion table: the list, a violation with its bands and provisions, the upload, the download.

The table is one for the whole instance, not scoped to a bureau: every member of staff reads all of it.
Uploading is for the legal section and the administrator (`discretion.EDITOR_ROLES`); the service checks again.
"""
from __future__ import annotations

import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fazhi.core.listing import ScopedListView
from fazhi.core.permissions import roles_required
from fazhi.core.spreadsheets import FileProblem
from fazhi.core.tables import FazhiTable
from fazhi.core.xlsx_stream import XLSX_CONTENT_TYPE
from fazhi.laws.citations import provision_label
from fazhi.laws.versions import version_state

from . import discretion
from .forms_discretion import (
    DiscretionConfirmForm, DiscretionUploadForm, ViolationFilterSet, sign_upload, unsign_upload,
)
from .models import Violation

editor_required = roles_required(*discretion.EDITOR_ROLES)
UPLOAD_TEMPLATE = "cases/discretion_upload.html"
UPLOAD_TITLE = "导入裁量基准表"
FORMATS = {"xlsx": XLSX_CONTENT_TYPE, "tsv": "text/tab-separated-values; charset=utf-8"}


def fine_summary(violation) -> str:
    """The statutory fine in a few words: its range, else the rule's words, else none."""
    if violation.fine_max is not None or violation.fine_min is not None:
        return discretion.range_text(violation.fine_min, violation.fine_max)
    if discretion.FINE in violation.penalty_kinds.split():
        return violation.fine_rule or "未规定数额"
    return "无罚款"


class ViolationTable(FazhiTable):
    code = tables.Column(linkify=("discretion:detail", [tables.A("pk")]))
    name = tables.Column()
    domain = tables.Column(order_by=("domain__sort_order", "sort_order"))
    provision_broken_cited = tables.Column(verbose_name="违反条款", orderable=False)
    penalty_provision_cited = tables.Column(verbose_name="处罚依据", orderable=False)
    fine = tables.Column(verbose_name="法定罚款", empty_values=(), orderable=False)
    is_active = tables.Column(verbose_name="状态")

    class Meta(FazhiTable.Meta):
        model = Violation
        fields = ("code", "name", "domain", "provision_broken_cited", "penalty_provision_cited", "fine", "is_active")

    def render_fine(self, record):
        return fine_summary(record)

    def render_is_active(self, value):
        return "启用" if value else "停用"


class ViolationListView(ScopedListView):
    model = Violation
    filterset_class = ViolationFilterSet
    table_class = ViolationTable
    template_name = "cases/discretion_list.html"
    title = "裁量基准"

    def get_queryset(self):
        # One table for the whole instance (not scoped): every member of staff reads all of it.
        return Violation.objects.select_related("domain").order_by("sort_order", "code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_edit"] = self.request.user.has_role(*discretion.EDITOR_ROLES)
        return context


def cited_provisions(text: str, linked) -> list:
    """Every provision a citation names (the linked one first); just the linked one if it no longer resolves."""
    try:
        provisions = discretion.resolve_cited(text).provisions if text else []
    except ValidationError:
        provisions = []
    return [{"label": provision_label(p), "provision": p, "url": reverse("laws:provision", args=[p.pk]),
             "version": p.version, "state": version_state(p.version)} for p in provisions or [linked]]


@login_required
@require_GET
def violation_detail(request, pk):
    related = ("domain", "provision_broken__version__law", "penalty_provision__version__law")
    violation = get_object_or_404(Violation.objects.select_related(*related).prefetch_related("bands"), pk=pk)
    bands = [{"level": band.get_level_display(), "circumstances": band.circumstances, "other": band.other_penalties,
              "fine": discretion.range_text(band.fine_min if band.fine_min is not None else violation.fine_min,
                                            band.fine_max) if band.fine_max is not None else "不设固定金额"}
             for band in sorted(violation.bands.all(), key=lambda b: discretion.LEVELS.index(b.level))]
    return render(request, "cases/discretion_detail.html", {
        "violation": violation, "bands": bands, "fine": fine_summary(violation),
        "kinds": discretion.kind_labels(violation.penalty_kinds),
        "provision_groups": [
            ("违反条款", cited_provisions(violation.provision_broken_cited, violation.provision_broken)),
            ("处罚依据", cited_provisions(violation.penalty_provision_cited, violation.penalty_provision)),
        ],
        "may_edit": request.user.has_role(*discretion.EDITOR_ROLES),
    })


@editor_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """Upload and check: every problem is listed and nothing is saved; a clean file waits for confirmation."""
    form = DiscretionUploadForm(request.POST, request.FILES) if request.method == "POST" else DiscretionUploadForm()
    context = {"form": form, "title": UPLOAD_TITLE}
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            data = discretion.file_bytes(uploaded)
            check = discretion.check_discretion_table(data)
        except FileProblem as problem:
            form.add_error("file", problem.message)
        else:
            context.update(check=check, file_name=uploaded.name)
            if check.is_clean:
                payload = sign_upload(data, actor=request.user, name=uploaded.name)
                context["confirm_form"] = DiscretionConfirmForm(initial={"payload": payload})
    return render(request, UPLOAD_TEMPLATE, context)


@editor_required
@require_POST
def upload_confirm(request):
    """Check the file again and save every row, or none (the problems are shown again)."""
    form = DiscretionConfirmForm(request.POST)
    try:
        if not form.is_valid():
            raise FileProblem("确认信息缺失，请重新上传文件。")
        data, name = unsign_upload(form.cleaned_data["payload"], actor=request.user)
        check = discretion.load_discretion_table(data, request.user)
    except FileProblem as problem:
        messages.error(request, problem.message)
        return redirect("discretion:upload")
    except discretion.DiscretionTableRejected as rejected:
        return render(request, UPLOAD_TEMPLATE, {"form": DiscretionUploadForm(), "title": UPLOAD_TITLE,
                                                 "check": rejected.check, "file_name": name, "rechecked": True})
    messages.success(request, f"已导入“{name}”：新增{check.new_count}条、更新{check.changed_count}条，"
                              f"{check.unchanged_count}条无变化。")
    return redirect("discretion:list")


@login_required
@require_GET
def download(request):
    """The current table, to edit and upload again: .xlsx by default, ?format=tsv for UTF-8 text."""
    file_format = request.GET.get("format", "xlsx")
    if file_format not in FORMATS:
        file_format = "xlsx"
    response = HttpResponse(discretion.export_discretion_table(file_format), content_type=FORMATS[file_format])
    name = f"裁量基准表（{timezone.localdate():%Y-%m-%d}）.{file_format}"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
