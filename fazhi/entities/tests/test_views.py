"""The registry's pages as their users see them: the list, the entity's page and its tabs, and the forms."""
import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fazhi.core.choices import AuditAction, RegionLevel
from fazhi.core.models import AuditEvent, Domain, Region
from fazhi.core.tables import CappedCountPaginator
from fazhi.entities import services, tabs
from fazhi.entities.choices import CreditGradeBasis, EntityStatus, LicenceKind, NoCreditCodeReason
from fazhi.entities.models import Entity, Licence
from fazhi.entities.naming import name_initials
from fazhi.entities.tests.factories import credit_code, lengthen_history, register, township

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
MASKED_PHONE = "138****5678"


@pytest.fixture
def hospital(officer, changsha):
    return register(officer, name="开平市第一人民医院", credit_code=credit_code(11), sub_kind="hospital",
                    contact_phone=PHONE, township=changsha, is_key_supervision=True,
                    key_supervision_reason="二级医院")


@pytest.fixture
def barber(officer, sanbu):
    return register(officer, name="丽人美发店", credit_code="", kind="public_place", sub_kind="hairdressing",
                    no_credit_code_reason=NoCreditCodeReason.INDIVIDUAL_UNREGISTERED, township=sanbu)


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def listed(client, **params) -> list[str]:
    """The names in the list, in order."""
    html = page(client, reverse("entities:list"), **params)
    return re.findall(r'<a href="/entities/\d+/">([^<]+)</a>', html)


def entity_form_data(**fields) -> dict:
    return {
        "name": "开平市惠康诊所", "credit_code": credit_code(21), "no_credit_code_reason": "", "legal_form": "enterprise",
        "kind": "medical", "sub_kind": "clinic", "legal_representative": "梁医生", "contact_person": "",
        "contact_phone": PHONE, "address": "开平市三埠街道祥龙路8号", "township": "", "longitude": "", "latitude": "",
        "key_supervision_reason": "", "note": "", **fields,
    }


# ---- the list -------------------------------------------------------------------------------------------------

def test_it_lists_the_countys_entities_with_masked_phones(as_user, officer, hospital, barber):
    html = page(as_user(officer), reverse("entities:list"))
    for header in ("名称", "统一社会信用代码", "类别/细分类别", "乡镇", "监管专业", "信用等级", "经营状态", "重点监管",
                   "联系电话", "监管机关", "更新时间"):
        assert header in html
    assert MASKED_PHONE in html and PHONE not in html
    assert "无代码（个体工商户，尚未取得统一社会信用代码）" in html
    assert "长沙街道" in html and "医疗服务、传染病防治" in html and "开平市卫健局" in html
    assert listed(as_user(officer)) == ["丽人美发店", "开平市第一人民医院"]


@pytest.mark.parametrize("query, expected", [
    ({"q": "人民医院"}, ["开平市第一人民医院"]),
    ({"q": "lrmf"}, ["丽人美发店"]),
    ({"q": credit_code(11).lower()}, ["开平市第一人民医院"]),
    ({"kind": "public_place"}, ["丽人美发店"]),
    ({"sub_kind": "hospital"}, ["开平市第一人民医院"]),
    ({"domain": "public_place"}, ["丽人美发店"]),
    ({"credit_grade": "B"}, ["丽人美发店", "开平市第一人民医院"]),
    ({"status": "operating"}, ["丽人美发店", "开平市第一人民医院"]),
    ({"status": "suspended"}, []),
    ({"key": "1"}, ["开平市第一人民医院"]),
    ({"key": "0"}, ["丽人美发店"]),
])
def test_it_searches_and_filters(as_user, officer, hospital, barber, query, expected):
    assert listed(as_user(officer), **query) == expected


def test_it_filters_by_township_and_licence_number(as_user, officer, hospital, barber, sanbu):
    services.add_licence(hospital, actor=officer, kind=LicenceKind.MEDICAL_PRACTICE, number="PDY44078311A1002")
    client = as_user(officer)
    assert listed(client, township=sanbu.pk) == ["丽人美发店"]
    assert listed(client, licence="11A10") == ["开平市第一人民医院"]


