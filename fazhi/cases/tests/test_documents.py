"""The documents of a penalty case: every fact from the records, §59 in the decision, wording edits that cannot
touch the facts, the file in its order and the archive with its manifest, the downloads within scope, and a
document that LibreOffice opens."""
import datetime as dt
import io
import os
import shutil
import subprocess
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import NoReverseMatch, include, path, reverse
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

import fazhi.urls
from fazhi.cases import documents, urls_documents
from fazhi.cases.choices import CaseStatus, PartyKind
from fazhi.cases.models import Case, CaseDocument, Evidence
from fazhi.core.models import AuditEvent
from fazhi.documents.archive import MANIFEST_NAME, pdf_pages
from fazhi.documents.case_wording import CASE_WORDINGS
from fazhi.documents.layout import estimate_pages, new_document, paragraph, seal_area
from fazhi.documents.wording import rmb_upper
from fazhi.entities.tests.factories import register
from fazhi.inspections.models import RectificationItem, SupervisionOpinion
from fazhi.inspections.tests import factories as fi

from . import factories_documents as fd

# The case pages are wired into the site's URLs by the cases app; until they are, these tests mount the
# document URLs under the same namespace themselves.
try:
    reverse("cases:document_docx", args=[1, "case_filing"])
    urlpatterns = list(fazhi.urls.urlpatterns)
except NoReverseMatch:
    urlpatterns = [*fazhi.urls.urlpatterns, path("cases/", include((urls_documents.urlpatterns, "cases")))]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officers(bureaus):
    return fd.team(bureaus["kaiping_institute"], "黄监督", "梁监督")


@pytest.fixture
def archived(bureaus, officers, section_head, legal_reviewer, leader):
    return fd.archived_case(bureaus["kaiping_institute"], officers, section_head, legal_reviewer, leader)


@pytest.fixture
def registered(bureaus, officers):
    """A case waiting for the decision to file it: its 立案报告 is still a draft."""
    return fd.penalty_case(bureaus["kaiping_institute"], officers)


@pytest.fixture
def investigating(bureaus, officers):
    """A case under investigation: filed, with evidence, nothing issued after the filing."""
    case = fd.penalty_case(bureaus["kaiping_institute"], officers, status=CaseStatus.INVESTIGATING,
                           filing_number="开卫立〔2026〕4号", filed_on=dt.date(2026, 3, 3))
    fd.add_investigation(case, officers)
    return case


def text_of(content) -> str:
    document = Document(io.BytesIO(content)) if isinstance(content, bytes) else content
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


# ---- every document, filled from the records -----------------------------------------------------------------

FACTS_BY_KIND = {
    "file_index": ["卷内目录", "本卷共16件", "从业人员花名册", "另行存储：执法记录仪DSJ-07", "2026年4月30日"],
    "case_filing": ["立案报告", "开卫立〔2026〕3号", "92440783MA4W1234X5", "开平市三埠街道东河路8号", "梁悦来",
                    "0750-2212345", "2026年3月3日", "《公共场所卫生管理条例》第七条", "日常监督检查中发现", "（主办）"],
    "interview_record": ["询问笔录", "2026年3月4日9时30分至10时20分", "开平市卫生监督所询问室", "440783198001011234",
                         "答：没有，刚招来不久。", "20260304-0002", "已签名确认"],
    "evidence_preservation": ["开卫保〔2026〕2号", "客房服务登记本 1本", "从业人员排班表 2张", "7日内作出处理决定",
                              "2026年3月6日：解除先行登记保存，退还当事人"],
    "seizure": ["开卫封〔2026〕1号", "无证使用的消毒设备 1台", "期限为30日", "不超过30日", "解除日期：2026年3月20日"],
    "investigation_report": ["案件调查终结报告", "现场照片、花名册和询问笔录相互印证", "从业人员花名册", "建议给予警告",
                             "裁量阶次：一般", "初次违法", "询问笔录：1份", "证据：3份"],
    "review_record": ["科室初审（第1轮）", "法制科复审（第1轮）", "陈法制", "主体适格", "程序合法。", "2026年3月12日"],
    "deliberation_record": ["局三楼会议室", "赵局长", "王科长", "与会人员一致同意承办人意见。", "2026年3月13日"],
    "prior_notice": ["开卫罚告〔2026〕5号", "开平市三埠街道悦来宾馆：", "2026年3月19日前", "2026年3月21日前",
                     "罚款人民币伍仟元整（5,000.00元）", "现场照片、执法记录仪视频、从业人员花名册、梁悦来的询问笔录等证据证实"],
    "hearing_notice": ["开卫听告〔2026〕2号", "开卫罚告〔2026〕5号", "5日内", "2026年3月21日前"],
    "penalty_decision": ["开卫罚〔2026〕12号", "二人已补办健康证明", "不予采纳", "2026年3月30日依法举行了听证",
                         "事实清楚，处罚适当。", "二人无证上岗，属一般情节。"],
    "service_receipt": ["行政处罚决定书 开卫罚〔2026〕12号", "直接送达", "2026年4月3日", "黄监督"],
    "payment_reminder": ["开卫催〔2026〕1号", "开卫罚〔2026〕12号", "5,600.00元", "600.00元", "10日内",
                         "2026年4月18日前"],
    "closing_report": ["GD2026042500017", "5,600.00元", "600.00元", "2026年4月28日", "开卫催〔2026〕1号"],
}


