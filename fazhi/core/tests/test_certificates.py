"""may_enforce, the one answer every module asks, and the certificate's own procedure."""
import datetime as dt

import pytest

from fazhi.core.certificates import CERTIFICATE_MACHINE, change_certificate_status, may_enforce
from fazhi.core.choices import AuditAction, CertificateStatus
from fazhi.core.models import AuditEvent
from fazhi.core.tests import factories as f
from fazhi.core.workflow import TransitionRefused

DAY = dt.date(2026, 6, 15)


@pytest.fixture
def cert(officer):
    c = officer.certificates.get()
    c.valid_from, c.valid_to = dt.date(2025, 1, 1), dt.date(2027, 12, 31)
    c.save()
    return c


def test_it_allows_a_certified_officer_in_a_domain_of_the_certificate(officer, cert):
    check = may_enforce(officer, "public_place", DAY)
    assert check.allowed and check.certificate == cert


def test_it_refuses_a_domain_the_certificate_does_not_cover(officer, cert):
    check = may_enforce(officer, "radiation", DAY)
    assert not check.allowed and "不含放射卫生" in check.reason


def test_it_refuses_someone_without_a_certificate(clerk):
    check = may_enforce(clerk, "public_place", DAY)
    assert not check.allowed and "未取得行政执法证" in check.reason


@pytest.mark.parametrize(
    ("day", "allowed"),
    [(dt.date(2024, 12, 31), False), (dt.date(2025, 1, 1), True), (dt.date(2027, 12, 31), True), (dt.date(2028, 1, 1), False)],
)
def test_it_holds_the_validity_period_at_its_boundaries(officer, cert, day, allowed):
    assert may_enforce(officer, "public_place", day).allowed is allowed


def test_it_says_when_a_certificate_expired(officer, cert):
    assert "已于2027年12月31日到期" in may_enforce(officer, "public_place", dt.date(2028, 1, 1)).reason


def test_it_refuses_during_a_suspension_and_allows_before_and_after(officer, cert, admin):
    change_certificate_status(cert, "suspend", actor=admin, on_date=dt.date(2026, 3, 1), reason="违纪调查")
    change_certificate_status(cert, "reinstate", actor=admin, on_date=dt.date(2026, 4, 1))
    assert may_enforce(officer, "public_place", dt.date(2026, 2, 28)).allowed
    assert not may_enforce(officer, "public_place", dt.date(2026, 3, 1)).allowed
    assert "暂扣" in may_enforce(officer, "public_place", dt.date(2026, 3, 31)).reason
    assert may_enforce(officer, "public_place", dt.date(2026, 4, 1)).allowed


def test_it_refuses_from_the_day_of_revocation(officer, cert, admin):
    change_certificate_status(cert, "revoke", actor=admin, on_date=DAY, reason="违法执法")
    assert may_enforce(officer, "public_place", DAY - dt.timedelta(days=1)).allowed
    check = may_enforce(officer, "public_place", DAY)
    assert not check.allowed and "吊销" in check.reason


def test_it_refuses_an_inactive_person(officer, cert):
    officer.is_active = False
    assert not may_enforce(officer, "public_place", DAY).allowed


def test_it_audits_each_status_change(cert, admin):
    change_certificate_status(cert, "suspend", actor=admin, on_date=DAY, reason="违纪调查")
    event = AuditEvent.objects.filter(action=AuditAction.TRANSITION).get()
    assert (event.before, event.after) == ({"status": "valid"}, {"status": "suspended"})
    assert event.detail["label"] == "暂扣" and event.detail["note"] == "违纪调查"
    assert event.organisation_id == cert.holder.organisation_id


def test_it_refuses_a_move_from_the_wrong_state(cert, admin):
    with pytest.raises(TransitionRefused, match="当前状态为“有效”，不能执行“恢复”"):
        change_certificate_status(cert, "reinstate", actor=admin, on_date=DAY)


def test_it_refuses_a_move_by_someone_without_the_role(cert, officer):
    with pytest.raises(TransitionRefused, match="没有执行“暂扣”的权限"):
        change_certificate_status(cert, "suspend", actor=officer, on_date=DAY, reason="x")
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.VALID


def test_it_requires_a_reason_to_suspend(cert, admin):
    with pytest.raises(TransitionRefused, match="请填写原因"):
        change_certificate_status(cert, "suspend", actor=admin, on_date=DAY, reason="  ")


def test_it_offers_only_the_moves_allowed_now(cert, admin, officer):
    assert {t.name for t in CERTIFICATE_MACHINE.available(cert, admin, {"on_date": DAY, "reason": "r"})} == {
        "suspend", "revoke", "cancel"}
    assert CERTIFICATE_MACHINE.available(cert, officer, {"on_date": DAY, "reason": "r"}) == []


def test_it_offers_the_moves_from_the_current_state_to_those_with_the_role(cert, admin, officer):
    assert [t.name for t in CERTIFICATE_MACHINE.offered(cert, admin)] == ["suspend", "revoke", "cancel"]
    assert CERTIFICATE_MACHINE.offered(cert, officer) == []
    change_certificate_status(cert, "suspend", actor=admin, on_date=DAY, reason="违纪调查")
    assert [t.name for t in CERTIFICATE_MACHINE.offered(cert, admin)] == ["reinstate", "revoke", "cancel"]


def test_it_lists_certificates_expiring_within_30_days(officer, cert):
    assert cert in officer.certificates.expiring_within(dt.date(2027, 12, 1), 30)
    assert cert not in officer.certificates.expiring_within(dt.date(2027, 11, 30), 30)


def test_it_checks_certificates_of_several_officers_for_an_inspection(bureaus, officer, cert):
    second = f.staff(bureaus["kaiping_institute"], "officer")
    f.certificate(second, "medical_service", valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2027, 1, 1))
    answers = [may_enforce(p, "public_place", DAY).allowed for p in (officer, second)]
    assert answers == [True, False]


def test_it_judges_each_suspension_period_on_its_own(officer, cert, admin):
    """An ended suspension and a later one must not combine into a suspension that never was."""
    change_certificate_status(cert, "suspend", actor=admin, on_date=dt.date(2026, 1, 1), reason="调查")
    change_certificate_status(cert, "reinstate", actor=admin, on_date=dt.date(2026, 2, 1))
    change_certificate_status(cert, "suspend", actor=admin, on_date=dt.date(2026, 9, 1), reason="再次调查")
    assert may_enforce(officer, "public_place", dt.date(2026, 6, 1)).allowed
    assert not may_enforce(officer, "public_place", dt.date(2026, 1, 15)).allowed
    assert not may_enforce(officer, "public_place", dt.date(2026, 9, 1)).allowed


def test_it_answers_a_permitted_check_in_one_query(officer, cert, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert may_enforce(officer, "public_place", DAY)


def test_it_explains_a_refusal_without_a_query_per_certificate(officer, cert, django_assert_max_num_queries):
    for n in range(3):
        f.certificate(officer, "public_place", number=f"44KPOLD{n}", valid_from=dt.date(2020, 1, 1),
                      valid_to=dt.date(2024, 12, 31))
    with django_assert_max_num_queries(4):
        assert "已于2027年12月31日到期" in may_enforce(officer, "public_place", dt.date(2028, 1, 1)).reason
