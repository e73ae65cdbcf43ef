"""Writes to the registry: each service changes what it says, audits it, and refuses what it must."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fazhi.core.choices import AuditAction, Role
from fazhi.core.models import AuditEvent, Region
from fazhi.core.tests import factories as f
from fazhi.core.workflow import TransitionRefused
from fazhi.entities import services
from fazhi.entities.choices import CreditGradeBasis, EntityStatus, LicenceKind, NoCreditCodeReason
from fazhi.entities.models import CreditGradeChange, Entity, Licence
from fazhi.entities.rules import ENTITY_RULES
from fazhi.entities.tests.factories import credit_code, register

pytestmark = pytest.mark.django_db


def events_of(obj, pk=None):
    events = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(pk or obj.pk))
    return list(events.order_by("seq"))


def changes(event) -> tuple[dict, dict]:
    """An update's before and after, without the update time every save moves."""
    def drop(values):
        return {k: v for k, v in values.items() if k != "updated_at"}

    return drop(event.before), drop(event.after)


def field_errors(refusal) -> dict:
    return refusal.value.message_dict


# ---- registering ----------------------------------------------------------------------------------------------

def test_it_registers_an_entity_in_the_officers_bureau_with_its_first_grade_and_an_audit_event(officer, kaiping):
    entity = register(officer, contact_phone="13812345678")
    assert entity.organisation == kaiping  # the officer works at the institute; the bureau supervises
    assert entity.name_initials == "kpssbjdhmzs"
    assert sorted(entity.domains.values_list("code", flat=True)) == ["infectious_disease", "medical_service"]
    assert entity.credit_grade == ENTITY_RULES.initial_credit_grade
    first = entity.grade_changes.get()
    assert (first.from_grade, first.to_grade, first.basis, first.changed_by) == (
        "", ENTITY_RULES.initial_credit_grade, CreditGradeBasis.INITIAL, officer)
    [event] = events_of(entity)
    assert event.action == AuditAction.CREATE and event.actor == officer and event.before is None
    assert event.after["name"] == "开平市三埠街道惠民诊所" and event.after["contact_phone"] == "13812345678"
    assert event.organisation_id == kaiping.pk


def test_it_takes_the_domains_chosen_instead_of_the_kinds_defaults(officer):
    entity = register(officer, domains=["radiation", "medical_service"])
    assert sorted(entity.domains.values_list("code", flat=True)) == ["medical_service", "radiation"]


def test_it_saves_nothing_when_a_domain_is_unknown(officer):
    with pytest.raises(ValidationError) as refused:
        register(officer, domains=["astrology"])
    assert field_errors(refused) == {"domains": ["监管专业中有无效的取值。"]}
    assert not Entity.objects.exists() and not CreditGradeChange.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize("persona", ["legal_reviewer", "leader"])
def test_it_refuses_registration_to_roles_that_do_not_keep_the_register(request, persona):
    with pytest.raises(PermissionDenied, match="您没有登记监管对象的权限。"):
        register(request.getfixturevalue(persona))
    assert not Entity.objects.exists()


def test_it_refuses_registration_to_an_account_outside_any_organisation(db):
    loose = f.staff(None, Role.OFFICER)
    with pytest.raises(PermissionDenied, match="未归属任何机构"):
        register(loose)


def test_it_requires_a_reason_when_there_is_no_credit_code(officer):
    with pytest.raises(ValidationError) as refused:
        register(officer, name="丽人美发店", credit_code="", kind="public_place", sub_kind="hairdressing")
    assert field_errors(refused) == {
        "no_credit_code_reason": ["没有统一社会信用代码的，请选择原因（如个体工商户尚未取得）。"]}


def test_it_registers_an_individual_business_without_a_code_when_it_says_why(officer):
    entity = register(officer, name="丽人美发店", credit_code="", kind="public_place", sub_kind="hairdressing",
                      no_credit_code_reason=NoCreditCodeReason.INDIVIDUAL_UNREGISTERED)
    assert entity.credit_code == "" and entity.get_no_credit_code_reason_display() == "个体工商户，尚未取得统一社会信用代码"


def test_it_drops_the_no_code_reason_once_there_is_a_code(officer):
    entity = register(officer, credit_code=credit_code(7).lower(), no_credit_code_reason=NoCreditCodeReason.OTHER)
    assert entity.credit_code == credit_code(7) and entity.no_credit_code_reason == ""