def test_it_writes_every_document_of_the_case_from_its_records(archived):
    kinds = [spec.kind for spec in documents.applicable_documents(archived)]
    assert kinds == list(FACTS_BY_KIND)
    for kind in kinds:
        text = text_of(documents.document_bytes(archived, kind))
        assert "开平市卫生健康局" in text and documents.CASE_DOCUMENTS[kind].title in text, kind
        for fact in FACTS_BY_KIND[kind]:
            assert fact in text, (kind, fact)
        assert documents.DRAFT_NUMBER not in text, kind


def test_the_decision_carries_every_element_of_article_59(archived):
    text = text_of(documents.document_bytes(archived, "penalty_decision"))
    elements = {
        "party": ["当事人：开平市三埠街道悦来宾馆", "统一社会信用代码：92440783MA4W1234X5", "住所（地址）：开平市三埠街道东河路8号"],
        "facts and evidence": ["经查，2026年3月2日，你单位安排未取得健康合格证明的从业人员", "现场照片（物证）",
                               "从业人员花名册（书证）：李某、陈某在册", "梁悦来的询问笔录（2026年3月4日）"],
        "penalty and basis": ["违反了《公共场所卫生管理条例》第七条的规定", fd.BROKEN_TEXT, fd.PENALTY_TEXT,
                              "依据《公共场所卫生管理条例》第十四条的规定", "（一）警告；", "罚款人民币伍仟元整（5,000.00元）"],
        "how and by when to pay": ["自收到本决定书之日起15日内（即2026年4月18日前）", "每日按罚款数额的3%加处罚款",
                                   "不超出罚款的数额"],
        "appeal routes and limits": ["60日内向开平市人民政府申请行政复议", "6个月内依法向人民法院提起行政诉讼"],
        "bureau and date": ["开平市卫生健康局", "2026年4月2日"],
    }
    for element, facts in elements.items():
        for fact in facts:
            assert fact in text, (element, fact)
    assert documents.decision_missing_elements(archived) == []


def test_the_seal_area_closes_the_decision_after_gb_t_9704(archived):
    document = Document(io.BytesIO(documents.document_bytes(archived, "penalty_decision")))
    name, date = document.paragraphs[-2], document.paragraphs[-1]
    assert (name.text, date.text) == ("开平市卫生健康局", "2026年4月2日")
    assert name.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # The date ends four characters (三号 = 16 pt) from the right; the name is centred over it.
    assert round(date.paragraph_format.right_indent.pt) == 64
    # “2026年4月2日” is six characters wide (digits are half-width), the name eight: three characters in.
    assert round(name.paragraph_format.right_indent.pt) == 16 * 3
    assert [p.text for p in document.paragraphs[-4:-2]] == ["", ""]  # room for the seal
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert "PAGE" in "".join(footer._element.itertext())
    assert document.sections[0].even_page_footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert document.settings.odd_and_even_pages_header_footer


