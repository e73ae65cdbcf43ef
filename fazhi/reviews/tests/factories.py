"""Case files for the review tests: a correct one carried through the services from filing to service with
everything a reviewer looks for, and functions that make one defect at a time by writing rows directly — as a
legacy or imported file can be defective in ways the services refuse."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from fazhi.cases import services
from fazhi.cases.choices import EvidenceKind, ServiceMethod
from fazhi.cases.models import Case
from fazhi.cases.tests import factories as fc
from fazhi.reviews.automatic import Rubric, review_batch
from fazhi.reviews.bundle import BundleLoader
from fazhi.reviews.checks import CHECKS
from fazhi.reviews.models import AutomaticReview

# A Monday far from holidays, and the days of the correct file's steps.
RECEIVED = dt.date(2025, 3, 3)
INTERVIEWED = dt.date(2025, 3, 4)
CONCLUDED = dt.date(2025, 3, 5)
REVIEWED = dt.date(2025, 3, 6)
NOTIFIED = dt.date(2025, 3, 7)
DECIDED = dt.date(2025, 3, 13)  # after the three working days of statement (to 12 March)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def correct_case(entity, team, *, approver, head, legal, leader, fine: str = "3000", **facts) -> Case:
    """A general-procedure case filed, investigated on camera, reviewed, notified, decided and served with a signed
    receipt: the file the automatic review must find nothing in."""
    case = fc.registered(entity, team, received_on=RECEIVED, **facts)
    services.file_case(case, actor=approver, on=RECEIVED)
    services.add_evidence(case, actor=team[0], kind=EvidenceKind.AUDIOVISUAL, title="现场检查执法记录仪视频",
                          collected_on=RECEIVED, bodycam_device="DSJ-07", bodycam_file_id="20250303-0007",
                          bodycam_seconds=900)
    services.record_interview(case, actor=team[0], interviewee="张经理", place="宾馆前台", started_at=at(INTERVIEWED),
                              ended_at=at(INTERVIEWED, 10), transcript="问：是否取得卫生许可证？答：没有。",
                              officers=team, bodycam_file_id="20250304-0002", signed=True)
    services.update_case(case, actor=team[0], penalty_kinds="warning fine", fine_amount=Decimal(fine),
                         band_level="serious")
    services.write_investigation_report(case, actor=team[0], concluded_on=CONCLUDED, evidence_summary="视频、询问笔录。",
                                        analysis="违反第八条，依第十四条处罚。", proposal="警告并罚款。")
    fc.reviewed(case, team, head=head, legal=legal, on=REVIEWED)
    services.issue_notice(case, actor=team[0], served_on=NOTIFIED, on=NOTIFIED)
    services.decide(case, actor=leader, on=DECIDED)
    services.serve_decision(case, actor=team[0], served_on=DECIDED, method=ServiceMethod.IN_PERSON,
                            recipient="张经理", receiver_signature="张经理")
    return Case.objects.get(pk=case.pk)


def findings_of(case: Case, code: str, today: dt.date | None = None) -> list:
    """What one check finds in the file as it is in the database now."""
    bundle = BundleLoader(today).load([case.pk])[0]
    return CHECKS[code](bundle)


def review_now(*cases: Case) -> list[AutomaticReview]:
    review_batch(BundleLoader(), Rubric.current(), [c.pk for c in cases])
    return list(AutomaticReview.objects.filter(case__in=cases).order_by("case_id"))
