"""The annual 法治政府建设情况报告: the seeded year's figures in its sentences with last year beside them, the
narrative edited before export, the appendix that traces every figure, and nothing the records cannot give."""
import io
import re

import pytest
from docx import Document

from fazhi.core.audit import verify_chain
from fazhi.core.choices import AuditAction, Role
from fazhi.core.models import AuditEvent
from fazhi.core.tests import factories as f
from fazhi.reports.annual import PROBLEMS, annual_docx, annual_report
from fazhi.reports.models import AnnualReportDraft
from fazhi.reports.services import draft_narrative

from .seed import YEAR

ANNUAL, EXPORT = "/reports/annual/", "/reports/annual/export.docx"
SENTENCES = (
    "全年开展监督检查5户次，较上年（3户次）增长66.7%",
    "在营监管对象检查覆盖率50.0%，较上年（33.3%）提高16.7个百分点",
    "开展“综合查一次”联合检查1次（上年为0次）",
    "受检对象户均迎检1.25次，较上年（1.50次）下降16.7%",
    "到期整改事项3项、整改合格2项，整改完成率66.7%，较上年（100.0%）降低33.3个百分点",
    "现场检查执法记录仪使用率75.0%，较上年（100.0%）降低25.0个百分点",
    "全年立案查处一般程序案件5件，较上年（3件）增长66.7%",
    "须法制审核的重大执法决定3件、经法制审核2件，法制审核率66.7%，较上年（100.0%）降低33.3个百分点",
    "决定罚没款15.52万元，较上年（7.51万元）增长106.7%",
    "在岗执法人员5名、持有效执法证3名，持证率60.0%，较上年（80.0%）降低20.0个百分点",
)


def docx_text(content: bytes) -> tuple[str, list[list[str]]]:
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    return text, rows


def test_the_report_states_the_years_figures_with_last_year_beside_them(seeded):
    report = annual_report(seeded.kaiping, YEAR, draft_narrative(seeded.kaiping, YEAR))
    text = "".join(paragraph for _, _, paragraph in report.measures)
    for sentence in SENTENCES:
        assert sentence in text
    assert [heading for heading, _, _ in report.measures][:3] == ["（一）监督检查", "（二）行政处罚", "（三）执法队伍"]
    assert report.missing_sections == ["二、存在问题和不足", "三、党政主要负责人履行推进法治建设第一责任人职责情况",
                                       "四、下一年度工作安排"]
    assert "整改完成率为66.7%（2/3），未达到100%。" in report.hints
    assert not any("迎检频次" in hint or "联合检查" in hint for hint in report.hints)


def test_a_figure_the_records_cannot_give_is_left_out_never_a_placeholder(seeded, bureaus):
    report = annual_report(bureaus["huancui"], YEAR, {})
    stated = {f.indicator.code for f in report.figures}
    left_out = {ind.code for ind, _ in report.left_out}
    # 环翠区 has one visit and nothing to divide by for these rates.
    assert {"inspections.rectification_rate", "inspections.bodycam_rate", "cases.legal_review_rate"} <= left_out
    assert not stated & left_out
    text = "".join(paragraph for _, _, paragraph in report.measures)
    assert "整改完成率" not in text and "执法记录仪" not in text and "None" not in text
    assert "开展监督检查1户次" in text


def test_a_leader_edits_the_narrative_and_exports_it_with_the_figures_and_appendix(seeded, leader, as_user):
    client = as_user(leader)
    page = client.get(ANNUAL, {"year": YEAR})
    assert page.status_code == 200 and "全年开展监督检查5户次" in page.content.decode()
    response = client.post(f"{ANNUAL}?year={YEAR}", {
        "lead_in": "2025年，开平市卫生健康局全面推进依法行政。", "group:监督检查": "坚持“双随机、一公开”监管。",
        PROBLEMS: "一是执法记录仪使用不够全面。\n二是整改跟踪有待加强。", "leadership": "主要负责人带头学法。",
        "next_year": "继续推进“综合查一次”。",
    })
    assert response.status_code == 302
    draft = AnnualReportDraft.objects.get(organisation=seeded.kaiping, year=YEAR)
    assert draft.narrative[PROBLEMS].startswith("一是") and draft.updated_by == leader
    assert AuditEvent.objects.filter(object_type="reports.annualreportdraft", object_id=str(draft.pk),
                                     action=AuditAction.CREATE).exists()
    client.post(f"{ANNUAL}?year={YEAR}", {"lead_in": "改过的导语。", PROBLEMS: "问题。", "leadership": "履职。",
                                          "next_year": "安排。"})
    assert AuditEvent.objects.filter(object_id=str(draft.pk), action=AuditAction.UPDATE).exists()
    assert verify_chain().intact

    exported = client.get(EXPORT, {"year": YEAR})
    assert exported.status_code == 200
    assert "attachment" in exported["Content-Disposition"]
    text, rows = docx_text(exported.content)
    assert "2025年法治政府建设情况报告" in text and "改过的导语。" in text
    for heading in ("一、主要举措和成效", "二、存在问题和不足", "三、党政主要负责人履行推进法治建设第一责任人职责情况",
                    "四、下一年度工作安排"):
        assert heading in text
    assert "问题。" in text and "履职。" in text and "安排。" in text
    for sentence in SENTENCES:
        assert sentence in text
    assert rows[0] == ["序号", "指标", "本年", "上年", "口径", "统计期间"]
    visits = next(r for r in rows if r[1] == "监督检查户次")
    assert visits[2:4] == ["5户次", "3户次"] and "已取消、尚未检查的不计" in visits[4]
    assert visits[5] == "本年：2025-01-01至2025-12-31；上年：2024-01-01至2024-12-31"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, detail__document="2025年法治政府建设情况报告").exists()


def test_the_docx_keeps_the_page_layout(seeded):
    report = annual_report(seeded.kaiping, YEAR, {})
    document = Document(io.BytesIO(annual_docx(report)))
    section = document.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert "PAGE" in section.footer._element.xml


def test_only_editors_change_the_text_and_each_bureau_its_own(seeded, bureaus, leader, outsider, as_user):
    head = f.staff(bureaus["kaiping_institute"], Role.SECTION_HEAD)
    assert as_user(head).get(ANNUAL, {"year": YEAR}).status_code == 200
    assert as_user(head).post(f"{ANNUAL}?year={YEAR}", {PROBLEMS: "x"}).status_code == 403
    assert as_user(f.staff(bureaus["kaiping"], Role.OFFICER)).get(ANNUAL).status_code == 403
    as_user(leader).post(f"{ANNUAL}?year={YEAR}", {PROBLEMS: "开平的问题"})
    other = as_user(outsider).get(ANNUAL, {"year": YEAR}).content.decode()
    assert "开平的问题" not in other and "环翠区卫生健康局" in other


@pytest.mark.parametrize("year", [YEAR, YEAR - 1])
def test_the_report_of_a_year_counts_that_year(seeded, year):
    report = annual_report(seeded.kaiping, year, {})
    visits = next(f for f in report.figures if f.indicator.code == "inspections.visits")
    assert visits.now.value == {2025: 5, 2024: 3}[year]
    assert re.match(rf"本年：{year}-01-01至{year}-12-31", visits.periods)
