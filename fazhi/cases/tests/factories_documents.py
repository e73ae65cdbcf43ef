"""Cases for the document tests, written row by row (no services): a general-procedure case carried to its
archive with every record a document reads, and a simple-procedure case decided on the spot."""
from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from fazhi.cases.choices import (
    BandLevel, CaseSource, CaseStatus, EvidenceKind, MeasureKind, PartyKind, Procedure, ReviewOutcome, ReviewStage,
    ServiceMethod,
)
from fazhi.cases.models import (
    Case, CaseOfficer, Deliberation, Evidence, Hearing, Interview, InvestigationReport, LegalReview, Measure,
    Payment, PriorNotice, Reminder, Service, Statement, Violation,
)
from fazhi.core.tests import factories as f
from fazhi.laws.models import Law, LawVersion, Provision

BROKEN_TEXT = "公共场所的住宿、交际场所的从业人员，必须取得健康合格证明，方可直接为顾客服务。"
PENALTY_TEXT = "违反本条例的规定，有下列行为之一的，卫生防疫机构可以根据情节轻重，给予警告、罚款、停业整顿、吊销卫生许可证的行政处罚。"
# A tiny but real PDF of two pages, for the page count of the file index.
TWO_PAGE_PDF = (b"%PDF-1.4\n1 0 obj<</Type /Catalog /Pages 2 0 R>>endobj\n"
                b"2 0 obj<</Type /Pages /Kids [3 0 R 4 0 R] /Count 2>>endobj\n"
                b"3 0 obj<</Type /Page /Parent 2 0 R>>endobj\n4 0 obj<</Type /Page /Parent 2 0 R>>endobj\n"
                b"trailer<</Root 1 0 R>>\n%%EOF\n")


def provisions() -> tuple[Provision, Provision]:
    """《公共场所卫生管理条例》第七条 (broken) and 第十四条 (penalty), in a version of the library."""
    law, _ = Law.objects.get_or_create(title="公共场所卫生管理条例", defaults={
        "short_title": "公共场所卫生管理条例", "level": "regulation", "issuer": "国务院"})
    version, _ = LawVersion.objects.get_or_create(law=law, effective_from=dt.date(2019, 4, 23), defaults={
        "version_label": "2019年4月23日修订", "body": BROKEN_TEXT + PENALTY_TEXT,
        "body_sha256": hashlib.sha256((BROKEN_TEXT + PENALTY_TEXT).encode()).hexdigest()})
    broken, _ = Provision.objects.get_or_create(version=version, article=7, paragraph=0, item=0,
                                                defaults={"text": BROKEN_TEXT, "sort_order": 7})
    penalty, _ = Provision.objects.get_or_create(version=version, article=14, paragraph=0, item=0,
                                                 defaults={"text": PENALTY_TEXT, "sort_order": 14})
    return broken, penalty


def violation(broken: Provision, penalty: Provision) -> Violation:
    obj, _ = Violation.objects.get_or_create(code="GG-007", defaults={
        "domain_id": "public_place", "name": "从业人员未取得健康合格证明直接为顾客服务", "provision_broken": broken,
        "penalty_provision": penalty, "penalty_kinds": "warning fine", "fine_min": Decimal("500"),
        "fine_max": Decimal("30000")})
    return obj


