"""Test data for penalty cases. Laws and violations are written straight to the tables (the seeded library is
tested on its own); cases are driven through the services, so a case in any state got there lawfully."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.cases import reviews, services
from fazhi.cases.choices import EvidenceKind, ReviewAspect, ReviewOutcome, ReviewStage, ServiceMethod
from fazhi.cases.models import Case, DiscretionBand, Violation
from fazhi.core.choices import Role
from fazhi.core.tests import factories as f
from fazhi.laws.choices import LawLevel
from fazhi.laws.models import Law, LawVersion, Provision

_serial = count(1)
TEST_LAW = "公共场所卫生管理条例（测试）"


def provision(article: int, paragraph: int = 0, item: int = 0, *, text: str = "条文。") -> Provision:
    law, _ = Law.objects.get_or_create(title=TEST_LAW, defaults={"short_title": TEST_LAW,
                                                                  "level": LawLevel.ADMINISTRATIVE_REGULATION})
    version, _ = LawVersion.objects.get_or_create(law=law, effective_from=dt.date(2016, 2, 6), defaults={
        "version_label": "2016年2月6日修订", "body": "正文", "body_sha256": "0" * 64})
    found, _ = Provision.objects.get_or_create(version=version, article=article, paragraph=paragraph, item=item,
                                               defaults={"text": text, "sort_order": article * 100 + paragraph})
    return found


def violation(*, fine_min="500", fine_max="5000", domain="public_place", **fields) -> Violation:
    """未取得卫生许可证擅自营业, with four bands splitting 500–5,000 yuan."""
    n = next(_serial)
    values = {"code": f"T{n:03d}", "name": f"未取得卫生许可证擅自营业{n}", "penalty_kinds": "warning fine",
              "provision_broken": provision(8), "penalty_provision": provision(14, 1, 4),
              "provision_broken_cited": "公共场所卫生管理条例第八条",
              "penalty_provision_cited": "公共场所卫生管理条例第十四条第一款第（四）项", **fields}
    found = Violation.objects.create(domain_id=domain, fine_min=Decimal(fine_min) if fine_min else None,
                                     fine_max=Decimal(fine_max) if fine_max else None, **values)
    if fine_min and fine_max:
        low, high = Decimal(fine_min), Decimal(fine_max)
        step = (high - low) / 4
        for i, level in enumerate(("minor", "general", "serious", "severe")):
            DiscretionBand.objects.create(violation=found, level=level, fine_min=low + step * i,
                                          fine_max=low + step * (i + 1))
    return found


def officers(org, n: int = 2, domain: str = "public_place"):
    return [_certified(org, domain) for _ in range(n)]


def _certified(org, domain):
    person = f.staff(org, Role.OFFICER)
    f.certificate(person, domain, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2035, 12, 31))
    return person


def registered(entity, team, *, actor=None, received_on: dt.date, violation_=None, **facts) -> Case:
    facts.setdefault("facts", "经查，当事人未取得公共场所卫生许可证即开展住宿经营。")
    facts.setdefault("act_ended_on", received_on)
    return services.open_case(
        actor=actor or team[0], source="inspection", received_on=received_on, cause="未取得卫生许可证擅自营业",
        entity=entity, officers=team, violation=violation_ or violation(), **facts)


def investigated(case: Case, team, approver, *, on: dt.date, fine="3000", kinds="warning fine") -> Case:
    """Filed on `on`, with evidence, an interview and the report; the proposed penalty set; not yet concluded."""
    services.file_case(case, actor=approver, on=on)
    services.add_evidence(case, actor=team[0], kind=EvidenceKind.DOCUMENTARY, title="营业执照复印件", collected_on=on,
                          file=SimpleUploadedFile("licence.pdf", b"%PDF-1.4 licence"))
    start = dt.datetime.combine(on, dt.time(9, 0)).astimezone()
    services.record_interview(case, actor=team[0], interviewee="张经理", place="宾馆前台", started_at=start,
                              ended_at=start + dt.timedelta(hours=1), transcript="问：是否取得卫生许可证？答：没有。",
                              officers=team)
    services.update_case(case, actor=team[0], penalty_kinds=kinds, fine_amount=Decimal(fine) if fine else None,
                         band_level="serious")
    services.write_investigation_report(case, actor=team[0], concluded_on=on, evidence_summary="营业执照、询问笔录。",
                                        analysis="违反第八条，依第十四条处罚。", proposal="警告并罚款。")
    return Case.objects.get(pk=case.pk)


def aspects(text: str = "合法") -> dict[str, str]:
    return {a: text for a in ReviewAspect.values}


def reviewed(case: Case, team, *, head, legal, on: dt.date) -> Case:
    services.conclude_investigation(case, actor=team[0], on=on)
    reviews.record_review(case, stage=ReviewStage.SECTION, reviewer=head, outcome=ReviewOutcome.AGREE,
                          reasons="事实清楚", aspects=aspects(), on=on)
    reviews.record_review(case, stage=ReviewStage.LEGAL, reviewer=legal, outcome=ReviewOutcome.AGREE,
                          reasons="适用法律正确", aspects=aspects(), on=on)
    return Case.objects.get(pk=case.pk)


def decided(case: Case, team, *, leader, notice_on: dt.date, decide_on: dt.date) -> Case:
    services.issue_notice(case, actor=team[0], served_on=notice_on, on=notice_on)
    services.decide(case, actor=leader, on=decide_on)
    return Case.objects.get(pk=case.pk)


def served(case: Case, team, *, on: dt.date) -> Case:
    services.serve_decision(case, actor=team[0], served_on=on, method=ServiceMethod.IN_PERSON, recipient="张经理")
    return Case.objects.get(pk=case.pk)