def test_it_names_the_rule_a_wrong_credit_code_breaks(officer):
    wrong = credit_code(1)[:17] + ("0" if credit_code(1)[17] != "0" else "1")
    with pytest.raises(ValidationError) as refused:
        register(officer, credit_code=wrong)
    assert field_errors(refused)["credit_code"] == ["第18位校验码不正确（按GB 32100-2015计算），请逐位核对。"]


def test_it_refuses_a_sub_kind_of_another_kind(officer):
    with pytest.raises(ValidationError) as refused:
        register(officer, kind="public_place", sub_kind="clinic")
    [message] = field_errors(refused)["sub_kind"]
    assert message.startswith("“公共场所”下的细分类别只能是：住宿场所、")


def test_it_refuses_a_township_outside_the_county(officer, huancui_township):
    with pytest.raises(ValidationError) as refused:
        register(officer, township=huancui_township)
    assert field_errors(refused) == {"township": ["“环翠楼街道”不在开平市辖区内。"]}


def test_it_refuses_a_region_that_is_not_a_township(officer):
    with pytest.raises(ValidationError) as refused:
        register(officer, township=Region.objects.get(code="440783"))
    assert field_errors(refused) == {"township": ["“开平市”不是乡镇（街道），请选择乡镇（街道）。"]}


def test_it_places_the_entity_in_a_township_of_its_county(officer, changsha):
    assert register(officer, township=changsha).township == changsha


def test_it_wants_both_halves_of_a_map_point_or_neither(officer):
    with pytest.raises(ValidationError) as refused:
        register(officer, longitude=Decimal("112.698"))
    assert field_errors(refused) == {"latitude": ["经度和纬度须同时填写，或都不填。"]}
    entity = register(officer, longitude=Decimal("112.698545"), latitude=Decimal("22.376123"))
    entity.refresh_from_db()
    assert (entity.longitude, entity.latitude) == (Decimal("112.698545"), Decimal("22.376123"))


def test_it_refuses_a_map_point_outside_china(officer):
    low, high = ENTITY_RULES.longitude_range
    with pytest.raises(ValidationError) as refused:
        register(officer, longitude=Decimal(str(high + 1)), latitude=Decimal("22.3"))
    assert list(field_errors(refused)) == ["longitude"]
    with pytest.raises(ValidationError):
        register(officer, longitude=Decimal(str(low)), latitude=Decimal("2.9"))


def test_it_wants_a_reason_for_key_supervision(officer):
    with pytest.raises(ValidationError) as refused:
        register(officer, is_key_supervision=True, key_supervision_reason="  ")
    assert field_errors(refused) == {"key_supervision_reason": ["列为重点监管的，请写明原因。"]}


def test_it_refuses_a_second_entity_with_the_same_code_in_the_bureau(officer, section_head):
    register(officer)
    with pytest.raises(ValidationError) as refused:
        register(section_head, name="另一个名称")
    assert refused.value.messages == [
        "本局已登记此统一社会信用代码的监管对象，请在列表中查找后修改，不要重复登记。"]
    assert Entity.objects.count() == 1


def test_it_allows_the_same_code_in_another_bureau(officer, outsider):
    register(officer)
    other = register(outsider, address="威海市环翠区新威路2号")
    assert other.organisation.name == "威海市环翠区卫生健康局"
    assert Entity.objects.filter(credit_code=credit_code(1)).count() == 2


# ---- editing --------------------------------------------------------------------------------------------------

def test_it_records_before_and_after_of_an_edit(officer, section_head, changsha):
    entity = register(officer)
    services.update_entity(entity, actor=section_head, name="开平市三埠街道仁爱诊所", township=changsha,
                           domains=["medical_service", "radiation"])
    entity.refresh_from_db()
    assert entity.name == "开平市三埠街道仁爱诊所" and entity.name_initials == "kpssbjdrazs"
    update = events_of(entity)[-1]
    assert update.action == AuditAction.UPDATE and update.actor == section_head
    assert changes(update) == (
        {"name": "开平市三埠街道惠民诊所", "township": None,
         "domains": ["infectious_disease", "medical_service"]},
        {"name": "开平市三埠街道仁爱诊所", "township": changsha.pk,
         "domains": ["medical_service", "radiation"]},
    )


def test_it_keeps_grade_and_status_out_of_a_plain_edit(officer):
    entity = register(officer)
    for field in ({"credit_grade": "A"}, {"status": EntityStatus.REVOKED}, {"organisation": None}):
        with pytest.raises(ValueError, match="not editable here"):
            services.update_entity(entity, actor=officer, **field)


