"""The scan: bulk comparison with the warnings already open, its audit trail, its scopes, the rule settings, the
command, and a number of queries that does not grow with the records."""
from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.cases import services
from fazhi.cases.tests import factories as fc
from fazhi.core.audit import verify_chain
from fazhi.core.choices import AuditAction, Role
from fazhi.core.models import AuditEvent
from fazhi.core.tests import factories as f
from fazhi.supervision import services as warning_services
from fazhi.supervision.choices import Resolution, Severity, WarningStatus
from fazhi.supervision.engine import ScanScope
from fazhi.supervision.models import EarlyWarning, WarningRule
from fazhi.supervision.scan import scan, scan_officer, scan_record
from fazhi.supervision.warning_rules import RULES

from .conftest import MONDAY
from .checks import fires, scan_on, warnings_of

D = dt.date
FILING_OPENS = D(2025, 3, 8)  # two days before the filing deadline of a case received on MONDAY


def test_every_rule_has_a_seeded_row_with_its_default_settings(db):
    rows = {row.code: row for row in WarningRule.objects.all()}
    assert set(rows) == {rule.code for rule in RULES}
    for rule in RULES:
        assert (rows[rule.code].severity, rows[rule.code].lead_days, rows[rule.code].is_active) == (
            rule.severity, rule.lead_days, True)


def test_a_scan_raises_once_and_a_second_scan_changes_nothing(hotel, team):
    case = fc.registered(hotel, team, received_on=MONDAY)
    first = scan(today=FILING_OPENS, codes=["W-CASE-FILING"])
    events = AuditEvent.objects.count()
    second = scan(today=FILING_OPENS, codes=["W-CASE-FILING"])
    assert (first.total("raised"), second.total("raised"), second.total("changed")) == (1, 0, 0)
    assert AuditEvent.objects.count() == events
    warning = warnings_of("W-CASE-FILING", case).get()
    assert (warning.first_seen, warning.last_seen, warning.organisation) == (FILING_OPENS, FILING_OPENS,
                                                                             case.organisation)
    assert list(warning.officers.order_by("pk")) == sorted(team, key=lambda p: p.pk)
    assert warning.officer == team[0] and warning.section == team[0].section
    assert warning.record_url == f"/cases/{case.pk}/"


def test_raising_changing_and_resolving_are_audited_in_the_chain(hotel, team, approver):
    case = fc.registered(hotel, team, received_on=MONDAY)
    warning = scan_on("W-CASE-FILING", FILING_OPENS)
    scan_on("W-CASE-FILING", D(2025, 3, 11))  # overdue: 严重
    services.file_case(case, actor=approver, on=D(2025, 3, 11), delay_reason="当事人下落不明")
    scan_on("W-CASE-FILING", D(2025, 3, 11))
    events = AuditEvent.objects.filter(object_type="supervision.earlywarning", object_id=str(warning.pk))
    assert list(events.order_by("seq").values_list("action", flat=True)) == [
        AuditAction.CREATE, AuditAction.UPDATE, AuditAction.TRANSITION]
    update = events.get(action=AuditAction.UPDATE)
    assert (update.before["severity"], update.after["severity"]) == (Severity.WARNING, Severity.SERIOUS)
    assert events.get(action=AuditAction.TRANSITION).after["status"] == WarningStatus.RESOLVED
    assert verify_chain().intact


def test_a_condition_that_returns_raises_a_new_warning(hotel, team):
    case = fc.registered(hotel, team, received_on=MONDAY, is_first_offence=True, harm_minor=True, corrected=True)
    first = scan_on("W-CASE-FIRST", MONDAY)
    services.update_case(case, actor=team[0], corrected=False)
    assert not fires("W-CASE-FIRST", MONDAY)
    services.update_case(case, actor=team[0], corrected=True)
    second = scan_on("W-CASE-FIRST", MONDAY)
    first.refresh_from_db()
    assert second.pk != first.pk and first.status == WarningStatus.RESOLVED
    assert EarlyWarning.objects.filter(rule__code="W-CASE-FIRST", record_id=case.pk).count() == 2