def penalty_case(organisation, officers, **fields) -> Case:
    """A case of 开平 against a hotel, with its team (the first officer leads), before any step."""
    broken, penalty = provisions()
    values = dict(
        procedure=Procedure.GENERAL, status=CaseStatus.REGISTERED, cause="从业人员未取得健康合格证明直接为顾客服务案",
        source=CaseSource.INSPECTION, source_detail="日常监督检查中发现", received_on=dt.date(2026, 3, 2),
        party_kind=PartyKind.ORGANISATION, party_name="开平市三埠街道悦来宾馆", party_credit_code="92440783MA4W1234X5",
        party_representative="梁悦来", party_address="开平市三埠街道东河路8号", party_phone="0750-2212345",
        domain_id="public_place", violation=violation(broken, penalty), provision_broken=broken,
        penalty_provision=penalty, act_ended_on=dt.date(2026, 3, 2), is_first_offence=True,
        facts="2026年3月2日，你单位安排未取得健康合格证明的从业人员李某、陈某直接为顾客提供客房服务。",
        penalty_kinds="warning fine", fine_amount=Decimal("5000.00"), band_level=BandLevel.GENERAL,
        discretion_reasons="二人无证上岗，属一般情节。", organisation=organisation,
    )
    values.update(fields)
    case = Case.objects.create(**values)
    for index, officer in enumerate(officers):
        CaseOfficer.objects.create(case=case, officer=officer, is_lead=index == 0,
                                   certificate=officer.certificates.first())
    return case


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def add_investigation(case, officers) -> None:
    """Evidence (a photo, a two-page PDF, a body-cam clip), an interview, a preservation and a seizure."""
    lead = officers[0]
    photo = Evidence(case=case, kind=EvidenceKind.PHYSICAL, title="现场照片", description="二人正在整理客房",
                     collected_on=dt.date(2026, 3, 2), added_by=lead, original_name="现场照片.jpg")
    pdf = Evidence(case=case, kind=EvidenceKind.DOCUMENTARY, title="从业人员花名册", description="李某、陈某在册",
                   collected_on=dt.date(2026, 3, 3), added_by=lead, original_name="花名册.pdf")
    for evidence, content in ((photo, b"\xff\xd8\xff\xe0 photo bytes"), (pdf, TWO_PAGE_PDF)):
        evidence.sha256, evidence.size = hashlib.sha256(content).hexdigest(), len(content)
        evidence.file.save(evidence.original_name, ContentFile(content), save=False)
        evidence.save()
    Evidence.objects.create(case=case, kind=EvidenceKind.AUDIOVISUAL, title="执法记录仪视频", bodycam_device="DSJ-07",
                            bodycam_file_id="20260302-0007", bodycam_seconds=900, collected_on=dt.date(2026, 3, 2),
                            added_by=lead)
    interview = Interview.objects.create(
        case=case, interviewee="梁悦来", interviewee_id_number="440783198001011234", interviewee_role="负责人",
        place="开平市卫生监督所询问室", started_at=at(dt.date(2026, 3, 4), 9, 30), ended_at=at(dt.date(2026, 3, 4), 10, 20),
        recorder=officers[1], transcript="问：李某、陈某是否取得健康合格证明？\n答：没有，刚招来不久。",
        bodycam_file_id="20260304-0002", signed=True)
    interview.officers.set(officers)
    Measure.objects.create(case=case, kind=MeasureKind.PRESERVATION, number="开卫保〔2026〕2号",
                           items="客房服务登记本 1本\n从业人员排班表 2张", started_on=dt.date(2026, 3, 2),
                           decided_on=dt.date(2026, 3, 6), decision="解除先行登记保存，退还当事人", created_by=lead)
    Measure.objects.create(case=case, kind=MeasureKind.SEIZURE, number="开卫封〔2026〕1号", items="无证使用的消毒设备 1台",
                           started_on=dt.date(2026, 3, 3), released_on=dt.date(2026, 3, 20), created_by=lead)


def add_review(case, officers, section_head, legal_reviewer, leader) -> None:
    InvestigationReport.objects.create(case=case, concluded_on=dt.date(2026, 3, 10), written_by=officers[0],
                                       evidence_summary="现场照片、花名册和询问笔录相互印证。",
                                       analysis="当事人的行为违反《公共场所卫生管理条例》第七条。",
                                       proposal="建议给予警告，并处罚款5000元。")
    aspects = {"subject": "主体适格", "facts": "事实清楚", "evidence": "证据确凿", "law": "适用法律正确"}
    LegalReview.objects.create(case=case, stage=ReviewStage.SECTION, reviewer=section_head,
                               reviewed_on=dt.date(2026, 3, 11), outcome=ReviewOutcome.AGREE, reasons="同意承办人意见。",
                               aspects=aspects)
    LegalReview.objects.create(case=case, stage=ReviewStage.LEGAL, reviewer=legal_reviewer,
                               reviewed_on=dt.date(2026, 3, 12), outcome=ReviewOutcome.AGREE, reasons="程序合法。",
                               aspects=aspects)
    meeting = Deliberation.objects.create(case=case, held_on=dt.date(2026, 3, 13), place="局三楼会议室", chair=leader,
                                          minutes="与会人员一致同意承办人意见。", conclusion=ReviewOutcome.AGREE,
                                          conclusion_text="给予警告，并处罚款5000元。")
    meeting.attendees.set([leader, section_head, legal_reviewer])