def test_it_leaves_an_edit_that_breaks_a_rule_unsaved(officer):
    entity = register(officer)
    with pytest.raises(ValidationError):
        services.update_entity(entity, actor=officer, name="新名称", sub_kind="swimming")
    entity.refresh_from_db()
    assert entity.name == "开平市三埠街道惠民诊所" and len(events_of(entity)) == 1


@pytest.mark.parametrize("persona", ["city_admin", "province_leader", "outsider", "legal_reviewer"])
def test_it_refuses_edits_from_outside_the_bureau_or_the_editing_roles(request, officer, persona):
    entity = register(officer)
    with pytest.raises(PermissionDenied):
        services.update_entity(entity, actor=request.getfixturevalue(persona), name="被改名")
    entity.refresh_from_db()
    assert entity.name == "开平市三埠街道惠民诊所"


# ---- credit grade ---------------------------------------------------------------------------------------------

def test_it_changes_the_grade_with_who_when_and_why(officer, section_head):
    entity = register(officer)
    day = timezone.localdate() - dt.timedelta(days=3)
    change = services.change_credit_grade(entity, actor=section_head, grade="C", basis=CreditGradeBasis.PENALTY,
                                          reason="开卫罚〔2026〕3号行政处罚", effective_on=day)
    entity.refresh_from_db()
    assert entity.credit_grade == "C"
    assert (change.from_grade, change.to_grade, change.changed_by, change.effective_on) == ("B", "C", section_head, day)
    assert sorted(entity.grade_changes.values_list("from_grade", "to_grade")) == [("", "B"), ("B", "C")]
    event = events_of(entity)[-1]
    assert (event.before, event.after) == ({"credit_grade": "B"}, {"credit_grade": "C"})
    assert event.detail == {"basis": "行政处罚", "reason": "开卫罚〔2026〕3号行政处罚"}


def test_it_leaves_grading_to_section_heads_and_leaders(officer):
    entity = register(officer)
    with pytest.raises(PermissionDenied, match="您没有评定信用等级的权限。"):
        services.change_credit_grade(entity, actor=officer, grade="A", basis=CreditGradeBasis.ANNUAL, reason="年度评价")


def test_it_refuses_a_grade_change_without_reason_in_the_future_or_to_the_same_grade(officer, leader):
    entity = register(officer)
    with pytest.raises(ValidationError) as refused:
        services.change_credit_grade(entity, actor=leader, grade="A", basis=CreditGradeBasis.INITIAL, reason=" ",
                                     effective_on=timezone.localdate() + dt.timedelta(days=1))
    assert set(field_errors(refused)) == {"basis", "reason", "effective_on"}
    with pytest.raises(ValidationError) as refused:
        services.change_credit_grade(entity, actor=leader, grade="B", basis=CreditGradeBasis.ANNUAL, reason="年度")
    assert field_errors(refused) == {"grade": ["该对象当前已是B级（基本守信），无需调整。"]}
    assert entity.grade_changes.count() == 1


def test_it_refuses_the_city_a_grade_change_in_a_county(officer, city_admin):
    entity = register(officer)
    with pytest.raises(PermissionDenied, match="只能查看，不能修改"):
        services.change_credit_grade(entity, actor=city_admin, grade="A", basis=CreditGradeBasis.ANNUAL, reason="年度")


# ---- operating status -----------------------------------------------------------------------------------------

def test_it_moves_the_status_through_its_procedure_and_audits_each_move(officer):
    entity = register(officer)
    services.change_status(entity, actor=officer, target=EntityStatus.SUSPENDED, reason="停业装修")
    services.change_status(entity, actor=officer, target=EntityStatus.OPERATING, reason="装修完毕")
    services.change_status(entity, actor=officer, target=EntityStatus.DEREGISTERED, reason="开市监注〔2026〕8号")
    entity.refresh_from_db()
    assert entity.status == EntityStatus.DEREGISTERED
    moves = [(e.before, e.after, e.detail["note"]) for e in events_of(entity) if e.action == AuditAction.TRANSITION]
    assert moves == [
        ({"status": "operating"}, {"status": "suspended"}, "停业装修"),
        ({"status": "suspended"}, {"status": "operating"}, "装修完毕"),
        ({"status": "operating"}, {"status": "deregistered"}, "开市监注〔2026〕8号"),
    ]


def test_it_keeps_deregistration_and_revocation_final(officer):
    entity = register(officer)
    services.change_status(entity, actor=officer, target=EntityStatus.REVOKED, reason="吊销决定")
    with pytest.raises(ValidationError) as refused:
        services.change_status(entity, actor=officer, target=EntityStatus.OPERATING, reason="重新开业")
    assert field_errors(refused) == {"status": ["经营状态不能从“吊销”改为“在营”（注销、吊销后不能恢复，须重新登记）。"]}


