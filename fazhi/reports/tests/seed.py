"""A small, deterministic year of records for 开平市 (2025, with 2024 before it), a second county of 江门市
(台山市) and one visit of 环翠区, written straight to the tables: what the figures must reproduce is known by
counting below, whatever day the tests run.

开平市 2025 against 2024 (the figures the tests assert):
  监督检查户次 5 / 3; 检查覆盖率 3/6 = 50.0% / 2/6 = 33.3%; 联合检查 1 / 0; 联合检查占比 1/5 = 20.0% / 0/3 = 0.0%;
  迎检频次 5/4 = 1.25 / 3/2 = 1.50; 卫生监督意见书 2 / 1; 整改完成率 2/3 = 66.7% / 1/1 = 100.0%; 专项执法 2 / 1;
  执法记录仪使用率 3/4 = 75.0% / 1/1 = 100.0%; 一般程序案件 5 / 3; 简易程序 2 / 1; 集体讨论 2 / 1;
  法制审核率 2/3 = 66.7% / 1/1 = 100.0%; 罚没款 155,200.00 / 75,100.00 元; 不予处罚 1 / 0; 移送 1 / 0;
  执法人员持证率 3/5 = 60.0% / 4/5 = 80.0%.
Section 监督一科 (lead officers A1, A2): visits 3, general cases 3, officers 2/2.
台山市 2025: visits 2 (one joint), coverage 2/3, general cases 1, officers 2/2.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from fazhi.cases.choices import CaseSource, CaseStatus, PartyKind, Procedure, ReviewOutcome, ReviewStage
from fazhi.cases.models import Case, CaseOfficer, Deliberation, LegalReview
from fazhi.core.choices import RegionLevel, Role, SectionKind
from fazhi.core.tests import factories as f
from fazhi.entities.choices import EntityStatus
from fazhi.entities.models import Entity
from fazhi.entities.tests.factories import credit_code
from fazhi.inspections.choices import (
    Department, InspectionStatus, OpinionStatus, RecordStatus, RectificationStatus, VisitReason,
)
from fazhi.inspections.models import (
    Campaign, JointVisit, OnSiteRecord, RectificationItem, SupervisionOpinion,
)
from fazhi.inspections.tests import factories as fi

YEAR = 2025
ZONE = ZoneInfo("Asia/Shanghai")
D = dt.date
LONG_AGO, FAR_AHEAD = D(2020, 1, 1), D(2030, 12, 31)
_serial = count(1)


@dataclass
class Seeded:
    kaiping: object
    taishan: object
    section_one: object
    section_two: object
    officers: dict = field(default_factory=dict)
    entities: dict = field(default_factory=dict)
    visits: dict = field(default_factory=dict)
    cases: dict = field(default_factory=dict)


def officer(org, name: str, section=None, *, valid=(LONG_AGO, FAR_AHEAD)):
    person = f.staff(org, Role.OFFICER, full_name=name, section=section)
    cert = f.certificate(person, "public_place", "medical_service", valid_from=valid[0], valid_to=valid[1]) \
        if valid else None
    return person, cert


def entity(bureau, name: str, region: str, *, status=EntityStatus.OPERATING) -> Entity:
    return Entity.objects.create(organisation=bureau, name=name, credit_code=credit_code(next(_serial), region),
                                 kind="medical", sub_kind="clinic", address=f"{name}地址", status=status)


def visit(place, team, day: D, status=InspectionStatus.CLOSED, reason=VisitReason.ROUTINE, **fields):
    return fi.visit(place, [m for m in team if m[1] is not None], [], reason=reason, day=day, status=status, **fields)


def record(inspection, arrived: dt.datetime, *, bodycam: bool, signed: bool = True) -> OnSiteRecord:
    return OnSiteRecord.objects.create(
        organisation=inspection.organisation, inspection=inspection, number=f"开卫现〔{arrived.year}〕{next(_serial)}号",
        arrived_at=arrived, place="现场", status=RecordStatus.SIGNED if signed else RecordStatus.DRAFT,
        signed_at=arrived if signed else None, bodycam_device="DSJ-01" if bodycam else "",
        bodycam_file_id=f"VID{next(_serial)}" if bodycam else "", bodycam_seconds=600 if bodycam else None,
        bodycam_absent_reason="" if bodycam else "设备故障")


def opinion(inspection, issued: D, items: list[tuple[D, str]]) -> SupervisionOpinion:
    found = SupervisionOpinion.objects.create(organisation=inspection.organisation, inspection=inspection,
                                              number=f"开卫监意〔{issued.year}〕{next(_serial)}号", issued_on=issued,
                                              status=OpinionStatus.ISSUED)
    for deadline, status in items:
        RectificationItem.objects.create(opinion=found, requirement="整改要求", deadline=deadline, status=status)
    return found


def case(bureau, lead, other, *, procedure=Procedure.GENERAL, status=CaseStatus.ARCHIVED, received: D,
         filed: D | None = None, decided: D | None = None, kinds: str = "", fine=None, confiscation=None,
         party_kind=PartyKind.ORGANISATION, **fields) -> Case:
    found = Case.objects.create(
        organisation=bureau, procedure=procedure, status=status, cause="未取得卫生许可证擅自营业",
        source=CaseSource.INSPECTION, received_on=received, party_kind=party_kind,
        party_name=f"当事人{next(_serial)}", domain_id="public_place", filed_on=filed, decided_on=decided,
        penalty_kinds=kinds, fine_amount=Decimal(fine) if fine is not None else None,
        confiscation_amount=Decimal(confiscation) if confiscation is not None else None, **fields)
    for n, (person, cert) in enumerate((lead, other)):
        CaseOfficer.objects.create(case=found, officer=person, certificate=cert, is_lead=n == 0)
    return found


def legal_review(found: Case, reviewer, on: D, outcome=ReviewOutcome.AGREE) -> None:
    LegalReview.objects.create(case=found, stage=ReviewStage.LEGAL, reviewer=reviewer, reviewed_on=on,
                               outcome=outcome, reasons="审核意见", aspects={})


def deliberation(found: Case, chair, on: D) -> None:
    Deliberation.objects.create(case=found, held_on=on, place="局会议室", chair=chair, minutes="讨论记录",
                                conclusion=ReviewOutcome.AGREE, conclusion_text="同意")


def taishan_bureau(bureaus):
    region = f.region("440781", "台山市", RegionLevel.COUNTY, bureaus["jiangmen"].region)
    return f.bureau("台山市卫生健康局", region, bureaus["jiangmen"], short_name="台山市卫健局", doc_prefix="台卫")


def seed(bureaus) -> Seeded:
    kaiping, institute = bureaus["kaiping"], bureaus["kaiping_institute"]
    one = f.section(institute, "监督一科", SectionKind.SUPERVISION)
    two = f.section(institute, "监督二科", SectionKind.SUPERVISION)
    s = Seeded(kaiping=kaiping, taishan=taishan_bureau(bureaus), section_one=one, section_two=two)
    o = s.officers
    o["A1"], o["A2"] = officer(institute, "甲一", one), officer(institute, "甲二", one)
    o["B1"] = officer(institute, "乙一", two)
    o["B2"] = officer(institute, "乙二", two, valid=(LONG_AGO, D(2025, 6, 30)))  # expired mid-2025
    o["C"] = officer(institute, "丙", valid=None)  # never certified
    _seed_inspections(s)
    _seed_cases(s, bureaus)
    _seed_taishan(s)
    _seed_huancui(bureaus)
    return s


def _seed_inspections(s: Seeded) -> None:
    o, e, v = s.officers, s.entities, s.visits
    for n in range(1, 7):
        e[f"E{n}"] = entity(s.kaiping, f"开平市测试诊所{n}", "440783")
    e["E7"] = entity(s.kaiping, "开平市已注销诊所", "440783", status=EntityStatus.DEREGISTERED)
    joint = JointVisit.objects.create(organisation=s.kaiping, entity=e["E1"], lead_department=Department.HEALTH,
                                      window_start=D(2025, 9, 1), window_end=D(2025, 9, 1))
    v["V1"] = visit(e["E1"], [o["A1"], o["A2"]], D(2025, 3, 10))
    v["V2"] = visit(e["E2"], [o["A1"], o["B1"]], D(2025, 4, 15), InspectionStatus.RECORDED,
                    reason=VisitReason.RANDOM_DRAW)
    v["V3"] = visit(e["E3"], [o["B1"], o["A1"]], D(2025, 5, 20), reason=VisitReason.COMPLAINT)
    v["V4"] = visit(e["E1"], [o["B1"], o["A1"]], D(2025, 9, 1), joint_visit=joint)
    v["V5"] = visit(e["E4"], [o["A1"], o["A2"]], D(2025, 10, 10), InspectionStatus.CANCELLED)
    v["V6"] = visit(e["E5"], [o["A1"], o["A2"]], D(2025, 12, 30), InspectionStatus.PLANNED)
    v["V7"] = visit(e["E7"], [o["A2"], o["B1"]], D(2025, 6, 1))
    v["V8"] = visit(e["E1"], [o["A1"], o["A2"]], D(2026, 1, 5))
    v["W1"] = visit(e["E1"], [o["A1"], o["A2"]], D(2024, 3, 1))
    v["W2"] = visit(e["E2"], [o["B1"], o["A1"]], D(2024, 6, 1))
    v["W3"] = visit(e["E2"], [o["A1"], o["A2"]], D(2024, 7, 1), InspectionStatus.RECORDED)

    def at(day: D, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)

    record(v["V1"], at(D(2025, 3, 10), 10), bodycam=True)
    record(v["V2"], at(D(2025, 4, 15), 10), bodycam=False)
    record(v["V3"], at(D(2025, 5, 20), 10), bodycam=True)
    record(v["V4"], at(D(2025, 9, 1), 10), bodycam=True, signed=False)  # a draft: not counted
    record(v["V7"], at(D(2025, 12, 31), 23, 30), bodycam=True)  # late on the last day, local time
    record(v["W1"], at(D(2024, 3, 1), 10), bodycam=True)
    opinion(v["V1"], D(2025, 3, 12), [(D(2025, 4, 1), RectificationStatus.ACCEPTED),
                                      (D(2025, 4, 1), RectificationStatus.REJECTED)])
    opinion(v["V4"], D(2025, 9, 3), [(D(2025, 10, 1), RectificationStatus.ACCEPTED),
                                     (D(2026, 2, 1), RectificationStatus.PENDING)])
    opinion(v["W1"], D(2024, 3, 5), [(D(2024, 4, 1), RectificationStatus.ACCEPTED)])
    for theme, start, end in (("医疗废物专项", D(2025, 5, 1), D(2025, 6, 30)),
                              ("游泳场所专项", D(2024, 11, 1), D(2025, 1, 31)),
                              ("往年专项", D(2023, 1, 1), D(2023, 2, 1))):
        Campaign.objects.create(organisation=s.kaiping, theme=theme, starts_on=start, ends_on=end)


def _seed_cases(s: Seeded, bureaus) -> None:
    o, c = s.officers, s.cases
    reviewer = f.staff(bureaus["kaiping"], Role.LEGAL_REVIEWER, full_name="审核员")
    chief = f.staff(bureaus["kaiping"], Role.LEADER, full_name="主持人")
    kp = s.kaiping
    c["K1"] = case(kp, o["A1"], o["A2"], received=D(2025, 1, 25), filed=D(2025, 2, 1), decided=D(2025, 4, 1),
                   kinds="warning fine", fine="3000")
    c["K2"] = case(kp, o["B1"], o["A1"], received=D(2025, 2, 25), filed=D(2025, 3, 1), decided=D(2025, 6, 1),
                   kinds="fine", fine="60000")
    legal_review(c["K2"], reviewer, D(2025, 5, 20))
    deliberation(c["K2"], chief, D(2025, 5, 25))
    c["K3"] = case(kp, o["A1"], o["B1"], received=D(2025, 3, 25), filed=D(2025, 4, 1), decided=D(2025, 7, 1),
                   kinds="fine confiscate_gains", fine="10000", confiscation="2000", is_complex=True)
    legal_review(c["K3"], reviewer, D(2025, 6, 10), ReviewOutcome.REVISE)  # never passed
    deliberation(c["K3"], chief, D(2025, 6, 20))
    deliberation(c["K3"], chief, D(2025, 6, 25))
    c["K4"] = case(kp, o["B1"], o["A2"], received=D(2025, 4, 25), filed=D(2025, 5, 1), decided=D(2025, 8, 1),
                   education_record="已对当事人进行教育。", outcome_reason="首违不罚")
    c["K5"] = case(kp, o["A2"], o["A1"], status=CaseStatus.TRANSFERRED, received=D(2025, 6, 1),
                   transferred_to="开平市公安局")
    c["K6"] = case(kp, o["A1"], o["A2"], procedure=Procedure.SIMPLE, status=CaseStatus.RECORDED,
                   received=D(2025, 7, 7), decided=D(2025, 7, 7), kinds="fine", fine="200")
    c["K7"] = case(kp, o["B1"], o["A1"], procedure=Procedure.SIMPLE, status=CaseStatus.RECORDED,
                   received=D(2025, 8, 8), decided=D(2025, 8, 8), kinds="warning")
    c["K8"] = case(kp, o["A1"], o["A2"], status=CaseStatus.INVESTIGATING, received=D(2025, 12, 25),
                   filed=D(2025, 12, 31))
    c["K9"] = case(kp, o["A1"], o["A2"], status=CaseStatus.INVESTIGATING, received=D(2025, 12, 28),
                   filed=D(2026, 1, 1))
    c["K10"] = case(kp, o["A1"], o["A2"], status=CaseStatus.REGISTERED, received=D(2025, 11, 1))
    c["K11"] = case(kp, o["B1"], o["A1"], received=D(2024, 12, 10), filed=D(2024, 12, 15), decided=D(2025, 2, 15),
                    kinds="fine", fine="80000", party_kind=PartyKind.PERSON)
    legal_review(c["K11"], reviewer, D(2025, 2, 10))
    c["L1"] = case(kp, o["A1"], o["A2"], received=D(2024, 2, 25), filed=D(2024, 3, 1), decided=D(2024, 5, 1),
                   kinds="fine", fine="5000")
    c["L2"] = case(kp, o["B1"], o["A1"], received=D(2024, 3, 25), filed=D(2024, 4, 1), decided=D(2024, 6, 1),
                   kinds="fine", fine="70000")
    legal_review(c["L2"], reviewer, D(2024, 5, 20))
    deliberation(c["L2"], chief, D(2024, 5, 25))
    c["L3"] = case(kp, o["A1"], o["A2"], procedure=Procedure.SIMPLE, status=CaseStatus.RECORDED,
                   received=D(2024, 9, 9), decided=D(2024, 9, 9), kinds="fine", fine="100")


def _seed_taishan(s: Seeded) -> None:
    ts = s.taishan
    team = [officer(ts, "台一"), officer(ts, "台二")]
    t1, t2 = entity(ts, "台山市测试诊所1", "440781"), entity(ts, "台山市测试诊所2", "440781")
    entity(ts, "台山市测试诊所3", "440781")
    joint = JointVisit.objects.create(organisation=ts, entity=t2, lead_department=Department.MARKET,
                                      window_start=D(2025, 3, 3), window_end=D(2025, 3, 3))
    s.visits["X1"] = visit(t1, team, D(2025, 2, 2))
    s.visits["X2"] = visit(t2, team, D(2025, 3, 3), joint_visit=joint)
    s.visits["X3"] = visit(t1, team, D(2024, 5, 5))
    s.cases["M1"] = case(ts, team[0], team[1], received=D(2025, 3, 1), filed=D(2025, 3, 3), decided=D(2025, 5, 5),
                         kinds="fine", fine="1000")


def _seed_huancui(bureaus) -> None:
    hc = bureaus["huancui"]
    team = [officer(hc, "环一"), officer(hc, "环二")]
    visit(entity(hc, "环翠区测试诊所", "371002"), team, D(2025, 4, 4))
