"""The warning rules on penalty cases: each fires on its boundary day (or condition) and not the day before, takes
its due day from fazhi/cases/clocks.py, and resolves itself once the case moves on."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from fazhi.cases import clocks, services
from fazhi.cases.choices import MeasureKind
from fazhi.cases.models import Case
from fazhi.cases.publication import publish
from fazhi.cases.tests import factories as fc
from fazhi.core.tests import factories as f
from fazhi.inspections.models import Recusal
from fazhi.supervision.choices import Resolution, Severity, WarningStatus
from fazhi.supervision.models import EarlyWarning

from .conftest import MONDAY
from .checks import fires, scan_on, warnings_of

D = dt.date


@pytest.fixture
def registered(hotel, team):
    return fc.registered(hotel, team, received_on=MONDAY)


@pytest.fixture
def filed(registered, approver):
    services.file_case(registered, actor=approver, on=MONDAY)
    return Case.objects.get(pk=registered.pk)


@pytest.fixture
def decided(registered, team, approver, section_head, legal_reviewer, leader):
    """Filed and investigated on 3 March, reviewed on the 4th, notified on the 5th, decided on 11 March 2025."""
    case = fc.investigated(registered, team, approver, on=MONDAY)
    case = fc.reviewed(case, team, head=section_head, legal=legal_reviewer, on=D(2025, 3, 4))
    return fc.decided(case, team, leader=leader, notice_on=D(2025, 3, 5), decide_on=D(2025, 3, 11))


@pytest.fixture
def served(decided, team):
    return fc.served(decided, team, on=D(2025, 3, 17))


def resolved(warning) -> EarlyWarning:
    warning.refresh_from_db()
    return warning


# ---- deadlines ------------------------------------------------------------------------------------------------

def test_filing_warns_two_days_before_its_deadline_and_becomes_serious_after_it(registered, approver):
    due = clocks.filing_due(MONDAY)
    assert due == D(2025, 3, 10)
    assert not fires("W-CASE-FILING", D(2025, 3, 7))
    warning = scan_on("W-CASE-FILING", D(2025, 3, 8))
    assert (warning.due_on, warning.severity, warning.record_id) == (due, Severity.WARNING, registered.pk)
    assert "2025年03月10日前作出是否立案的决定" in warning.message
    assert scan_on("W-CASE-FILING", D(2025, 3, 11)).severity == Severity.SERIOUS
    services.file_case(registered, actor=approver, on=D(2025, 3, 11), delay_reason="当事人下落不明")
    assert not fires("W-CASE-FILING", D(2025, 3, 11))
    assert (resolved(warning).status, warning.resolution) == (WarningStatus.RESOLVED, Resolution.CLEARED)


def test_the_ninety_day_limit_warns_at_day_60_and_80_and_is_serious_past_the_deadline(filed):
    assert filed.deadline_on == clocks.decision_deadline(MONDAY) == D(2025, 6, 3)  # 1 June is a Sunday, 2 June 端午
    assert not fires("W-CASE-90", D(2025, 5, 1))
    warning = scan_on("W-CASE-90", D(2025, 5, 2))  # day 60
    assert (warning.severity, warning.due_on) == (Severity.NOTICE, D(2025, 6, 3))
    assert scan_on("W-CASE-90", D(2025, 5, 21)).severity == Severity.NOTICE
    assert scan_on("W-CASE-90", D(2025, 5, 22)).severity == Severity.WARNING  # day 80
    assert scan_on("W-CASE-90", D(2025, 6, 3)).severity == Severity.WARNING
    assert scan_on("W-CASE-90", D(2025, 6, 4)).severity == Severity.SERIOUS
    assert EarlyWarning.objects.filter(rule__code="W-CASE-90").count() == 1  # one warning, updated as it went


def test_an_approved_extension_moves_the_warning_days_on(filed, leader):
    assert fires("W-CASE-90", D(2025, 5, 2))
    services.extend_deadline(filed, actor=leader, days=30, reason="案情复杂，需补充鉴定", on=D(2025, 5, 2))
    assert not fires("W-CASE-90", D(2025, 5, 2))
    assert not fires("W-CASE-90", D(2025, 5, 31))
    assert fires("W-CASE-90", D(2025, 6, 1))  # day 60 + 30


def test_preservation_warns_before_its_seven_days_and_clears_with_the_decision(filed, team, approver):
    measure = services.start_measure(filed, actor=team[0], kind=MeasureKind.PRESERVATION, items="消毒剂3箱",
                                     started_on=MONDAY, approved_by=approver)
    assert clocks.preservation_due(MONDAY) == D(2025, 3, 10)
    assert not fires("W-CASE-PRESERVE", D(2025, 3, 7))
    warning = scan_on("W-CASE-PRESERVE", D(2025, 3, 8))
    assert measure.number in warning.message and warning.due_on == D(2025, 3, 10)
    services.decide_measure(measure, actor=team[0], decision="予以没收", on=D(2025, 3, 8))
    assert not fires("W-CASE-PRESERVE", D(2025, 3, 8))
    assert resolved(warning).status == WarningStatus.RESOLVED


def test_seizure_warns_five_days_before_its_end_and_an_extension_clears_it(filed, team, approver):
    measure = services.start_measure(filed, actor=team[0], kind=MeasureKind.SEIZURE, items="美容仪器2台",
                                     started_on=MONDAY, approved_by=approver)
    assert clocks.seizure_end(MONDAY) == D(2025, 4, 2)
    assert not fires("W-CASE-SEIZURE", D(2025, 3, 27))
    warning = scan_on("W-CASE-SEIZURE", D(2025, 3, 28))
    services.extend_seizure(measure, actor=approver, days=30, reason="需检验鉴定", on=D(2025, 3, 28))
    assert not fires("W-CASE-SEIZURE", D(2025, 3, 28))
    assert resolved(warning).status == WarningStatus.RESOLVED
    end = clocks.seizure_end(MONDAY, 30)
    assert not fires("W-CASE-SEIZURE", end - dt.timedelta(days=6))
    assert scan_on("W-CASE-SEIZURE", end - dt.timedelta(days=5)).due_on == end


def test_service_warns_before_the_seventh_day_and_clears_when_served(decided, team):
    assert clocks.service_due(D(2025, 3, 11)) == D(2025, 3, 18)
    assert not fires("W-CASE-SERVICE", D(2025, 3, 15))
    warning = scan_on("W-CASE-SERVICE", D(2025, 3, 16))
    fc.served(decided, team, on=D(2025, 3, 17))  # the cause is fixed: the case gets served
    assert not fires("W-CASE-SERVICE", D(2025, 3, 17))
    assert (resolved(warning).status, warning.resolved_on) == (WarningStatus.RESOLVED, D(2025, 3, 17))


def test_payment_warns_before_its_day_runs_the_surcharge_after_it_and_clears_when_paid(served, team):
    assert served.payment_due_on == clocks.payment_due(D(2025, 3, 17)) == D(2025, 4, 1)
    assert not fires("W-CASE-PAYMENT", D(2025, 3, 28))
    warning = scan_on("W-CASE-PAYMENT", D(2025, 3, 29))
    assert "加处罚款" in warning.message and warning.severity == Severity.WARNING
    assert scan_on("W-CASE-PAYMENT", D(2025, 4, 2)).severity == Severity.SERIOUS
    services.record_payment(served, actor=team[0], paid_on=D(2025, 4, 2), amount=Decimal("3090"),
                            receipt_number="FS-2025-001")
    assert not fires("W-CASE-PAYMENT", D(2025, 4, 2))
    assert resolved(warning).status == WarningStatus.RESOLVED


def test_the_court_window_warns_when_it_opens_and_before_it_closes(served, team):
    services.remind(served, actor=team[0], served_on=D(2025, 4, 10), on=D(2025, 4, 10))
    window = clocks.enforcement_window(D(2025, 3, 17), D(2025, 4, 10))
    assert (window.opens_on, window.closes_on) == (D(2025, 9, 18), D(2025, 12, 17))
    assert not fires("W-CASE-ENFORCE", D(2025, 9, 17))
    assert scan_on("W-CASE-ENFORCE", D(2025, 9, 18)).severity == Severity.NOTICE
    assert scan_on("W-CASE-ENFORCE", D(2025, 12, 1)).severity == Severity.NOTICE
    assert scan_on("W-CASE-ENFORCE", D(2025, 12, 2)).severity == Severity.WARNING  # the last 15 days
    assert scan_on("W-CASE-ENFORCE", D(2025, 12, 18)).severity == Severity.SERIOUS


def test_publication_warns_two_days_before_seven_working_days_and_clears_when_published(decided, legal_reviewer):
    due = clocks.publication_due(D(2025, 3, 11))
    assert due == D(2025, 3, 20)
    assert not fires("W-CASE-PUBLISH", D(2025, 3, 17))
    warning = scan_on("W-CASE-PUBLISH", D(2025, 3, 18))
    assert warning.due_on == due
    publish(Case.objects.get(pk=decided.pk), actor=legal_reviewer, today=D(2025, 3, 18))
    assert not fires("W-CASE-PUBLISH", D(2025, 3, 18))
    assert resolved(warning).status == WarningStatus.RESOLVED


def test_an_on_the_spot_decision_warns_before_its_filing_day(hotel, team):
    case = services.decide_on_the_spot(actor=team[0], cause="未公示卫生许可证", facts="经查，未在显著位置公示卫生许可证。",
                                       violation=fc.violation(), penalty_kinds="warning", place="宾馆前台",
                                       on=MONDAY, entity=hotel, officers=team)
    due = clocks.simple_filing_due(MONDAY)
    assert not fires("W-CASE-SIMPLE-FILE", due - dt.timedelta(days=2))
    assert scan_on("W-CASE-SIMPLE-FILE", due - dt.timedelta(days=1)).record_id == case.pk
    services.record_with_bureau(case, actor=team[0], on=due - dt.timedelta(days=1))
    assert not fires("W-CASE-SIMPLE-FILE", due - dt.timedelta(days=1))


# ---- guards ----------------------------------------------------------------------------------------------------

def test_a_case_discovered_after_the_limitation_period_warns_and_one_discovered_on_its_last_day_does_not(hotel, team):
    act = D(2023, 3, 2)
    last_day = clocks.limitation_end(act, False)
    on_time = fc.registered(hotel, team, received_on=last_day, act_ended_on=act)
    late = fc.registered(hotel, team, received_on=last_day + dt.timedelta(days=1), act_ended_on=act)
    scan_on("W-CASE-LIMIT", D(2025, 3, 10))
    assert list(warnings_of("W-CASE-LIMIT").values_list("record_id", flat=True)) == [late.pk]
    assert warnings_of("W-CASE-LIMIT", on_time).first() is None


def test_first_offence_waiver_is_suggested_only_when_all_three_hold(hotel, team):
    possible = fc.registered(hotel, team, received_on=MONDAY, is_first_offence=True, harm_minor=True, corrected=True)
    fc.registered(hotel, team, received_on=MONDAY, is_first_offence=True, harm_minor=True, corrected=False)
    scan_on("W-CASE-FIRST", MONDAY)
    assert list(warnings_of("W-CASE-FIRST").values_list("record_id", flat=True)) == [possible.pk]
    services.update_case(possible, actor=team[0], harm_minor=False)
    assert not fires("W-CASE-FIRST", MONDAY)


def test_a_fine_outside_its_band_warns_until_reasons_are_written(registered, team, approver):
    case = fc.investigated(registered, team, approver, on=MONDAY)  # 3,000 yuan in 较重 (2,750–3,875)
    assert not fires("W-CASE-BAND", MONDAY)
    services.update_case(case, actor=team[0], fine_amount=Decimal("4000"))
    warning = scan_on("W-CASE-BAND", MONDAY)
    assert warning.severity == Severity.WARNING and "第三十四条" in warning.message
    services.update_case(case, actor=team[0], discretion_reasons="多次违法，从重处罚。")
    assert not fires("W-CASE-BAND", MONDAY)


def test_a_fine_beyond_the_law_is_serious(registered, team, approver):
    case = fc.investigated(registered, team, approver, on=MONDAY)
    Case.objects.filter(pk=case.pk).update(fine_amount=Decimal("6000"))  # over the provision's 5,000 maximum
    assert scan_on("W-CASE-BAND", MONDAY).severity == Severity.SERIOUS


def test_a_case_with_one_officer_warns_until_a_second_joins(hotel, team, approver):
    case = fc.registered(hotel, team[:1], received_on=MONDAY)
    warning = scan_on("W-CASE-TEAM", MONDAY)
    assert warning.record_id == case.pk and "1人" in warning.message
    services.set_team(case, actor=approver, officers=team, on=MONDAY)
    assert not fires("W-CASE-TEAM", MONDAY)


def test_an_officer_whose_certificate_expires_warns_from_the_next_day(hotel, bureaus, team):
    expiring = f.staff(bureaus["kaiping_institute"], "officer", full_name="周到期")
    f.certificate(expiring, "public_place", valid_from=D(2020, 1, 1), valid_to=D(2025, 3, 31))
    case = fc.registered(hotel, [team[0], expiring], received_on=MONDAY)
    assert not fires("W-CASE-CERT", D(2025, 3, 31))
    warning = scan_on("W-CASE-CERT", D(2025, 4, 1))
    assert warning.record_id == case.pk and "周到期" in warning.message


def test_a_recused_officer_on_a_case_warns_until_the_recusal_ends(registered, hotel, team):
    recusal = Recusal.objects.create(organisation=hotel.organisation, officer=team[1], entity=hotel, reason="亲属任职")
    assert team[1].full_name in scan_on("W-CASE-RECUSE", MONDAY).message
    Recusal.objects.filter(pk=recusal.pk).update(is_active=False)
    assert not fires("W-CASE-RECUSE", MONDAY)


def test_a_simple_case_beyond_its_limits_is_serious(hotel, team):
    ok = Case.objects.create(organisation=hotel.organisation, procedure="simple", status="on_spot", cause="未公示",
                             source="direct", received_on=MONDAY, party_kind="person", party_name="张三",
                             domain_id="public_place", penalty_kinds="fine", fine_amount=Decimal("200"),
                             facts="经查属实。", penalty_provision=fc.provision(14))
    beyond = Case.objects.create(organisation=hotel.organisation, procedure="simple", status="on_spot", cause="未公示",
                                 source="direct", received_on=MONDAY, party_kind="person", party_name="李四",
                                 domain_id="public_place", penalty_kinds="fine", fine_amount=Decimal("200.01"),
                                 facts="经查属实。", penalty_provision=fc.provision(14))
    warning = scan_on("W-CASE-SIMPLE", MONDAY)
    assert warning.record_id == beyond.pk and warning.severity == Severity.SERIOUS
    assert warnings_of("W-CASE-SIMPLE", ok).first() is None