def test_it_wants_a_reason_for_a_status_change(officer):
    entity = register(officer)
    with pytest.raises(TransitionRefused, match="请填写状态变更的原因"):
        services.change_status(entity, actor=officer, target=EntityStatus.SUSPENDED, reason="")
    entity.refresh_from_db()
    assert entity.status == EntityStatus.OPERATING


def test_it_refuses_status_changes_to_other_roles_and_bureaus(officer, leader, city_admin):
    entity = register(officer)
    with pytest.raises(TransitionRefused, match="您没有执行“停业”的权限。"):
        services.change_status(entity, actor=leader, target=EntityStatus.SUSPENDED, reason="停业")
    with pytest.raises(PermissionDenied):
        services.change_status(entity, actor=city_admin, target=EntityStatus.SUSPENDED, reason="停业")


# ---- licences -------------------------------------------------------------------------------------------------

def licence_fields(**fields):
    return {"kind": LicenceKind.MEDICAL_PRACTICE, "number": " PDY12345644078311A1002 ",
            "issued_on": dt.date(2024, 3, 1), "valid_to": dt.date(2029, 2, 28), "issuer": "开平市卫生健康局", **fields}


def test_it_adds_edits_and_removes_a_licence_with_audit_events(officer, clerk):
    entity = register(officer)
    licence = services.add_licence(entity, actor=clerk, **licence_fields())
    assert licence.number == "PDY12345644078311A1002" and licence.organisation_id == entity.organisation_id
    services.update_licence(licence, actor=clerk, valid_to=dt.date(2030, 2, 28))
    licence_id = licence.pk
    services.remove_licence(licence, actor=officer, reason="录入重复")
    assert not Licence.objects.exists()
    created, updated, deleted = events_of(licence, licence_id)
    assert created.action == AuditAction.CREATE and created.detail == {"entity": entity.name}
    assert changes(updated) == ({"valid_to": "2029-02-28"}, {"valid_to": "2030-02-28"})
    assert deleted.action == AuditAction.DELETE and deleted.detail == {"reason": "录入重复"}
    assert deleted.before["number"] == "PDY12345644078311A1002"


def test_a_licence_edit_compares_with_what_is_stored_not_the_callers_copy(officer, clerk):
    licence = services.add_licence(register(officer), actor=clerk, **licence_fields())
    licence.valid_to = dt.date(2031, 1, 1)  # as a bound form does before the service is called
    services.update_licence(licence, actor=clerk, valid_to=dt.date(2031, 1, 1))
    assert Licence.objects.get(pk=licence.pk).valid_to == dt.date(2031, 1, 1)
    assert changes(events_of(licence)[-1]) == ({"valid_to": "2029-02-28"}, {"valid_to": "2031-01-01"})
    services.remove_licence(licence, actor=clerk, reason="录入错误")
    assert events_of(licence)[-1].before["valid_to"] == "2031-01-01"


def test_it_needs_a_reason_to_remove_a_licence(officer):
    licence = services.add_licence(register(officer), actor=officer, **licence_fields())
    with pytest.raises(ValidationError) as refused:
        services.remove_licence(licence, actor=officer, reason=" ")
    assert field_errors(refused) == {"reason": ["请写明删除原因（如录入错误）。"]}
    assert Licence.objects.filter(pk=licence.pk).exists()


def test_it_refuses_a_licence_number_the_bureau_already_holds_and_dates_in_the_wrong_order(officer):
    entity = register(officer)
    services.add_licence(entity, actor=officer, **licence_fields())
    other = register(officer, name="开平市第二诊所", credit_code=credit_code(2))
    with pytest.raises(ValidationError) as refused:
        services.add_licence(other, actor=officer, **licence_fields())
    assert refused.value.messages == ["本局已登记同一类别、同一编号的证照，请核对编号。"]
    with pytest.raises(ValidationError) as refused:
        services.add_licence(other, actor=officer, **licence_fields(number="X1", valid_to=dt.date(2020, 1, 1)))
    assert refused.value.messages == ["有效期至不能早于发证日期。"]


def test_it_refuses_licence_changes_from_another_bureau(officer, outsider, city_admin, legal_reviewer):
    entity = register(officer)
    licence = services.add_licence(entity, actor=officer, **licence_fields())
    for actor in (outsider, city_admin, legal_reviewer):
        with pytest.raises(PermissionDenied):
            services.add_licence(entity, actor=actor, **licence_fields(number="X2"))
        with pytest.raises(PermissionDenied):
            services.remove_licence(licence, actor=actor, reason="越权")
    assert Licence.objects.count() == 1