def test_an_acknowledged_warning_stays_until_its_cause_is_fixed(hotel, team, approver):
    case = fc.registered(hotel, team, received_on=MONDAY)
    warning = scan_on("W-CASE-FILING", FILING_OPENS)
    with pytest.raises(Exception, match="处置说明"):
        warning_services.acknowledge_warning(warning, actor=team[0], note=" ")
    warning_services.acknowledge_warning(warning, actor=team[0], note="已联系投诉人补充材料，拟于3月10日前报批。")
    warning.refresh_from_db()
    assert (warning.status, warning.acknowledged_by) == (WarningStatus.ACKNOWLEDGED, team[0])
    assert scan_on("W-CASE-FILING", D(2025, 3, 9)).pk == warning.pk
    services.file_case(case, actor=approver, on=D(2025, 3, 9))
    scan_on("W-CASE-FILING", D(2025, 3, 9))
    warning.refresh_from_db()
    assert warning.status == WarningStatus.RESOLVED
    notes = AuditEvent.objects.filter(object_type="supervision.earlywarning", object_id=str(warning.pk),
                                      action=AuditAction.TRANSITION).values_list("detail", flat=True)
    assert any("已联系投诉人" in detail["note"] for detail in notes)


def test_only_someone_who_sees_the_warning_may_acknowledge_it(hotel, team, outsider, bureaus, other_section):
    fc.registered(hotel, team, received_on=MONDAY)
    warning = scan_on("W-CASE-FILING", FILING_OPENS)
    stranger = f.staff(bureaus["kaiping_institute"], Role.OFFICER, section=other_section)
    for person in (outsider, stranger):
        assert not warning_services.may_acknowledge(person, warning)
        with pytest.raises(Exception):
            warning_services.acknowledge_warning(warning, actor=person, note="看到了")


def test_a_rule_switched_off_resolves_its_warnings_and_raises_no_more(hotel, team, bureaus):
    fc.registered(hotel, team, received_on=MONDAY)
    warning = scan_on("W-CASE-FILING", FILING_OPENS)
    editor = f.staff(bureaus["guangdong"], Role.LEGAL_REVIEWER, full_name="省法制")
    row = WarningRule.objects.get(code="W-CASE-FILING")
    warning_services.update_rule(row, actor=editor, is_active=False, severity=Severity.WARNING, lead_days=2)
    assert not fires("W-CASE-FILING", FILING_OPENS)
    warning.refresh_from_db()
    assert (warning.status, warning.resolution) == (WarningStatus.RESOLVED, Resolution.RULE_OFF)
    assert AuditEvent.objects.filter(object_type="supervision.warningrule", action=AuditAction.UPDATE,
                                     after__is_active=False).exists()


def test_changed_lead_days_and_severity_apply_at_the_next_scan(hotel, team, bureaus):
    fc.registered(hotel, team, received_on=MONDAY)
    editor = f.staff(bureaus["guangdong"], Role.ADMIN)
    row = WarningRule.objects.get(code="W-CASE-FILING")
    warning_services.update_rule(row, actor=editor, is_active=True, severity=Severity.NOTICE, lead_days=4)
    assert not fires("W-CASE-FILING", D(2025, 3, 5))
    assert scan_on("W-CASE-FILING", D(2025, 3, 6)).severity == Severity.NOTICE


def test_rule_settings_are_refused_below_the_top_and_when_malformed(legal_reviewer, bureaus):
    row = WarningRule.objects.get(code="W-CASE-FILING")
    with pytest.raises(Exception, match="最上级机关"):
        warning_services.update_rule(row, actor=legal_reviewer, is_active=True, severity=Severity.NOTICE, lead_days=2)
    editor = f.staff(bureaus["guangdong"], Role.LEGAL_REVIEWER)
    with pytest.raises(Exception, match="天数"):
        warning_services.update_rule(row, actor=editor, is_active=True, severity=Severity.NOTICE, lead_days=None)
    guard = WarningRule.objects.get(code="W-CASE-TEAM")
    with pytest.raises(Exception, match="不按期限"):
        warning_services.update_rule(guard, actor=editor, is_active=True, severity=Severity.NOTICE, lead_days=3)