def test_a_draft_decision_shows_no_number_and_no_date(investigating):
    case = fresh(investigating)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.IN_REVIEW)
    text = text_of(documents.document_bytes(fresh(case), "penalty_decision"))
    assert documents.DRAFT_NUMBER in text and "　　年　月　日" in text
    assert "（即" not in text  # the payment deadline is known only once the decision is served


# ---- §59 as a guard -------------------------------------------------------------------------------------------

def test_it_names_the_elements_a_decision_still_lacks(bureaus, officers):
    case = fd.penalty_case(bureaus["kaiping_institute"], officers, party_address="", facts="", penalty_kinds="fine",
                           fine_amount=None, penalty_provision=None)
    assert documents.decision_missing_elements(case) == [
        "当事人的地址", "违法事实", "证据", "行政处罚的依据", "罚款数额"]


def test_a_person_needs_an_id_number_and_detailed_penalties_their_content(bureaus, officers):
    case = fd.penalty_case(bureaus["kaiping_institute"], officers, party_kind=PartyKind.PERSON, party_id_number="",
                           penalty_kinds="warning licence_suspension", fine_amount=None)
    missing = documents.decision_missing_elements(case)
    assert "当事人的统一社会信用代码或身份证件号码" in missing and "其他处罚的具体内容" in missing
    Case.objects.filter(pk=case.pk).update(party_id_number="440783199001011234", other_penalty_detail="暂扣卫生许可证三个月")
    Evidence.objects.create(case=case, kind="documentary", title="营业执照复印件", collected_on=dt.date(2026, 3, 2),
                            added_by=officers[0])
    assert documents.decision_missing_elements(fresh(case)) == []


def test_the_simple_procedure_needs_the_place_but_no_evidence(bureaus, officers):
    case = fd.simple_case(bureaus["kaiping_institute"], officers, on_spot_place="")
    assert documents.decision_missing_elements(case) == ["当场处罚的地点"]


# ---- the simple procedure and the no-penalty decision ---------------------------------------------------------

def test_the_on_the_spot_decision_is_the_partys_own_document(bureaus, officers):
    case = fd.simple_case(bureaus["kaiping_institute"], officers)
    assert [s.kind for s in documents.applicable_documents(case)] == ["file_index", "simple_penalty"]
    text = text_of(documents.document_bytes(case, "simple_penalty"))
    for fact in ("当场行政处罚决定书", "开卫简罚〔2026〕7号", "身份证件号码：440783199001011234", "张三",
                 "处罚地点：开平市长沙街道幕沙路1号", "2026年5月6日", "罚款人民币伍拾元整（50.00元）", "GD-0012345",
                 "60日内向开平市人民政府申请行政复议", "黄监督（执法证号："):
        assert fact in text, fact
    assert "你如不服" in text and "你单位" not in text


def test_a_case_ended_without_penalty_gets_its_decision(bureaus, officers, investigating):
    Case.objects.filter(pk=investigating.pk).update(
        status=CaseStatus.NO_PENALTY, outcome_reason="当事人初次违法且危害后果轻微并及时改正",
        education_record="向负责人讲解了公共场所卫生管理条例的要求。", decided_on=dt.date(2026, 3, 20))
    case = fresh(investigating)
    kinds = [s.kind for s in documents.applicable_documents(case)]
    assert "no_penalty_decision" in kinds and "penalty_decision" not in kinds
    text = text_of(documents.document_bytes(case, "no_penalty_decision"))
    for fact in ("不予行政处罚决定书", "鉴于当事人初次违法且危害后果轻微并及时改正", "决定对你单位不予行政处罚",
                 "向负责人讲解了公共场所卫生管理条例的要求。", "2026年3月20日", "申请行政复议"):
        assert fact in text, fact
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_on=dt.date(2026, 3, 25))
    closed = fresh(case)
    assert documents.is_no_penalty(closed)
    assert "已作出不予行政处罚决定" in text_of(documents.document_bytes(closed, "closing_report"))


# ---- wording --------------------------------------------------------------------------------------------------

