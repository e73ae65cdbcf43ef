"""The warning pages: who sees which warnings, acknowledging one, one record's and one's own warnings scanned on
demand, the summary by section and rule, the rule table, the dashboard figures; list queries bounded."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fazhi.cases.tests import factories as fc
from fazhi.core.choices import Role
from fazhi.core.tests import factories as f
from fazhi.reports.indicators import Scope, indicator
from fazhi.supervision.choices import Severity, WarningStatus
from fazhi.supervision.models import EarlyWarning, WarningRule
from fazhi.supervision.scan import scan

from .conftest import MONDAY

D = dt.date
FILING_OPENS = D(2025, 3, 8)


@pytest.fixture
def warnings(hotel, team, bureaus, other_section):
    """Filing warnings on three cases: two of the supervision section's team, one of an officer of 监督二科."""
    elsewhere = f.staff(bureaus["kaiping_institute"], Role.OFFICER, full_name="孙二科", section=other_section)
    f.certificate(elsewhere, "public_place")
    mine = [fc.registered(hotel, team, received_on=MONDAY) for _ in range(2)]
    theirs = fc.registered(hotel, [elsewhere], received_on=MONDAY)
    scan(today=FILING_OPENS, codes=["W-CASE-FILING"])
    return {"mine": mine, "theirs": theirs, "elsewhere": elsewhere}


def listed(client, user, name="supervision:list", **params) -> set[int]:
    client.force_login(user)
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return {row.record.record_id for row in response.context["table"].page.object_list}


def test_officers_see_their_own_section_heads_their_sections_leaders_all(client, warnings, team, approver, leader,
                                                                         legal_reviewer):
    mine = {case.pk for case in warnings["mine"]}
    theirs = warnings["theirs"].pk
    assert listed(client, team[1]) == mine
    assert listed(client, warnings["elsewhere"]) == {theirs}
    assert listed(client, approver) == mine  # 监督一科's head
    assert listed(client, leader) == mine | {theirs}
    assert listed(client, legal_reviewer) == mine | {theirs}


def test_another_county_and_other_roles_see_nothing(client, warnings, outsider, clerk):
    assert listed(client, outsider) == set()
    client.force_login(clerk)
    assert client.get(reverse("supervision:list")).status_code == 403
    warning = EarlyWarning.objects.first()
    client.force_login(outsider)
    assert client.get(reverse("supervision:detail", args=[warning.pk])).status_code == 404


def test_the_list_filters_by_rule_severity_status_and_overdue(client, warnings, leader):
    later = timezone.localdate() + dt.timedelta(days=10)
    EarlyWarning.objects.filter(record_id=warnings["theirs"].pk).update(due_on=later)
    assert len(listed(client, leader, rule="W-CASE-FILING", severity=Severity.WARNING)) == 3
    assert listed(client, leader, severity=Severity.SERIOUS) == set()
    assert listed(client, leader, overdue="1") == {case.pk for case in warnings["mine"]}
    assert listed(client, leader, status=WarningStatus.RESOLVED) == set()
    EarlyWarning.objects.filter(record_id=warnings["theirs"].pk).update(status=WarningStatus.RESOLVED)
    assert warnings["theirs"].pk not in listed(client, leader)  # the list opens on what is not resolved
    assert listed(client, leader, status=WarningStatus.RESOLVED) == {warnings["theirs"].pk}
    assert len(listed(client, leader, status="")) == 3
    assert len(listed(client, leader, q="悦来", status="")) == 3


def test_the_list_runs_a_fixed_number_of_queries(client, warnings, leader, hotel, team):
    client.force_login(leader)
    url = reverse("supervision:list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        fc.registered(hotel, team, received_on=MONDAY)
    scan(today=FILING_OPENS, codes=["W-CASE-FILING"])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["table"].page.object_list) == 9
    assert len(many) == len(few)


def test_each_warning_links_to_its_record(client, warnings, leader):
    client.force_login(leader)
    case = warnings["theirs"]
    html = client.get(reverse("supervision:list")).content.decode()
    assert f'href="/cases/{case.pk}/"' in html
    warning = EarlyWarning.objects.get(record_id=case.pk)
    detail = client.get(reverse("supervision:detail", args=[warning.pk])).content.decode()
    assert f'href="/cases/{case.pk}/"' in detail and "W-CASE-FILING" in detail


def test_acknowledging_with_a_note(client, warnings, team):
    warning = EarlyWarning.objects.get(record_id=warnings["mine"][0].pk)
    client.force_login(team[1])
    url = reverse("supervision:acknowledge", args=[warning.pk])
    assert client.get(url).status_code == 200
    assert client.put(url).status_code == 405
    response = client.post(url, {"note": ""})
    assert response.status_code == 200 and "处置说明" in response.content.decode()
    response = client.post(url, {"note": "已报科室负责人审批立案。"})
    assert response.status_code == 302
    warning.refresh_from_db()
    assert (warning.status, warning.acknowledged_by, warning.acknowledgement) == (
        WarningStatus.ACKNOWLEDGED, team[1], "已报科室负责人审批立案。")
    assert client.post(url, {"note": "再次"}).status_code == 403