def test_a_record_scan_touches_that_record_alone(hotel, team):
    mine = fc.registered(hotel, team, received_on=MONDAY)
    other = fc.registered(hotel, team, received_on=MONDAY)
    scan(today=FILING_OPENS, codes=["W-CASE-FILING"])
    EarlyWarning.objects.filter(record_id=other.pk).delete()  # as if the case came after the last full scan
    report = scan_record(mine, FILING_OPENS)
    assert {run.code for run in report.runs} == {rule.code for rule in RULES if rule.record.key == "case"}
    assert warnings_of("W-CASE-FILING", other).first() is None
    assert warnings_of("W-CASE-FILING", mine).exists()


def test_an_officer_scan_covers_their_records_and_resolves_only_those(hotel, team, bureaus, supervision_section):
    solo = f.staff(bureaus["kaiping_institute"], Role.OFFICER, full_name="单独执法", section=supervision_section)
    f.certificate(solo, "public_place")
    theirs = fc.registered(hotel, team, received_on=MONDAY)
    fc.registered(hotel, [solo], received_on=MONDAY)
    scan_officer(team[0], FILING_OPENS)
    raised = EarlyWarning.objects.all()
    assert {w.record_id for w in raised} == {theirs.pk}
    scan_officer(solo, FILING_OPENS)
    assert EarlyWarning.objects.count() > len(raised) and warnings_of("W-CASE-FILING", theirs).exists()


def test_an_organisation_scan_keeps_to_its_bureaus(hotel, team, bureaus):
    case = fc.registered(hotel, team, received_on=MONDAY)
    scan(ScanScope.of_organisations([bureaus["huancui"].pk]), FILING_OPENS, codes=["W-CASE-FILING"])
    assert not EarlyWarning.objects.exists()
    scan(ScanScope.of_organisations([case.organisation_id]), FILING_OPENS, codes=["W-CASE-FILING"])
    assert EarlyWarning.objects.count() == 1


def _queries_of_full_scan(day) -> int:
    with CaptureQueriesContext(connection) as queries:
        scan(today=day)
    return len(queries)


def test_the_scan_reads_in_bulk_its_queries_do_not_grow_with_the_records(hotel, team):
    def add_cases(n):
        for _ in range(n):
            fc.registered(hotel, team, received_on=MONDAY, is_first_offence=True, harm_minor=True, corrected=True)
            fc.registered(hotel, team[:1], received_on=MONDAY)

    add_cases(2)
    _queries_of_full_scan(FILING_OPENS)
    steady_few = _queries_of_full_scan(FILING_OPENS)
    add_cases(6)
    raising_many = _queries_of_full_scan(FILING_OPENS)
    steady_many = _queries_of_full_scan(FILING_OPENS)
    assert EarlyWarning.objects.filter(status=WarningStatus.OPEN).count() == 8 * 2 + 8 + 8  # filing ×16, first, team
    assert steady_many == steady_few
    assert raising_many <= steady_few + 40  # the writes: a few statements per rule that raised, not per record


def test_the_command_prints_each_rule_and_the_totals(hotel, team):
    fc.registered(hotel, team, received_on=MONDAY)
    out = StringIO()
    call_command("scan_warnings", "--today", FILING_OPENS.isoformat(), stdout=out)
    text = out.getvalue()
    for rule in RULES:
        assert rule.code in text
    assert "W-CASE-FILING" in text and "新增 1" in text and "预警核查完成（2025-03-08）" in text
    out = StringIO()
    call_command("scan_warnings", "--today", FILING_OPENS.isoformat(), "--rule", "W-CASE-FILING", stdout=out)
    assert "新增 0" in out.getvalue() and "W-CASE-90" not in out.getvalue()
    with pytest.raises(CommandError, match="W-NOPE"):
        call_command("scan_warnings", "--rule", "W-NOPE")
