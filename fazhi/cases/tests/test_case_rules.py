"""The case rule table is data the top organisation edits; a changed threshold changes what cases need."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fazhi.cases import case_rules, major
from fazhi.cases.models import CaseRule
from fazhi.core.choices import Role
from fazhi.core.models import AuditEvent
from fazhi.core.tests import factories as f

from . import factories as fc

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_admin(bureaus):
    return f.staff(bureaus["guangdong"], Role.ADMIN, full_name="省厅管理员")


def test_only_the_top_organisation_edits_the_shared_table(admin, province_admin):
    rule = CaseRule.objects.get(code="HR-FINE-O")
    with pytest.raises(PermissionDenied):
        case_rules.update_rule(rule, actor=admin, amount=Decimal("30000"))
    case_rules.update_rule(rule, actor=province_admin, amount=Decimal("30000"))
    rule.refresh_from_db()
    assert rule.amount == Decimal("30000")
    assert AuditEvent.objects.filter(object_id=str(rule.pk), action="update").exists()


def test_a_threshold_rule_needs_an_amount_and_a_kind_rule_a_kind(province_admin):
    with pytest.raises(ValidationError) as error:
        case_rules.update_rule(CaseRule.objects.get(code="HR-FINE-O"), actor=province_admin, amount=None)
    assert "amount" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        case_rules.update_rule(CaseRule.objects.get(code="HR-REVOKE"), actor=province_admin, penalty_kind="")
    assert "penalty_kind" in error.value.error_dict


def test_a_lowered_threshold_gives_hearing_rights_to_a_smaller_fine(province_admin, hotel, case_team):
    case = fc.registered(hotel, case_team, received_on=dt.date(2025, 3, 5), fine_amount=Decimal("30000"),
                         penalty_kinds="fine")
    assert not major.hearing_rights(case)
    case_rules.update_rule(CaseRule.objects.get(code="HR-FINE-O"), actor=province_admin, amount=Decimal("30000"))
    assert [r.code for r in major.hearing_rights(case)] == ["HR-FINE-O"]


def test_the_pages_show_the_table_to_staff_and_the_form_to_its_editors(as_user, officer, province_admin):
    rule = CaseRule.objects.get(code="HR-FINE-O")
    edit = reverse("cases:rule_edit", args=[rule.pk])
    page = as_user(officer).get(reverse("cases:rules")).content.decode()
    assert "HR-FINE-O" in page and edit not in page
    assert as_user(officer).get(edit).status_code == 403
    client = as_user(province_admin)
    assert edit in client.get(reverse("cases:rules")).content.decode()
    response = client.post(edit, {
        "name": rule.name, "party_kind": rule.party_kind, "amount": "20000", "penalty_kind": "", "basis": rule.basis,
        "is_active": "on"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.amount == Decimal("20000")