def test_it_lists_an_entity_once_under_a_domain_filter_without_distinct(as_user, officer, hospital):
    client = as_user(officer)
    with CaptureQueriesContext(connection) as queries:
        names = listed(client, domain="medical_service")
    assert names == ["开平市第一人民医院"]  # it has two domains; the filter names one
    entity_queries = [q["sql"] for q in queries.captured_queries if '"entities_entity"' in q["sql"]]
    assert entity_queries and not any("DISTINCT" in sql.upper() for sql in entity_queries)


def test_it_sorts_by_name_code_grade_status_and_update_time(as_user, officer, section_head, hospital, barber):
    services.change_credit_grade(barber, actor=section_head, grade="A", basis=CreditGradeBasis.ANNUAL, reason="年度")
    client = as_user(officer)
    assert listed(client, sort="-name") == ["开平市第一人民医院", "丽人美发店"]
    assert listed(client, sort="credit_code") == ["丽人美发店", "开平市第一人民医院"]  # no code sorts first
    assert listed(client, sort="credit_grade") == ["丽人美发店", "开平市第一人民医院"]
    assert listed(client, sort="-updated_at") == ["丽人美发店", "开平市第一人民医院"]
    services.change_status(hospital, actor=officer, target=EntityStatus.SUSPENDED, reason="停业整顿")
    assert listed(client, sort="-status") == ["开平市第一人民医院", "丽人美发店"]


def bulk_entities(organisation, count: int) -> None:
    """Many rows quickly (no audit: this is a read test), each with two domains and a township."""
    place = Region.objects.filter(level=RegionLevel.TOWNSHIP).first()
    entities = Entity.objects.bulk_create(
        Entity(organisation=organisation, name=f"批量诊所{n:03d}", name_initials=name_initials(f"批量诊所{n:03d}"),
               credit_code=credit_code(1000 + n), kind="medical", sub_kind="clinic", address="开平市",
               township=place, contact_phone=PHONE, domain_codes="infectious_disease medical_service")
        for n in range(count)
    )
    through = Entity.domains.through
    through.objects.bulk_create(through(entity=e, domain_id=d) for e in entities
                                for d in ("medical_service", "infectious_disease"))


def test_it_lists_any_page_size_in_the_same_number_of_queries(as_user, admin, kaiping, changsha):
    bulk_entities(kaiping, 60)
    client = as_user(admin)
    counts = {}
    for per_page in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            html = page(client, reverse("entities:list"), per_page=per_page)
        assert html.count('href="/entities/') - html.count('href="/entities/new') >= per_page
        counts[per_page] = len(queries)
    assert counts[5] == counts[50], counts


def test_it_pages_through_the_list(as_user, admin, kaiping, changsha):
    bulk_entities(kaiping, 12)
    client = as_user(admin)
    assert listed(client, per_page=5, page=3) == ["批量诊所010", "批量诊所011"]
    assert "第 3 / 3 页" in page(client, reverse("entities:list"), per_page=5, page=3)


def test_it_links_the_export_to_the_filters_on_screen(as_user, officer, hospital):
    html = page(as_user(officer), reverse("entities:list"), kind="medical", q="医院", page="2")
    assert f'href="{reverse("entities:export")}?kind=medical&amp;q=%E5%8C%BB%E9%99%A2"' in html
    assert "导出Excel" in html


