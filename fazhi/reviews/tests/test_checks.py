"""Each automatic check finds nothing in a correct file and finds its defect in a file that has it. Defects the
case services refuse are written straight to the rows, as in a legacy or imported file."""
import datetime as dt
from decimal import Decimal

import pytest

from fazhi.cases import services
from fazhi.cases.choices import CaseStatus, EvidenceKind, ReviewOutcome, ServiceMethod
from fazhi.cases.models import (
    Case, CaseOfficer, Deliberation, Evidence, Hearing, Interview, InvestigationReport, LegalReview, PriorNotice,
    Service,
)
from fazhi.cases.tests import factories as fc
from fazhi.core.models import CertificateSuspension, EnforcementCertificate
from fazhi.laws.models import LawVersion
from fazhi.reviews.checks import CHECKS

from . import factories as fr
from .factories import DECIDED, INTERVIEWED, NOTIFIED, RECEIVED, at

pytestmark = pytest.mark.django_db


def found(case, code, today=None):
    return fr.findings_of(case, code, today)


def update(case, **fields):
    Case.objects.filter(pk=case.pk).update(**fields)


@pytest.mark.parametrize("code", sorted(CHECKS))
def test_it_finds_nothing_in_a_correct_file(good_case, code):
    assert found(good_case, code) == []


def test_it_finds_a_team_of_one(good_case, team):
    CaseOfficer.objects.filter(case=good_case, officer=team[1]).delete()
    [finding] = found(good_case, "officer_count")
    assert (finding.document, finding.basis) == ("承办人员", "行政处罚法第四十二条")
    assert "1人，少于2人" in finding.message


def test_it_finds_an_interview_by_one_officer(good_case, team):
    interview = good_case.interviews.get()
    interview.officers.remove(team[1])
    [finding] = found(good_case, "officer_count")
    assert finding.document == "询问笔录"
    assert "第五十五条" in finding.basis


def test_it_finds_an_officer_uncertified_on_the_day_of_the_decision(good_case, team):
    EnforcementCertificate.objects.filter(holder=team[1]).update(valid_to=DECIDED - dt.timedelta(days=1))
    [finding] = found(good_case, "officer_certificates")
    assert finding.document == "行政处罚决定书"
    assert f"{team[1].full_name}在2025年3月13日没有公共场所领域有效的行政执法证" in finding.message


def test_it_finds_an_officer_suspended_on_the_day_of_the_interview(good_case, team):
    cert = EnforcementCertificate.objects.get(holder=team[0])
    CertificateSuspension.objects.create(certificate=cert, start=INTERVIEWED, end=INTERVIEWED + dt.timedelta(days=1),
                                         reason="调查")
    [finding] = found(good_case, "officer_certificates")
    assert finding.document == "询问笔录"
    assert "2025年3月4日" in finding.message


def test_it_finds_a_complex_case_decided_without_legal_review(good_case):
    update(good_case, is_complex=True)
    assert found(good_case, "legal_review") == []  # the file has a passed legal review before the decision
    LegalReview.objects.filter(case=good_case, stage="legal").delete()
    [finding] = found(good_case, "legal_review")
    assert finding.document == "法制审核"
    assert "案件情况疑难复杂" in finding.message and "决定前没有法制审核记录" in finding.message


def test_it_does_not_count_a_legal_review_after_the_decision(good_case):
    update(good_case, is_complex=True)
    LegalReview.objects.filter(case=good_case, stage="legal").update(reviewed_on=DECIDED + dt.timedelta(days=1))
    assert len(found(good_case, "legal_review")) == 1


def test_it_finds_a_complex_case_decided_without_deliberation(good_case, chief, approver, legal_reviewer):
    update(good_case, is_complex=True)
    [finding] = found(good_case, "deliberation")
    assert finding.document == "集体讨论" and finding.basis == "行政处罚法第五十七条第二款"
    meeting = Deliberation.objects.create(case=good_case, held_on=DECIDED - dt.timedelta(days=2), place="会议室",
                                          chair=chief, minutes="讨论", conclusion=ReviewOutcome.AGREE,
                                          conclusion_text="同意")
    meeting.attendees.set([chief, approver, legal_reviewer])
    assert found(good_case, "deliberation") == []
    meeting.attendees.remove(approver)
    [finding] = found(good_case, "deliberation")
    assert "参加人员2人，少于3人" in finding.message