def add_notice_and_hearing(case, officers, leader) -> None:
    PriorNotice.objects.create(case=case, number="开卫罚告〔2026〕5号", hearing_number="开卫听告〔2026〕2号",
                               issued_on=dt.date(2026, 3, 16), served_on=dt.date(2026, 3, 16), hearing_rights=True,
                               statement_until=dt.date(2026, 3, 19), hearing_request_until=dt.date(2026, 3, 21))
    Statement.objects.create(case=case, received_on=dt.date(2026, 3, 18), content="二人已补办健康证明，请求从轻。",
                             adopted=False, response="补办发生在违法行为之后，不影响定性。", recorded_by=officers[0])
    Hearing.objects.create(case=case, requested_on=dt.date(2026, 3, 19), notified_on=dt.date(2026, 3, 20),
                           scheduled_for=dt.date(2026, 3, 30), place="局听证室", chair=leader,
                           held_on=dt.date(2026, 3, 30), record="听证笔录", chair_opinion="事实清楚，处罚适当。")


def decide_and_execute(case, officers) -> Case:
    Case.objects.filter(pk=case.pk).update(
        decision_number="开卫罚〔2026〕12号", decided_on=dt.date(2026, 4, 2), served_on=dt.date(2026, 4, 3),
        payment_due_on=dt.date(2026, 4, 18), notified_fine=Decimal("5000.00"), notified_penalty_kinds="warning fine")
    Service.objects.create(case=case, document_kind="penalty_decision", document_number="开卫罚〔2026〕12号",
                           method=ServiceMethod.IN_PERSON, served_on=dt.date(2026, 4, 3), place="开平市三埠街道东河路8号",
                           recipient="开平市三埠街道悦来宾馆", receiver_signature="梁悦来", served_by=officers[0])
    Reminder.objects.create(case=case, number="开卫催〔2026〕1号", issued_on=dt.date(2026, 4, 22),
                            served_on=dt.date(2026, 4, 22), amount_due=Decimal("5600.00"))
    Payment.objects.create(case=case, paid_on=dt.date(2026, 4, 25), amount=Decimal("5600.00"),
                           surcharge=Decimal("600.00"), receipt_number="GD2026042500017", recorded_by=officers[0])
    case.refresh_from_db()
    return case


def archived_case(organisation, officers, section_head, legal_reviewer, leader) -> Case:
    """A general-procedure case carried through every step to its archive."""
    case = penalty_case(organisation, officers, status=CaseStatus.ARCHIVED, filing_number="开卫立〔2026〕3号",
                        filed_on=dt.date(2026, 3, 3), deadline_on=dt.date(2026, 6, 1))
    add_investigation(case, officers)
    add_review(case, officers, section_head, legal_reviewer, leader)
    add_notice_and_hearing(case, officers, leader)
    decide_and_execute(case, officers)
    Case.objects.filter(pk=case.pk).update(closed_on=dt.date(2026, 4, 28), archived_on=dt.date(2026, 4, 30))
    case.refresh_from_db()
    return case


def simple_case(organisation, officers, **fields) -> Case:
    values = dict(procedure=Procedure.SIMPLE, status=CaseStatus.ON_SPOT, party_kind=PartyKind.PERSON,
                  party_name="张三", party_credit_code="", party_id_number="440783199001011234",
                  party_representative="", party_address="开平市长沙街道幕沙路1号", cause="未按规定公示卫生信息案",
                  penalty_kinds="fine", fine_amount=Decimal("50.00"), decision_number="开卫简罚〔2026〕7号",
                  decided_on=dt.date(2026, 5, 6), on_spot_place="开平市长沙街道幕沙路1号", cash_collected=True,
                  cash_receipt_number="GD-0012345", facts="2026年5月6日，当事人经营的理发店未公示卫生信息。")
    values.update(fields)
    return penalty_case(organisation, officers, **values)


def team(bureau_institute, *names: str) -> list:
    return [_certified(bureau_institute, name) for name in names]


def _certified(organisation, full_name: str):
    person = f.staff(organisation, "officer", full_name=full_name)
    f.certificate(person, "public_place", "medical_service")
    return person