def test_an_officer_rewords_a_paragraph_and_the_facts_stay(registered, officers):
    row = documents.save_wording(registered, "case_filing",
                                 {"opinion": "经核查，{当事人}涉嫌{案由}，拟请立案调查。"}, officers[0])
    assert row.wording == {"opinion": "经核查，{当事人}涉嫌{案由}，拟请立案调查。"} and row.number == ""
    text = text_of(documents.document_bytes(fresh(registered), "case_filing"))
    assert "经核查，开平市三埠街道悦来宾馆涉嫌从业人员未取得健康合格证明直接为顾客服务，拟请立案调查。" in text
    assert documents.DRAFT_NUMBER in text and "92440783MA4W1234X5" in text
    event = AuditEvent.objects.filter(object_type="cases.casedocument", object_id=str(row.pk)).latest("seq")
    assert event.after == {"wording": row.wording} and event.organisation_id == registered.organisation_id


@pytest.mark.parametrize(("text", "message"), [
    ("{当事人}涉嫌违法，拟请立案。", "缺少{案由}"),
    ("{当事人}涉嫌{案由}，罚款5000元。", "不能直接写数字"),
    ("{当事人}涉嫌{案由}，{罚款金额}。", "{罚款金额}不是本文书的事实"),
    ("{当事人}涉嫌{案由}，{当事人!r}", "不是可用的事实占位符"),
    ("{当事人}涉嫌{案由}，{", "花括号只能成对"),
])
def test_wording_cannot_drop_invent_or_type_a_fact(registered, officers, text, message):
    with pytest.raises(ValidationError) as raised:
        documents.save_wording(registered, "case_filing", {"opinion": text}, officers[0])
    assert message in raised.value.message_dict["opinion"][0]
    assert not CaseDocument.objects.filter(case=registered).exists()


def test_clearing_a_paragraph_restores_the_default(investigating, officers):
    documents.save_wording(investigating, "interview_record", {"closing": "被询问人核对无误。"}, officers[1])
    row = documents.save_wording(fresh(investigating), "interview_record", {"closing": " "}, officers[1])
    assert row.wording == {}
    assert CASE_WORDINGS["interview_record"][1].default in text_of(
        documents.document_bytes(fresh(investigating), "interview_record"))


def test_only_the_case_officers_edit_wording_and_only_before_it_is_issued(investigating, officers, leader, archived):
    with pytest.raises(PermissionDenied):
        documents.save_wording(investigating, "interview_record", {"closing": "核对无误。"}, leader)
    with pytest.raises(ValidationError, match="没有段落"):
        documents.save_wording(investigating, "interview_record", {"ending": "核对无误。"}, officers[0])
    # The filing report was issued when the case was filed (its number taken); the interviews are still open.
    assert documents.is_final(investigating, "case_filing") and not documents.is_final(investigating, "interview_record")
    with pytest.raises(ValidationError, match="已出具定稿"):
        documents.save_wording(investigating, "case_filing", {"opinion": "{当事人}涉嫌{案由}。"}, officers[0])
    assert all(documents.is_final(archived, spec.kind) for spec in documents.applicable_documents(archived))


def test_every_default_wording_is_filled_by_its_builder(archived, bureaus, officers):
    """A default paragraph naming a fact its builder does not supply would raise while building."""
    simple = fd.simple_case(bureaus["kaiping_institute"], officers, cash_collected=False, cash_receipt_number="",
                            payment_due_on=dt.date(2026, 5, 21))
    assert "（即2026年5月21日前）" in text_of(documents.document_bytes(simple, "simple_penalty"))
    assert set(CASE_WORDINGS) <= set(documents.CASE_DOCUMENTS)
    assert set(documents.common_facts(archived, documents.bureau_of(archived))) == documents.COMMON_FACT_NAMES


# ---- the file and its archive -----------------------------------------------------------------------------------

def test_the_file_runs_from_filing_to_closing(archived):
    entries = documents.case_file_order(archived)
    stages = [documents.STAGES.index(e.stage) for e in entries]
    assert stages == sorted(stages)
    assert [e.position for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].title == "立案报告" and entries[-1].title == "结案报告"
    pdf = next(e for e in entries if e.title == "从业人员花名册")
    photo = next(e for e in entries if e.title == "现场照片")
    video = next(e for e in entries if e.title == "执法记录仪视频")
    assert (pdf.pages, photo.pages, video.pages) == (2, 1, None) and not video.in_archive
    numbered = [e for e in entries if e.pages]
    for before, after in zip(numbered, numbered[1:]):
        assert after.first_page == before.first_page + before.pages  # page numbers run without a gap