def test_it_finds_a_decision_before_the_notice(good_case):
    PriorNotice.objects.filter(case=good_case).update(issued_on=DECIDED + dt.timedelta(days=1),
                                                      served_on=DECIDED + dt.timedelta(days=1))
    messages = [f.message for f in found(good_case, "prior_notice")]
    assert any("先决定后告知" in m for m in messages)


def test_it_finds_a_decision_inside_the_statement_window(good_case):
    PriorNotice.objects.filter(case=good_case).update(statement_until=DECIDED)
    [finding] = found(good_case, "prior_notice")
    assert finding.document == "行政处罚决定书" and "早于期满" in finding.message
    PriorNotice.objects.filter(case=good_case).update(rights_waived_on=DECIDED - dt.timedelta(days=1))
    assert found(good_case, "prior_notice") == []


def test_it_finds_a_decision_without_any_notice(good_case):
    PriorNotice.objects.filter(case=good_case).delete()
    [finding] = found(good_case, "prior_notice")
    assert (finding.document, finding.message) == ("行政处罚事先告知书", "未经事先告知即作出行政处罚决定。")


def test_it_finds_a_decision_inside_the_hearing_request_window(good_case):
    PriorNotice.objects.filter(case=good_case).update(hearing_rights=True, hearing_request_until=DECIDED)
    [finding] = found(good_case, "prior_notice")
    assert "听证申请期限至2025年3月13日届满" in finding.message and finding.basis == "行政处罚法第六十四条"


def test_it_finds_a_hearing_asked_for_and_not_held(good_case):
    Hearing.objects.create(case=good_case, requested_on=NOTIFIED)
    [finding] = found(good_case, "prior_notice")
    assert finding.document == "听证笔录" and "未举行听证" in finding.message


def test_it_finds_hearing_rights_not_given(good_case):
    update(good_case, fine_amount=Decimal("60000"))  # an organisation's "large" fine (HR-FINE-O)
    [finding] = found(good_case, "prior_notice")
    assert finding.document == "听证告知书" and finding.basis == "行政处罚法第六十三条"


def test_it_finds_an_interview_before_filing(good_case):
    update(good_case, filed_on=INTERVIEWED + dt.timedelta(days=1))
    [finding] = found(good_case, "filing_first")
    assert finding.document == "询问笔录" and "早于2025年3月5日立案" in finding.message


def test_it_finds_evidence_gathered_after_receipt_before_filing(good_case, team):
    update(good_case, filed_on=RECEIVED + dt.timedelta(days=5))
    Interview.objects.filter(case=good_case).update(started_at=at(RECEIVED + dt.timedelta(days=6)))
    Evidence.objects.create(case=good_case, kind=EvidenceKind.DOCUMENTARY, title="营业执照复印件",
                            collected_on=RECEIVED + dt.timedelta(days=2), added_by=team[0])
    [finding] = found(good_case, "filing_first")
    assert finding.document == "证据" and "营业执照复印件" in finding.message
    # The evidence of the day the case came in may predate filing.
    assert "现场检查执法记录仪视频" not in finding.message


def test_it_finds_service_before_the_decision_out_of_file_order(good_case):
    Service.objects.filter(case=good_case).update(served_on=DECIDED - dt.timedelta(days=3))
    [finding] = found(good_case, "file_order")
    assert finding.document == "送达回证"
    assert "（送达，2025年3月10日）早于行政处罚决定书（决定，2025年3月13日）" in finding.message


def test_it_finds_evidence_gathered_after_the_investigation_report(good_case, team):
    Evidence.objects.create(case=good_case, kind=EvidenceKind.DOCUMENTARY, title="补充照片",
                            collected_on=DECIDED + dt.timedelta(days=1), added_by=team[0])
    messages = [f.message for f in found(good_case, "file_order")]
    assert any(m.startswith("案件调查终结报告（审查") for m in messages)


def test_it_finds_a_decision_missing_the_party_address(good_case):
    update(good_case, party_address="")
    [finding] = found(good_case, "decision_elements")
    assert (finding.document, finding.message) == ("行政处罚决定书", "缺少当事人的地址。")
    assert finding.basis == "行政处罚法第五十九条"


def test_it_finds_a_provision_not_in_force_when_the_act_ended(good_case):
    LawVersion.objects.filter(pk=good_case.penalty_provision.version_id).update(effective_to=dt.date(2024, 1, 1))
    messages = [f.message for f in found(good_case, "cited_provisions")]
    assert len(messages) == 2  # both provisions are in that version
    assert all("在2025年3月3日已失效" in m for m in messages)


