"""Core write services: each changes what it says, writes its audit event, and stays inside the actor's bureau."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fazhi.core import services
from fazhi.core.choices import AuditAction, OrganisationKind, RegionLevel, Role
from fazhi.core.models import AuditEvent, Organisation
from fazhi.core.tests import factories as f


@pytest.fixture
def system(db):
    return services.ensure_system_account()


def test_it_places_a_new_county_bureau_under_its_city(bureaus, system):
    jm = bureaus["jiangmen"]
    taishan = f.region("440781", "台山市", RegionLevel.COUNTY, jm.region)
    org = services.create_organisation(actor=system, name="台山市卫生健康局", kind=OrganisationKind.BUREAU,
                                       region=taishan, parent=jm, doc_prefix="台卫")
    assert org.path.startswith(jm.path) and org.bureau == org
    assert AuditEvent.objects.for_object(org).get().action == AuditAction.CREATE


def test_it_makes_an_institute_belong_to_its_bureau(bureaus, system):
    kp = bureaus["kaiping"]
    org = services.create_organisation(actor=system, name="开平市卫生监督执法大队", kind=OrganisationKind.SUPERVISION_INSTITUTE,
                                       region=kp.region, parent=kp)
    assert org.bureau == kp and org.bureau_path == kp.path


def test_it_refuses_an_institute_under_another_regions_bureau(bureaus, system):
    with pytest.raises(ValidationError, match="同一区划"):
        services.create_organisation(actor=system, name="错位监督所", kind=OrganisationKind.SUPERVISION_INSTITUTE,
                                     region=bureaus["kaiping"].region, parent=bureaus["jiangmen"])
    assert not Organisation.objects.filter(name="错位监督所").exists()


def test_it_refuses_a_bureau_whose_parent_is_not_above_it(bureaus, system):
    with pytest.raises(ValidationError, match="上级区划"):
        services.create_organisation(actor=system, name="环翠错位局", kind=OrganisationKind.BUREAU,
                                     region=bureaus["huancui"].region, parent=bureaus["jiangmen"])


def test_it_keeps_the_tree_fixed_after_creation(kaiping, admin):
    with pytest.raises(ValidationError, match="不能修改"):
        services.update_organisation(kaiping, actor=admin, parent=None)


def test_it_creates_staff_who_must_change_the_initial_password(kaiping, admin):
    user, initial = services.create_staff(actor=admin, organisation=kaiping, roles=[Role.OFFICER],
                                          username="newbie", full_name="新同事")
    assert user.must_change_password and user.check_password(initial)
    assert user.roles == {Role.OFFICER}
    event = AuditEvent.objects.for_object(user).get()
    assert "password" not in event.after and event.detail == {"roles": ["officer"]}


def test_it_refuses_an_invalid_id_card_number_in_chinese(kaiping, admin):
    with pytest.raises(ValidationError) as caught:
        services.create_staff(actor=admin, organisation=kaiping, username="x1", full_name="某",
                              id_card_number="440783199001011239")
    assert "校验位不正确" in str(caught.value.message_dict["id_card_number"])


def test_it_audits_a_change_of_roles(officer, admin):
    services.update_staff(officer, actor=admin, roles=[Role.OFFICER, Role.SECTION_HEAD])
    event = AuditEvent.objects.for_object(officer).latest("seq")
    assert event.after == {"roles": ["officer", "section_head"]}


def test_it_refuses_writes_from_another_county(officer, outsider):
    with pytest.raises(PermissionDenied, match="本局"):
        services.update_staff(officer, actor=outsider, full_name="改名")


def test_it_refuses_writes_from_the_city_into_a_county(officer, city_admin):
    with pytest.raises(PermissionDenied):
        services.update_staff(officer, actor=city_admin, full_name="改名")


def test_it_refuses_structure_changes_by_non_administrators(kaiping, officer):
    with pytest.raises(PermissionDenied, match="系统管理员"):
        services.create_section(actor=officer, organisation=kaiping, name="新科室")


def test_it_refuses_a_section_of_another_organisation(officer, admin, bureaus):
    other = f.section(bureaus["huancui"], "监督科")
    with pytest.raises(ValidationError, match="所在科室"):
        services.update_staff(officer, actor=admin, section=other)


def test_it_resets_a_password_to_a_new_initial_one(officer, admin):
    new = services.reset_password(officer, actor=admin)
    officer.refresh_from_db()
    assert officer.check_password(new) and officer.must_change_password


def test_it_stores_only_the_hash_of_an_api_token(officer, admin):
    token, key = services.issue_api_token(actor=admin, user=officer, name="市场监管局数据交换")
    assert key not in token.key_hash and token.key_hash == token.hash_key(key)
    assert "key_hash" not in AuditEvent.objects.for_object(token).get().after


def test_it_records_roles_and_fields_changed_together_in_one_event(officer, admin):
    services.update_staff(officer, actor=admin, job_title="副科长", roles=[Role.OFFICER, Role.SECTION_HEAD])
    event = AuditEvent.objects.for_object(officer).latest("seq")
    assert event.before == {"job_title": "", "roles": ["officer"]}
    assert event.after == {"job_title": "副科长", "roles": ["officer", "section_head"]}
