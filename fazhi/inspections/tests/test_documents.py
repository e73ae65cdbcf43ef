"""The .docx documents: they open, carry the facts of the records, and are served only within scope."""
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from fazhi.core.models import AuditEvent
from fazhi.inspections.choices import InspectionStatus, ItemResult
from fazhi.inspections.documents import chinese_ordinal, onsite_record_docx, supervision_opinion_docx
from fazhi.inspections.models import RectificationItem, SupervisionOpinion
from fazhi.inspections.records import ItemResultInput, RecordInput, save_record, sign_record

from . import factories as fi

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(hotel, team, published_items):
    return fi.visit(hotel, team, published_items, status=InspectionStatus.REGISTERED)


@pytest.fixture
def signed(visit, team):
    first, second = visit.items.all()
    arrived = timezone.make_aware(dt.datetime.combine(visit.window_start, dt.time(9, 30)))
    data = RecordInput(
        arrived_at=arrived, left_at=arrived + dt.timedelta(minutes=50), place="一楼大堂及客房", present_person="张经理",
        present_person_title="店长", summary="对照清单逐项检查。", bodycam_device="DSJ-07",
        bodycam_file_id="20260506-0007", bodycam_seconds=3000,
        results=(ItemResultInput(first.pk, ItemResult.COMPLIANT),
                 ItemResultInput(second.pk, ItemResult.NON_COMPLIANT, "2名从业人员无健康合格证明",
                                 "《公共场所卫生管理条例》第七条")),
    )
    record = save_record(visit, data, actor=team[0][0]).record
    return sign_record(record, actor=team[0][0])


@pytest.fixture
def opinion(signed, visit, team):
    made = SupervisionOpinion.objects.create(organisation=visit.organisation, inspection=visit,
                                             number="开卫监意〔2026〕4号", issued_on=dt.date(2026, 5, 6),
                                             created_by=team[0][0])
    RectificationItem.objects.create(opinion=made, requirement="为2名从业人员办理健康合格证明",
                                     provision="《公共场所卫生管理条例》第七条", deadline=dt.date(2026, 5, 20))
    return made


def text_of(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_record_docx_carries_number_entity_team_and_results(signed, hotel, team):
    content = onsite_record_docx(signed)
    text = text_of(content)
    for fact in (signed.number, hotel.name, hotel.credit_code, hotel.address, "开平市卫生健康局", "现场笔录",
                 team[0][1].number, team[1][1].number, "张经理（店长）", "合格", "不合格", "2名从业人员无健康合格证明",
                 "《公共场所卫生管理条例》第七条", "DSJ-07", "50分0秒", "被检查单位在场人员（签名）"):
        assert fact in text, fact


def test_the_layout_is_a4_with_the_fonts_named_on_the_runs(signed):
    document = Document(io.BytesIO(onsite_record_docx(signed)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    title = document.paragraphs[1]
    assert title.text == "现场笔录" and title.alignment == 1  # centred
    run = title.runs[0]
    assert run.font.name == "宋体" and run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    body = document.paragraphs[3].runs[-1]
    assert body._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    assert round(section.right_margin.mm) == 26


def test_an_absent_body_cam_shows_its_reason(visit, team):
    item_results = tuple(ItemResultInput(i.pk, ItemResult.NOT_APPLICABLE) for i in visit.items.all())
    arrived = timezone.make_aware(dt.datetime.combine(visit.window_start, dt.time(14, 0)))
    record = save_record(visit, RecordInput(arrived_at=arrived, left_at=arrived + dt.timedelta(hours=1), place="大堂",
                                            present_person="李店长", bodycam_absent_reason="记录仪故障",
                                            results=item_results), actor=team[1][0]).record
    sign_record(record, actor=team[1][0])
    text = text_of(onsite_record_docx(record))
    assert "未使用执法记录仪，原因：记录仪故障" in text and "不适用" in text


def test_the_opinion_docx_lists_each_item_and_the_routes_of_appeal(opinion, hotel, signed):
    text = text_of(supervision_opinion_docx(opinion))
    for fact in (opinion.number, hotel.name, hotel.credit_code, "卫生监督意见书", "为2名从业人员办理健康合格证明",
                 "《公共场所卫生管理条例》第七条", "2026年05月20日前", "开平市卫生健康局", "2026年05月06日",
                 signed.number, "60日内向开平市人民政府申请行政复议", "6个月内依法向人民法院提起行政诉讼"):
        assert fact in text, fact


def test_chinese_ordinals():
    assert [chinese_ordinal(n) for n in (1, 9, 10, 11, 20, 35)] == ["一", "九", "十", "十一", "二十", "三十五"]


# ---- downloads ------------------------------------------------------------------------------------------------

def test_the_record_docx_downloads_within_scope_and_is_audited(signed, team, city_admin, outsider, as_user, client):
    url = reverse("inspections:record_docx", args=[signed.pk])
    response = as_user(team[0][0]).get(url)
    assert response.status_code == 200 and signed.number in text_of(response.content)
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="export", object_id=str(signed.pk)).exists()
    client.logout()
    assert as_user(city_admin).get(url).status_code == 200
    client.logout()
    assert as_user(outsider).get(url).status_code == 404


def test_a_draft_record_has_no_document(visit, team, as_user):
    arrived = timezone.make_aware(dt.datetime.combine(visit.window_start, dt.time(9, 0)))
    draft = save_record(visit, RecordInput(arrived_at=arrived, place="大堂"), actor=team[0][0]).record
    assert as_user(team[0][0]).get(reverse("inspections:record_docx", args=[draft.pk])).status_code == 404


def test_the_opinion_docx_downloads_within_scope(opinion, team, outsider, as_user, client):
    url = reverse("inspections:opinion_docx", args=[opinion.pk])
    response = as_user(team[1][0]).get(url)
    assert response.status_code == 200 and opinion.number in text_of(response.content)
    client.logout()
    assert as_user(outsider).get(url).status_code == 404