def test_it_finds_a_penalty_provision_unlike_the_discretion_table(good_case):
    update(good_case, penalty_provision=fc.provision(99))
    [finding] = found(good_case, "cited_provisions")
    assert "与裁量基准中" in finding.message and "处罚依据" in finding.message


def test_it_finds_no_penalty_provision(good_case):
    update(good_case, penalty_provision=None)
    [finding] = found(good_case, "cited_provisions")
    assert finding.message == "未引用处罚依据。"


def test_it_finds_a_fine_outside_its_band_without_reasons(good_case):
    update(good_case, fine_amount=Decimal("4500"), discretion_reasons="")
    [finding] = found(good_case, "fine_band")
    assert finding.basis == "行政处罚法第三十四条" and "不在“较重”阶次" in finding.message
    update(good_case, discretion_reasons="多次违法，从重处罚。")
    assert found(good_case, "fine_band") == []


def test_it_finds_a_fine_above_the_law(good_case):
    update(good_case, fine_amount=Decimal("6000"), discretion_reasons="情节严重。")
    [finding] = found(good_case, "fine_band")
    assert finding.basis == "行政处罚法第三十八条" and "超过法定最高数额" in finding.message


def test_it_finds_a_simple_procedure_beyond_its_limits(hotel, team):
    case = services.decide_on_the_spot(actor=team[0], cause="未公示卫生信息", facts="未公示卫生信息。",
                                       violation=fc.violation(fine_min="50", fine_max="3000"), penalty_kinds="fine",
                                       place="宾馆前台", on=RECEIVED, entity=hotel, officers=team,
                                       fine_amount=Decimal("200"))
    assert found(case, "simple_procedure") == []
    update(case, fine_amount=Decimal("5000"))
    [finding] = found(case, "simple_procedure")
    assert finding.document == "当场行政处罚决定书" and "不得超过3,000.00元" in finding.message


def test_it_finds_late_service(good_case):
    late = DECIDED + dt.timedelta(days=10)
    update(good_case, served_on=late)
    Service.objects.filter(case=good_case).update(served_on=late, late_reason="当事人外出")
    [finding] = found(good_case, "service_on_time")
    assert "超过送达期限2025年3月20日（记载的原因：当事人外出）" in finding.message


def test_it_finds_a_decision_not_served_after_its_limit(good_case):
    Service.objects.filter(case=good_case).delete()
    update(good_case, served_on=None, status=CaseStatus.DECIDED)
    assert found(good_case, "service_on_time", today=dt.date(2025, 3, 20)) == []  # the last day of the limit
    [finding] = found(good_case, "service_on_time", today=dt.date(2025, 3, 21))
    assert "仍未送达" in finding.message


def test_it_finds_a_served_decision_without_receipt(good_case):
    Service.objects.filter(case=good_case).delete()
    [finding] = found(good_case, "service_receipt")
    assert finding.message == "处罚决定书已送达，案卷中没有送达回证。"


@pytest.mark.parametrize("changes, words", [
    ({"receiver_signature": ""}, "没有受送达人签收"),
    ({"method": ServiceMethod.LEFT}, "未记载见证人"),
    ({"method": ServiceMethod.ELECTRONIC}, "当事人未同意"),
])
def test_it_finds_a_defective_receipt(good_case, changes, words):
    Service.objects.filter(case=good_case).update(**changes)
    [finding] = found(good_case, "service_receipt")
    assert words in finding.message


def test_it_finds_an_interview_without_body_camera(good_case):
    Interview.objects.filter(case=good_case).update(bodycam_file_id="")
    [finding] = found(good_case, "body_camera")
    assert finding.document == "询问笔录" and "没有执法记录仪视音频记录" in finding.message


def test_it_finds_an_on_the_spot_decision_without_body_camera(hotel, team):
    case = services.decide_on_the_spot(actor=team[0], cause="未公示卫生信息", facts="未公示卫生信息。",
                                       violation=fc.violation(), penalty_kinds="warning", place="宾馆前台", on=RECEIVED,
                                       entity=hotel, officers=team)
    [finding] = found(case, "body_camera")
    assert finding.document == "当场行政处罚决定书"


def test_it_finds_missing_key_documents(good_case):
    InvestigationReport.objects.filter(case=good_case).delete()
    update(good_case, filing_number="")
    documents = sorted(f.document for f in found(good_case, "key_documents"))
    assert documents == ["案件调查终结报告", "立案报告"]


def test_it_finds_a_closed_case_without_closing_date(good_case):
    update(good_case, status=CaseStatus.CLOSED, closed_on=None)
    [finding] = found(good_case, "key_documents")
    assert finding.document == "结案报告"