def test_an_edit_that_changes_nothing_records_nothing(officer):
    entity = register(officer)
    before = len(events_of(entity))
    services.update_entity(entity, actor=officer, name=f"  {entity.name} ", address=entity.address)
    assert len(events_of(entity)) == before


def test_a_name_of_spaces_is_an_empty_name(officer):
    with pytest.raises(ValidationError) as refusal:
        register(officer, name="   ")
    assert "name" in field_errors(refusal)


@pytest.mark.parametrize(
    "name, initials",
    [("开平市长沙街道惠民诊所", "kpscsjdhmzs"), ("开平市人民医院", "kpsrmyy"), ("KTV乐园（长沙店）3号", "ktvlycsd3h")],
)
def test_pinyin_initials_read_place_names_as_words(name, initials):
    from fazhi.entities.naming import name_initials

    assert name_initials(name) == initials


def test_a_two_character_search_finds_the_names_that_hold_it(officer):
    """On PostgreSQL two characters go through the bigram index; the answer must be the same as a plain scan."""
    clinic = register(officer)
    register(officer, name="开平市金沙湾游泳馆", credit_code=credit_code(2), kind="public_place", sub_kind="swimming")
    ktv = register(officer, name="Kp乐园KTV", credit_code=credit_code(3), kind="public_place", sub_kind="entertainment")
    visible = Entity.objects.visible_to(officer)
    assert list(visible.search("诊所")) == [clinic]
    assert set(visible.search("kp")) == {clinic, ktv} | set(visible.filter(name_initials__startswith="kp"))
    assert list(visible.search("tv")) == [ktv]
    assert not visible.search("医院").exists()


@pytest.mark.parametrize("text", ["", "诊", "诊所", "诊所诊所诊", "开平市长沙街道惠民诊所", "KTV乐园（长沙店）3号"])
def test_the_bigram_function_gives_every_two_character_piece_and_nothing_else(text):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the bigram indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT fazhi_bigrams(%s)", [text])
        (pieces,) = cursor.fetchone()
    assert set(pieces) == {text[i:i + 2] for i in range(len(text) - 1)}


def test_the_searchable_domain_codes_follow_every_change_of_domains(officer):
    clinic = register(officer)
    assert clinic.domain_codes == " ".join(sorted(clinic.domains.values_list("code", flat=True)))
    services.update_entity(clinic, actor=officer, domains=["radiation", "medical_service", "radiation"])
    clinic.refresh_from_db()
    assert clinic.domain_codes == "medical_service radiation"
    services.update_entity(clinic, actor=officer, name="开平市惠民口腔诊所")
    clinic.refresh_from_db()
    assert clinic.domain_codes == "medical_service radiation"  # domains not given: left as they were


def test_the_domain_filter_matches_whole_codes_only(officer):
    """`medical` must not find `medical_service`, nor `radiation` an entity without it, on either database."""
    clinic = register(officer)
    services.update_entity(clinic, actor=officer, domains=["medical_service", "radiation"])
    pool = register(officer, name="开平市金沙湾游泳馆", credit_code=credit_code(2), kind="public_place",
                    sub_kind="swimming")
    visible = Entity.objects.visible_to(officer)
    assert list(visible.in_domain("radiation")) == [clinic]
    assert list(visible.in_domain("medical_service")) == [clinic]
    assert list(visible.in_domain("public_place")) == [pool]
    assert not visible.in_domain("medical").exists()
    assert list(visible.search("诊所").in_domain("radiation")) == [clinic]
    assert not visible.search("游泳").in_domain("radiation").exists()


def test_on_postgresql_the_name_and_domain_conditions_are_index_conditions(officer):
    """The list's slowest case at province scale, name and domain together, is answered by the GIN indexes over
    both: each condition must be written exactly as an index expression, or PostgreSQL filters row by row."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the GIN indexes exist on PostgreSQL only")
    register(officer)

    def index_conditions(queryset) -> str:
        sql, params = queryset.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
        return "\n".join(line for line in plan if "Index Cond" in line)

    entities = Entity.objects.order_by()
    assert "string_to_array((domain_codes)::text" in index_conditions(entities.in_domain("radiation"))
    assert "fazhi_bigrams(upper((name)::text))" in index_conditions(entities.search("诊所"))
    assert "upper((name)::text) ~~" in index_conditions(entities.search("惠民诊"))
