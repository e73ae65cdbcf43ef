"""A case's documents: the list with downloads, each document as .docx, the whole file as .zip, and the form in
which the case's officers edit a document's wording until it is issued.

Reading goes through `Case.objects.visible_to` (anything else is a 404); the wording rule lives in
`documents.wording_refusal` and `documents.save_wording` checks it again.
"""
from __future__ import annotations

import tempfile
from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from fazhi.core.audit import record_event
from fazhi.core.choices import AuditAction
from fazhi.core.forms import add_service_errors
from fazhi.core.permissions import visible_or_404
from fazhi.documents.archive import safe_name
from fazhi.documents.layout import DOCX_CONTENT_TYPE

from . import documents
from .models import Case

ZIP_CONTENT_TYPE = "application/zip"
# An archive is built in memory up to this size, then on disk: evidence video must not fill the memory.
ARCHIVE_SPOOL_BYTES = 16 * 1024 * 1024


def _case(request, pk) -> Case:
    return visible_or_404(Case.objects.select_related(
        "organisation__bureau__region", "organisation__region", "provision_broken__version__law",
        "penalty_provision__version__law", "violation", "entity"), request.user, pk)


def _spec(case, kind):
    spec = documents.CASE_DOCUMENTS.get(kind)
    if spec is None or not spec.applies(case):
        raise Http404("本案没有这份文书。")
    return spec


def _attachment(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def document_rows(case, user) -> list[dict]:
    """What cases/documents_panel.html lists: each document the case has, its number, whether it is final and
    whether `user` may edit its wording."""
    return [{
        "spec": spec, "number": documents.document_number(case, spec.kind), "final": documents.is_final(case, spec.kind),
        "editable": bool(spec.wordings) and documents.wording_refusal(case, spec.kind, user) is None,
    } for spec in documents.applicable_documents(case)]


@login_required
@require_GET
def document_list(request, pk):
    case = _case(request, pk)
    return render(request, "cases/documents_list.html", {"case": case, "rows": document_rows(case, request.user)})


@login_required
@require_GET
def document_docx(request, pk, kind):
    case = _case(request, pk)
    spec = _spec(case, kind)
    content = documents.document_bytes(case, kind)
    record_event(actor=request.user, action=AuditAction.EXPORT, obj=case,
                 detail={"document": spec.title, "kind": kind, "number": documents.document_number(case, kind)})
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(documents.document_filename(case, kind))
    return response


@login_required
@require_GET
def case_archive(request, pk):
    case = _case(request, pk)
    spooled = tempfile.SpooledTemporaryFile(max_size=ARCHIVE_SPOOL_BYTES)
    rows = documents.write_case_archive(case, spooled)
    spooled.seek(0)
    record_event(actor=request.user, action=AuditAction.EXPORT, obj=case,
                 detail={"document": "案卷", "files": len(rows)})
    filename = safe_name(f"案卷_{case.filing_number or case.decision_number or case.pk}") + ".zip"
    return FileResponse(spooled, as_attachment=True, filename=filename, content_type=ZIP_CONTENT_TYPE)


class WordingForm(forms.Form):
    """One text area per paragraph of the document, filled with the officer's wording or the default."""

    def __init__(self, spec, stored: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for wording in spec.wordings:
            facts = "、".join("{" + name + "}" for name in wording.fields) or "无"
            self.fields[wording.key] = forms.CharField(
                label=wording.label, required=False, initial=stored.get(wording.key, wording.default),
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=f"须保留的事实：{facts}。清空即恢复默认措辞。")


@login_required
@require_http_methods(["GET", "POST"])
def document_wording(request, pk, kind):
    case = _case(request, pk)
    spec = _spec(case, kind)
    if not spec.wordings:
        raise Http404("这份文书没有可修改的措辞。")
    refusal = documents.wording_refusal(case, kind, request.user)
    if request.method == "POST" and refusal:
        raise PermissionDenied(refusal)
    stored = documents.stored_wording(case, kind)
    form = WordingForm(spec, stored, request.POST if request.method == "POST" else None)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            documents.save_wording(case, kind, form.cleaned_data, request.user)
            saved = True
            form = WordingForm(spec, documents.stored_wording(case, kind))
        except ValidationError as error:
            add_service_errors(form, error)
    template = "cases/documents_wording_form.html" if request.htmx else "cases/documents_wording.html"
    return render(request, template, {
        "case": case, "spec": spec, "form": form, "refusal": refusal, "saved": saved,
        "placeholders": sorted(documents.COMMON_FACT_NAMES)})