def test_it_answers_a_filter_change_with_the_results_only(as_user, officer, hospital):
    html = as_user(officer).get(reverse("entities:list"), {"q": "医院"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and "开平市第一人民医院" in html and "导出Excel" in html


def test_it_offers_registration_and_import_by_role(as_user, officer, clerk, legal_reviewer):
    officer_page = page(as_user(officer), reverse("entities:list"))
    assert reverse("entities:create") in officer_page and reverse("entities:import_list") not in officer_page
    clerk_page = page(as_user(clerk), reverse("entities:list"))
    assert reverse("entities:import_list") in clerk_page
    reviewer_page = page(as_user(legal_reviewer), reverse("entities:list"))
    assert reverse("entities:create") not in reviewer_page


def test_it_puts_the_registry_in_the_menu_and_the_import_for_importers(as_user, officer, clerk):
    menu = page(as_user(officer), reverse("core:home"))
    assert f'href="{reverse("entities:list")}"' in menu and "批量导入" not in menu
    assert "批量导入" in page(as_user(clerk), reverse("core:home"))


# ---- the entity's page ----------------------------------------------------------------------------------------

def test_it_shows_everything_on_the_first_tab_with_the_full_phone_to_its_editors(as_user, officer, hospital):
    html = page(as_user(officer), reverse("entities:detail", args=[hospital.pk]))
    for text in ("开平市第一人民医院", credit_code(11), "重点监管", "在营", "基本信息", "证照", "信用档案", "变更记录",
                 "医疗机构 · 医院", "医疗服务、传染病防治", "长沙街道", PHONE, "二级医院"):
        assert text in html, text
    for action in ("entities:edit", "entities:status", "entities:licence_create"):
        assert reverse(action, args=[hospital.pk]) in html
    assert reverse("entities:grade", args=[hospital.pk]) not in html  # grading is for heads and leaders


def test_it_masks_the_phone_and_hides_actions_for_those_who_only_read(as_user, hospital, legal_reviewer, city_admin):
    for reader in (legal_reviewer, city_admin):
        html = page(as_user(reader), reverse("entities:detail", args=[hospital.pk]))
        assert MASKED_PHONE in html and PHONE not in html
        assert reverse("entities:edit", args=[hospital.pk]) not in html
        assert reverse("entities:grade", args=[hospital.pk]) not in html


def test_it_offers_grading_to_the_section_head(as_user, section_head, hospital):
    html = page(as_user(section_head), reverse("entities:detail", args=[hospital.pk]))
    assert reverse("entities:grade", args=[hospital.pk]) in html


def test_it_says_why_an_entity_has_no_code(as_user, officer, barber):
    html = page(as_user(officer), reverse("entities:detail", args=[barber.pk]))
    assert "无统一社会信用代码：个体工商户，尚未取得统一社会信用代码" in html


def test_it_fills_the_licence_credit_and_history_tabs(as_user, officer, section_head, hospital):
    services.add_licence(hospital, actor=officer, kind=LicenceKind.MEDICAL_PRACTICE, number="PDY44078311A1002",
                         valid_to=dt.date(2020, 1, 1))
    services.change_credit_grade(hospital, actor=section_head, grade="A", basis=CreditGradeBasis.ANNUAL,
                                 reason="2025年度信用评价")
    client = as_user(officer)
    url = reverse("entities:detail", args=[hospital.pk])
    licences = page(client, url, tab="licences")
    assert "PDY44078311A1002" in licences and "已过期" in licences and "医疗机构执业许可证" in licences
    credit = page(client, url, tab="credit")
    assert "2025年度信用评价" in credit and "年度信用评价" in credit and "王科长" in credit and "初始评定" in credit
    history = page(client, url, tab="history")
    assert f'hx-get="{reverse("core:history", args=["entities.entity", hospital.pk])}"' in history
    events = client.get(reverse("core:history", args=["entities.entity", hospital.pk]), HTTP_HX_REQUEST="true")
    assert "李执法" in events.content.decode() and "王科长" in events.content.decode()


def test_it_builds_each_tab_in_the_same_number_of_queries_however_many_rows(as_user, officer, section_head, hospital):
    client = as_user(officer)
    url = reverse("entities:detail", args=[hospital.pk])

    def queries_per_tab() -> dict[str, int]:
        counts = {}
        for tab in ("info", "licences", "credit", "history"):
            with CaptureQueriesContext(connection) as queries:
                page(client, url, tab=tab)
            counts[tab] = len(queries)
        return counts

    before = queries_per_tab()
    lengthen_history(hospital, officer=officer, grader=section_head, grades="ACD")
    assert queries_per_tab() == before


def test_it_switches_tabs_in_place(as_user, officer, hospital):
    html = as_user(officer).get(reverse("entities:detail", args=[hospital.pk]), {"tab": "credit"},
                                HTTP_HX_REQUEST="true").content.decode()
    assert html.startswith('<div id="entity-tabs">') and "<html" not in html and "初始评定" in html


def test_it_gives_the_whole_page_back_when_the_browser_restores_history(as_user, officer, hospital):
    client = as_user(officer)
    for url in (reverse("entities:detail", args=[hospital.pk]), reverse("entities:list")):
        part = client.get(url, HTTP_HX_REQUEST="true")
        whole = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
        assert "<html" not in part.content.decode() and "<html" in whole.content.decode()
        assert "HX-Request" in part["Vary"] and "HX-Request" in whole["Vary"]


def test_it_shows_a_tab_a_later_module_registers(monkeypatch, as_user, officer, legal_reviewer, hospital):
    monkeypatch.setattr(tabs, "_tabs", list(tabs._tabs))
    seen = []

    def build(request, entity):
        seen.append(entity.pk)
        return {"domains": [Domain(code="x", name="后来模块的内容")]}

    tabs.register_entity_tab(tabs.EntityTab("检查记录", "entities/tabs/info.html", build, order=45,
                                            roles=frozenset({"officer"}), key="later_module"))
    url = reverse("entities:detail", args=[hospital.pk])
    first = page(as_user(officer), url)
    assert "检查记录" in first and seen == []  # listed, but built only when opened
    assert "后来模块的内容" in page(as_user(officer), url, tab="later_module") and seen == [hospital.pk]
    assert "检查记录" not in page(as_user(legal_reviewer), url)


def test_it_answers_404_for_an_entity_that_does_not_exist(as_user, officer):
    assert as_user(officer).get(reverse("entities:detail", args=[999999])).status_code == 404


# ---- registering and editing ----------------------------------------------------------------------------------

def test_it_offers_the_bureaus_townships_and_sub_kinds_grouped_by_kind(as_user, officer, changsha, bureaus):
    township("371002001", "环翠楼街道")
    html = page(as_user(officer), reverse("entities:create"))
    assert "长沙街道" in html and "环翠楼街道" not in html
    assert '<optgroup label="医疗机构">' in html and '<optgroup label="公共场所">' in html
    assert 'type="checkbox" name="domains"' in html


def test_it_shows_the_rule_a_wrong_code_breaks_on_the_field_and_saves_nothing(as_user, officer):
    wrong = credit_code(21)[:2] + "A" + credit_code(21)[3:]
    response = as_user(officer).post(reverse("entities:create"), entity_form_data(credit_code=wrong))
    assert response.status_code == 200
    assert response.context["form"].errors == {"credit_code": ["第3至8位是登记管理机关的行政区划代码，应为6位数字。"]}
    assert not Entity.objects.exists()


def test_it_registers_an_entity_through_the_form(as_user, officer, kaiping, changsha):
    code = credit_code(21)
    response = as_user(officer).post(reverse("entities:create"), entity_form_data(
        credit_code=f"{code[:8]}-{code[8:]}".lower(), township=changsha.pk))
    entity = Entity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("entities:detail", args=[entity.pk])
    assert (entity.credit_code, entity.organisation, entity.township) == (code, kaiping, changsha)
    assert set(entity.domains.values_list("code", flat=True)) == {"medical_service", "infectious_disease"}
    assert AuditEvent.objects.for_object(entity).get().action == AuditAction.CREATE


def test_it_puts_each_form_problem_on_its_field(as_user, officer, hospital):
    client = as_user(officer)
    response = client.post(reverse("entities:create"), entity_form_data(
        credit_code=credit_code(11), kind="public_place", sub_kind="clinic", longitude="112.7",
        is_key_supervision="on"))
    errors = response.context["form"].errors
    assert errors["credit_code"] == ["本局已登记此统一社会信用代码的监管对象，请在列表中查找后修改，不要重复登记。"]
    assert errors["sub_kind"][0].startswith("“公共场所”下的细分类别只能是")
    assert errors["latitude"] == ["经度和纬度须同时填写，或都不填。"]
    assert errors["key_supervision_reason"] == ["列为重点监管的，请写明原因。"]
    response = client.post(reverse("entities:create"), entity_form_data(credit_code=""))
    assert response.context["form"].errors == {
        "no_credit_code_reason": ["没有统一社会信用代码的，请选择原因（如个体工商户尚未取得）。"]}
    assert Entity.objects.count() == 1


def test_it_edits_an_entity_and_falls_back_to_the_kinds_domains(as_user, officer, hospital, changsha):
    data = entity_form_data(name="开平市第一人民医院（新院区）", credit_code=credit_code(11), sub_kind="hospital",
                            township=changsha.pk, kind="medical", contact_phone="0750-2212345")
    response = as_user(officer).post(reverse("entities:edit", args=[hospital.pk]), data)
    assert response.status_code == 302
    hospital.refresh_from_db()
    assert hospital.name == "开平市第一人民医院（新院区）" and hospital.contact_phone == "0750-2212345"
    assert hospital.is_key_supervision is False
    assert set(hospital.domains.values_list("code", flat=True)) == {"medical_service", "infectious_disease"}
    event = AuditEvent.objects.for_object(hospital).order_by("seq").last()
    assert event.action == AuditAction.UPDATE and event.before["contact_phone"] == PHONE


def test_it_prefills_the_edit_form_with_the_entitys_domains(as_user, officer, hospital):
    form = as_user(officer).get(reverse("entities:edit", args=[hospital.pk])).context["form"]
    assert sorted(form["domains"].value()) == ["infectious_disease", "medical_service"]


@pytest.mark.parametrize("persona", ["legal_reviewer", "leader"])
def test_it_refuses_the_forms_to_those_who_do_not_keep_the_register(request, as_user, hospital, persona):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(reverse("entities:create")).status_code == 403
    assert client.get(reverse("entities:edit", args=[hospital.pk])).status_code == 403
    assert client.post(reverse("entities:edit", args=[hospital.pk]), entity_form_data()).status_code == 403


def test_it_refuses_other_methods(as_user, officer, hospital):
    client = as_user(officer)
    assert client.post(reverse("entities:detail", args=[hospital.pk])).status_code == 405
    assert client.put(reverse("entities:edit", args=[hospital.pk])).status_code == 405
    assert client.delete(reverse("entities:create")).status_code == 405


def test_it_sends_anonymous_visitors_to_sign_in(client, hospital):
    for url in (reverse("entities:list"), reverse("entities:detail", args=[hospital.pk]), reverse("entities:create")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


# ---- grade, status, licences ----------------------------------------------------------------------------------

def test_it_lets_the_section_head_change_the_grade(as_user, section_head, hospital):
    client = as_user(section_head)
    form = client.get(reverse("entities:grade", args=[hospital.pk])).context["form"]
    assert [c[0] for c in form.fields["grade"].choices] == ["A", "C", "D"]  # not the current B
    response = client.post(reverse("entities:grade", args=[hospital.pk]), {
        "grade": "D", "basis": CreditGradeBasis.PENALTY, "reason": "开卫罚〔2026〕5号", "effective_on": "2026-01-05"})
    assert response.status_code == 302 and response["Location"].endswith("?tab=credit")
    hospital.refresh_from_db()
    assert hospital.credit_grade == "D"


def test_it_refuses_a_grade_for_tomorrow_on_the_field(as_user, section_head, hospital):
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = as_user(section_head).post(reverse("entities:grade", args=[hospital.pk]), {
        "grade": "A", "basis": CreditGradeBasis.ANNUAL, "reason": "年度", "effective_on": tomorrow})
    assert response.context["form"].errors == {"effective_on": ["生效日期不能晚于今天。"]}


def test_it_refuses_grading_to_an_officer(as_user, officer, hospital):
    assert as_user(officer).get(reverse("entities:grade", args=[hospital.pk])).status_code == 403


def test_it_offers_only_the_legal_status_moves(as_user, officer, hospital):
    client = as_user(officer)
    url = reverse("entities:status", args=[hospital.pk])
    choices = client.get(url).context["form"].fields["target"].choices
    assert choices == [("suspended", "停业"), ("deregistered", "注销"), ("revoked", "吊销")]
    response = client.post(url, {"target": "operating", "reason": "x"})
    assert response.context["form"].errors == {"target": ["该状态变更不允许，请重新选择。"]}
    response = client.post(url, {"target": "suspended", "reason": ""})
    assert "请填写状态变更的原因" in response.context["form"].errors["reason"][0]
    assert client.post(url, {"target": "revoked", "reason": "开卫罚〔2026〕9号吊销"}).status_code == 302
    hospital.refresh_from_db()
    assert hospital.status == EntityStatus.REVOKED
    response = client.get(url, follow=True)
    assert "经营状态不能再变更" in response.content.decode()
    assert reverse("entities:status", args=[hospital.pk]) not in response.content.decode()


def test_it_adds_edits_and_deletes_a_licence_through_the_pages(as_user, officer, hospital):
    client = as_user(officer)
    response = client.post(reverse("entities:licence_create", args=[hospital.pk]), {
        "kind": LicenceKind.MEDICAL_PRACTICE, "number": "PDY44078311A1002", "issued_on": "2024-03-01",
        "valid_to": "2029-02-28", "issuer": "开平市卫生健康局"})
    assert response.status_code == 302 and response["Location"].endswith("?tab=licences")
    licence = Licence.objects.get()
    response = client.post(reverse("entities:licence_edit", args=[licence.pk]), {
        "kind": LicenceKind.MEDICAL_PRACTICE, "number": "PDY44078311A1002", "issued_on": "2024-03-01",
        "valid_to": "2023-02-28", "issuer": ""})
    assert response.context["form"].errors == {"valid_to": ["有效期至不能早于发证日期。"]}
    client.post(reverse("entities:licence_edit", args=[licence.pk]), {
        "kind": LicenceKind.MEDICAL_PRACTICE, "number": "PDY44078311A1002", "valid_to": "2030-02-28"})
    licence.refresh_from_db()
    assert licence.valid_to == dt.date(2030, 2, 28) and licence.issued_on is None
    response = client.post(reverse("entities:licence_delete", args=[licence.pk]), {"reason": ""})
    assert response.context["form"].errors == {"reason": ["请写明删除原因（如录入错误）。"]}
    assert client.post(reverse("entities:licence_delete", args=[licence.pk]), {"reason": "录入错误"}).status_code == 302
    assert not Licence.objects.exists()
    actions = AuditEvent.objects.filter(object_type="entities.licence").order_by("seq").values_list("action", flat=True)
    assert list(actions) == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]


def test_it_refuses_a_licence_number_the_bureau_already_holds_on_the_field(as_user, officer, hospital, barber):
    services.add_licence(hospital, actor=officer, kind=LicenceKind.PUBLIC_PLACE, number="粤卫公证字2024第001号")
    response = as_user(officer).post(reverse("entities:licence_create", args=[barber.pk]), {
        "kind": LicenceKind.PUBLIC_PLACE, "number": "粤卫公证字2024第001号"})
    assert response.context["form"].errors == {"number": ["本局已登记同一类别、同一编号的证照，请核对编号。"]}


def test_a_province_picks_townships_after_its_bureau(client, province_leader, kaiping, sanbu):
    client.force_login(province_leader)
    assert "三埠街道" not in client.get("/entities/").content.decode()
    assert "三埠街道" in client.get(f"/entities/?organisation={kaiping.pk}").content.decode()


def test_a_count_beyond_the_cap_says_so(client, officer, monkeypatch):
    for n in range(3):
        register(officer, name=f"开平市第{n}诊所", credit_code=credit_code(100 + n))
    monkeypatch.setattr(CappedCountPaginator, "cap", 2)
    client.force_login(officer)
    page = client.get("/entities/").content.decode()
    assert "共 2+ 条" in page