def test_an_officer_may_not_acknowledge_another_sections_warning(client, warnings, team):
    warning = EarlyWarning.objects.get(record_id=warnings["theirs"].pk)
    client.force_login(team[0])
    assert client.post(reverse("supervision:acknowledge", args=[warning.pk]), {"note": "看到了"}).status_code == 404


def test_a_records_page_scans_it_on_demand(client, hotel, team, leader, outsider):
    case = fc.registered(hotel, team, received_on=MONDAY, is_first_offence=True, harm_minor=True, corrected=True)
    client.force_login(leader)
    url = reverse("supervision:record", args=["case", case.pk])
    html = client.get(url).content.decode()
    assert "可适用首违不罚" in html
    assert EarlyWarning.objects.filter(rule__code="W-CASE-FIRST", record_id=case.pk).exists()
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("supervision:record", args=["nothing", case.pk])).status_code == 404


def test_my_warnings_scans_my_records_first(client, hotel, team):
    case = fc.registered(hotel, team, received_on=MONDAY, is_first_offence=True, harm_minor=True, corrected=True)
    assert listed(client, team[0], "supervision:mine") == {case.pk}
    home = client.get(reverse("core:home")).content.decode()
    assert "条预警" in home


def test_the_summary_groups_by_section_and_rule(client, warnings, leader, approver, team, supervision_section,
                                                other_section):
    client.force_login(leader)
    response = client.get(reverse("supervision:summary"))
    sections = {row["section_id"]: row["unresolved"] for row in response.context["by_section"]}
    assert sections == {supervision_section.pk: 2, other_section.pk: 1}
    rules = {r["spec"].code: r["counts"] for r in response.context["rules"] if r["counts"]}
    assert rules["W-CASE-FILING"]["unresolved"] == 3
    client.force_login(approver)
    assert {row["section_id"] for row in client.get(reverse("supervision:summary")).context["by_section"]} == {
        supervision_section.pk}
    client.force_login(team[0])
    assert client.get(reverse("supervision:summary")).status_code == 403


def test_the_rule_table_is_read_by_all_and_set_at_the_top(client, team, legal_reviewer, bureaus):
    client.force_login(team[0])
    html = client.get(reverse("supervision:rules")).content.decode()
    edit = reverse("supervision:rule_edit", args=["W-CASE-SERVICE"])
    assert "W-CASE-90" in html and "暂未纳入预警的事项" in html and edit not in html
    client.force_login(legal_reviewer)
    assert client.get(edit).status_code == 403
    top = f.staff(bureaus["guangdong"], Role.LEGAL_REVIEWER)
    client.force_login(top)
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"is_active": "on", "severity": Severity.SERIOUS, "lead_days": "4"})
    assert response.status_code == 302
    row = WarningRule.objects.get(code="W-CASE-SERVICE")
    assert (row.severity, row.lead_days, row.updated_by) == (Severity.SERIOUS, 4, top)
    response = client.post(reverse("supervision:rule_edit", args=["W-CASE-TEAM"]),
                           {"is_active": "on", "severity": Severity.NOTICE})
    assert response.status_code == 302 and WarningRule.objects.get(code="W-CASE-TEAM").lead_days is None


def test_the_dashboard_figures_count_and_link_to_their_warnings(client, warnings, leader, bureaus, team):
    org_ids = (bureaus["kaiping"].pk, bureaus["kaiping_institute"].pk)
    scope = Scope(organisation_ids=org_ids, start=D(2025, 1, 1), end=D(2025, 12, 31))
    assert indicator("supervision.warnings_raised").compute(scope).value == 3
    assert indicator("supervision.warnings_open").compute(scope).value == 3
    later = timezone.localdate() + dt.timedelta(days=10)
    EarlyWarning.objects.exclude(record_id=warnings["theirs"].pk).update(due_on=later)
    assert indicator("supervision.warnings_overdue").compute(scope).value == 1
    by_org = indicator("supervision.warnings_raised").compute_by_organisation(scope)
    assert {pk: figure.value for pk, figure in by_org.items()} == {bureaus["kaiping_institute"].pk: 3}
    assert indicator("supervision.warnings_raised").compute(Scope(org_ids, D(2024, 1, 1), D(2024, 12, 31))).value == 0
    client.force_login(leader)
    url = indicator("supervision.warnings_overdue").records_url(scope)
    assert listed_url(client, url) == {warnings["theirs"].pk}
    assert len(listed_url(client, indicator("supervision.warnings_raised").records_url(scope))) == 3


def listed_url(client, url) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    return {row.record.record_id for row in response.context["table"].page.object_list}