def test_the_archive_puts_the_index_first_and_lists_every_hash(archived):
    content = documents.case_archive(archived)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        assert names[0] == "00_卷内目录.docx" and names[-1] == MANIFEST_NAME
        assert names[1] == "01_立案报告_开卫立〔2026〕3号.docx"
        assert "13_行政处罚决定书_开卫罚〔2026〕12号.docx" in names
        assert [n[:2] for n in names[:-1]] == sorted(n[:2] for n in names[:-1])
        manifest = archive.read(MANIFEST_NAME).decode("utf-8-sig")
        index = text_of(archive.read(names[0]))
        for evidence in Evidence.objects.filter(case=archived).exclude(file=""):
            member = next(n for n in names if evidence.title in n)
            assert archive.read(member) == evidence.file.open("rb").read()
            assert f"{member},{evidence.size},{evidence.sha256},与登记值一致" in manifest
        assert "本卷共16件" in index and "开卫罚〔2026〕12号" in index


def test_a_changed_evidence_file_is_flagged_in_the_manifest(archived):
    evidence = Evidence.objects.get(case=archived, title="现场照片")
    with open(evidence.file.path, "ab") as stored:
        stored.write(b"tampered")
    with zipfile.ZipFile(io.BytesIO(documents.case_archive(archived))) as archive:
        manifest = archive.read(MANIFEST_NAME).decode("utf-8-sig")
    assert f"与登记值不一致（登记值 {evidence.sha256}）" in manifest


def test_the_source_opinion_joins_the_file_after_the_filing_report(archived, officer, officers, bureaus):
    """A case opened from a 卫生监督意见书 files it (drawn from the inspection's records) after the 立案报告."""
    hotel = register(officer)
    visit = fi.visit(hotel, [(o, o.certificates.first()) for o in officers], [fi.item(bureaus["kaiping"])],
                     day=dt.date(2026, 3, 1))
    opinion = SupervisionOpinion.objects.create(organisation=visit.organisation, inspection=visit,
                                                number="开卫监意〔2026〕4号", issued_on=dt.date(2026, 3, 1))
    RectificationItem.objects.create(opinion=opinion, requirement="为从业人员办理健康合格证明",
                                     deadline=dt.date(2026, 3, 15))
    Case.objects.filter(pk=archived.pk).update(source_opinion=opinion, source_inspection=visit, entity=hotel)
    case = fresh(archived)
    entries = documents.case_file_order(case)
    assert [e.title for e in entries[:2]] == ["立案报告", "卫生监督意见书"]
    assert entries[1].filename == "02_卫生监督意见书_开卫监意〔2026〕4号.docx"
    assert "为从业人员办理健康合格证明" in text_of(entries[1].content)
    assert "监督检查发现（卫生监督意见书开卫监意〔2026〕4号）" in text_of(documents.document_bytes(case, "case_filing"))


# ---- the pages ---------------------------------------------------------------------------------------------------

def test_downloads_are_within_scope_and_audited(archived, officers, city_admin, outsider, as_user, client):
    url = reverse("cases:document_docx", args=[archived.pk, "penalty_decision"])
    response = as_user(officers[0]).get(url)
    assert response.status_code == 200 and "开卫罚〔2026〕12号" in text_of(response.content)
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="export", object_type="cases.case", object_id=str(archived.pk)).exists()
    assert as_user(officers[0]).get(reverse("cases:document_docx", args=[archived.pk, "no_penalty_decision"])
                                    ).status_code == 404
    assert as_user(officers[0]).get(reverse("cases:document_docx", args=[archived.pk, "nonsense"])).status_code == 404
    assert as_user(officers[0]).post(url).status_code == 405
    client.logout()
    assert as_user(city_admin).get(url).status_code == 200
    client.logout()
    assert as_user(outsider).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_the_archive_downloads_as_a_zip(archived, officers, outsider, as_user, client):
    url = reverse("cases:case_archive", args=[archived.pk])
    response = as_user(officers[1]).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert archive.namelist()[0] == "00_卷内目录.docx"
    client.logout()
    assert as_user(outsider).get(url).status_code == 404


