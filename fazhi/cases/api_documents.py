"""A case's documents (/api/v1/cases/{id}/documents): the kinds it can produce now, and each as .docx.

The documents are built by fazhi.cases.documents from the stored records (nothing typed twice); a document
whose step is done is final (its number taken), the others come as drafts. Each download is audited as an
export, like the download on the case's page.
"""
from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.urls import NoReverseMatch, reverse
from ninja import Path, Router

from fazhi.core.api import READ_ERRORS, RecordId
from fazhi.core.audit import record_event
from fazhi.core.choices import AuditAction
from fazhi.core.permissions import visible_or_404
from fazhi.documents.layout import DOCX_CONTENT_TYPE

from . import documents
from .models import Case
from .schemas import DocumentOut

router = Router()
DocumentKind = Path(..., min_length=1, max_length=40, pattern=r"^[a-z_]+$",
                    description="文书种类代码，见文书列表的 kind。")
# The staff page that serves the same file, once the case pages are mounted under the "cases" namespace.
WEB_DOWNLOAD = "cases:document_docx"


def _case(request, id: int) -> Case:
    return visible_or_404(Case.objects.select_related(
        "organisation__bureau__region", "organisation__region", "provision_broken__version__law",
        "penalty_provision__version__law", "violation", "entity"), request.auth, id)


def _web_url(case: Case, kind: str) -> str | None:
    try:
        return reverse(WEB_DOWNLOAD, kwargs={"pk": case.pk, "kind": kind})
    except NoReverseMatch:
        return None


@router.get("/{id}/documents", response={200: list[DocumentOut], **READ_ERRORS}, summary="案件文书列表",
            url_name="cases_documents")
def list_documents(request, id: int = RecordId):
    """本案现在可以生成的文书，按案卷顺序（立案—取证—审查—决定—送达—执行—结案）：已办结相应步骤的为定稿
    （有文号的带文号），其余为草稿。`download_url` 经本接口下载 .docx。"""
    case = _case(request, id)
    return [{
        "kind": spec.kind, "title": spec.title, "stage": spec.stage,
        "number": documents.document_number(case, spec.kind), "final": documents.is_final(case, spec.kind),
        "download_url": reverse("api:cases_document_docx", kwargs={"id": case.pk, "kind": spec.kind}),
        "web_url": _web_url(case, spec.kind),
    } for spec in documents.applicable_documents(case)]


@router.get("/{id}/documents/{kind}", response=READ_ERRORS, summary="下载案件文书（.docx）",
            url_name="cases_document_docx", openapi_extra={"responses": {200: {
                "description": "文书（Word .docx）。", "content": {DOCX_CONTENT_TYPE: {
                    "schema": {"type": "string", "format": "binary"}}}}}})
def download_document(request, id: int = RecordId, kind: str = DocumentKind):
    """按本案现有记录生成的文书；本案没有这种文书的，答复 404。下载记入审计日志。"""
    case = _case(request, id)
    spec = documents.CASE_DOCUMENTS.get(kind)
    if spec is None or not spec.applies(case):
        raise Http404("本案没有这份文书。")
    content = documents.document_bytes(case, kind)
    record_event(actor=request.auth, action=AuditAction.EXPORT, obj=case,
                 detail={"document": spec.title, "kind": kind, "number": documents.document_number(case, kind)})
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(documents.document_filename(case, kind))}"
    return response