def test_the_document_list_offers_wording_only_to_the_officers(investigating, officers, leader, as_user, client):
    url = reverse("cases:documents", args=[investigating.pk])
    page = as_user(officers[0]).get(url).content.decode()
    wording_url = reverse("cases:document_wording", args=[investigating.pk, "interview_record"])
    assert "立案报告" in page and "开卫立〔2026〕4号" in page and wording_url in page
    assert reverse("cases:document_wording", args=[investigating.pk, "case_filing"]) not in page  # issued
    client.logout()
    page = as_user(leader).get(url).content.decode()
    assert "立案报告" in page and wording_url not in page


def test_the_wording_form_saves_through_htmx(investigating, officers, as_user):
    url = reverse("cases:document_wording", args=[investigating.pk, "interview_record"])
    client = as_user(officers[0])
    form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in form and "表明身份和告知" in form and "{机关}" in form
    response = client.post(url, {"notice": "我们是{机关}的执法人员，就{当事人}{案由}一案询问。", "closing": ""},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "措辞已保存" in response.content.decode()
    assert CaseDocument.objects.get(case=investigating, kind="interview_record").wording == {
        "notice": "我们是{机关}的执法人员，就{当事人}{案由}一案询问。"}
    response = client.post(url, {"notice": "询问于2026年3月4日进行。"}, HTTP_HX_REQUEST="true")
    assert "不能直接写数字" in response.content.decode()
    assert client.get(url).content.decode().startswith("<!DOCTYPE html>")  # a full page without htmx


def test_the_wording_form_refuses_others_and_issued_documents(investigating, officers, leader, outsider, as_user,
                                                              client):
    url = reverse("cases:document_wording", args=[investigating.pk, "interview_record"])
    assert as_user(leader).post(url, {"closing": "核对无误。"}).status_code == 403
    assert "只有本案承办人员" in as_user(leader).get(url).content.decode()
    client.logout()
    assert as_user(outsider).get(url).status_code == 404
    client.logout()
    issued = reverse("cases:document_wording", args=[investigating.pk, "case_filing"])
    assert as_user(officers[0]).post(issued, {"opinion": "{当事人}涉嫌{案由}。"}).status_code == 403
    assert not CaseDocument.objects.filter(case=investigating).exists()


# ---- layout helpers -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "words"), [
    ("5000", "伍仟元整"), ("50", "伍拾元整"), ("10005.30", "壹万零伍元叁角整"), ("100000", "壹拾万元整"),
    ("1000.05", "壹仟元零伍分"), ("0.5", "伍角整"), ("120003000", "壹亿贰仟万零叁仟元整"), ("0", "零元整"),
])
def test_amounts_in_capitals(amount, words):
    assert rmb_upper(Decimal(amount)) == words


def test_pdf_pages_are_counted_across_chunks(monkeypatch):
    import fazhi.documents.archive as archive

    monkeypatch.setattr(archive, "CHUNK_SIZE", 7)
    assert pdf_pages(io.BytesIO(fd.TWO_PAGE_PDF)) == 2
    assert pdf_pages(io.BytesIO(b"%PDF-1.7 compressed object streams only")) is None


def test_pages_are_estimated_from_the_line_grid():
    document = new_document()
    for _ in range(22):
        paragraph(document, "字" * 28)
    assert estimate_pages(document) == 1
    paragraph(document, "字" * 29)
    seal_area(document, "开平市卫生健康局", dt.date(2026, 5, 6))
    assert estimate_pages(document) == 2


@pytest.mark.skipif(LIBREOFFICE is None and os.environ.get("CI") != "true",
                    reason="LibreOffice is not installed (scripts/system-packages.sh installs it; CI requires it)")
def test_libreoffice_opens_the_decision(archived, tmp_path):
    assert LIBREOFFICE, "CI=true but LibreOffice is missing: run scripts/system-packages.sh"
    source = tmp_path / "decision.docx"
    source.write_bytes(documents.document_bytes(archived, "penalty_decision"))
    result = subprocess.run([LIBREOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                             "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                            capture_output=True, timeout=180, check=False)
    pdf = tmp_path / "decision.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr.decode(errors="replace")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf_pages(io.BytesIO(pdf.read_bytes())) in (None, 2, 3, 4)

