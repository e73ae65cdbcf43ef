"""Management pages: organisations, sections, staff, certificates and the home panels, as their users see them."""
import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fazhi.core import services
from fazhi.core.choices import AuditAction, CertificateStatus, OrganisationKind, Role, SectionKind
from fazhi.core.models import (
    AuditEvent, CertificateSuspension, EnforcementCertificate, Organisation, RoleAssignment, Section, User,
)
from fazhi.core.tests import factories as f

VALID_ID_CARD = "11010519491231002X"


def history_of(client, label, pk):
    return client.get(reverse("core:history", args=[label, pk]), HTTP_HX_REQUEST="true").content.decode()


# ---- organisations --------------------------------------------------------------------------------------

def test_it_lists_organisations_by_name_and_kind(as_user, admin):
    client = as_user(admin)
    page = client.get(reverse("core:organisation_list"), {"q": "监督所"}).content.decode()
    assert "开平市卫生监督所" in page and "开平市卫生健康局</a>" not in page
    page = client.get(reverse("core:organisation_list"), {"kind": OrganisationKind.BUREAU}).content.decode()
    assert "开平市卫生健康局" in page and "开平市卫生监督所" not in page


def test_it_shows_an_organisations_tabs_to_any_member_of_staff(as_user, officer, supervision_section, kaiping):
    client = as_user(officer)
    url = reverse("core:organisation_detail", args=[kaiping.pk])
    info = client.get(url).content.decode()
    assert "440783" in info and "基本信息" in info and "变更历史" in info
    institute = officer.organisation
    detail_url = reverse("core:organisation_detail", args=[institute.pk])
    assert "监督一科" in client.get(detail_url, {"tab": "sections"}).content.decode()
    assert "李执法" in client.get(detail_url, {"tab": "staff"}).content.decode()
    history_tab = client.get(url, {"tab": "history"}).content.decode()
    assert f'hx-get="{reverse("core:history", args=["core.organisation", kaiping.pk])}"' in history_tab
    assert "编辑</a>" not in info


def test_it_lets_the_admin_edit_the_organisation_and_shows_it_in_history(as_user, admin, kaiping):
    client = as_user(admin)
    response = client.post(reverse("core:organisation_edit", args=[kaiping.pk]), {
        "name": kaiping.name, "short_name": "开平卫健", "doc_prefix": "开卫", "address": "开平市长沙街道",
        "public_phone": "0750-2212345", "public_intro": "", "is_active": "on",
    })
    assert response.status_code == 302
    kaiping.refresh_from_db()
    assert kaiping.short_name == "开平卫健"
    event = AuditEvent.objects.for_object(kaiping).get()
    assert event.action == AuditAction.UPDATE and event.after["short_name"] == "开平卫健"
    assert event.before["short_name"] == "开平市卫健局"
    history = history_of(client, "core.organisation", kaiping.pk)
    assert "开平卫健" in history and "吴管理" in history


def test_it_forbids_organisation_edits_to_non_admins(as_user, officer, kaiping):
    client = as_user(officer)
    assert client.get(reverse("core:organisation_edit", args=[kaiping.pk])).status_code == 403
    assert client.post(reverse("core:organisation_edit", args=[kaiping.pk]), {"name": "改名"}).status_code == 403
    assert client.get(reverse("core:organisation_create")).status_code == 403
    kaiping.refresh_from_db()
    assert kaiping.name == "开平市卫生健康局"


def test_it_refuses_other_methods_on_organisation_pages(as_user, admin, kaiping):
    client = as_user(admin)
    assert client.put(reverse("core:organisation_edit", args=[kaiping.pk])).status_code == 405
    assert client.post(reverse("core:organisation_detail", args=[kaiping.pk])).status_code == 405


def test_it_creates_a_subordinate_organisation(as_user, admin, kaiping):
    client = as_user(admin)
    response = client.post(reverse("core:organisation_create"), {
        "name": "开平市卫生监督所第二分所", "short_name": "二分所", "kind": OrganisationKind.SUPERVISION_INSTITUTE,
        "parent": kaiping.pk, "region_code": "440783",
    })
    created = Organisation.objects.get(name="开平市卫生监督所第二分所")
    assert response.status_code == 302 and response["Location"].endswith(f"/organisations/{created.pk}/")
    assert created.bureau == kaiping and created.path.startswith(kaiping.path)
    assert AuditEvent.objects.for_object(created).filter(action=AuditAction.CREATE).exists()


def test_it_checks_the_region_of_a_new_organisation(as_user, admin, kaiping):
    client = as_user(admin)
    data = {"name": "新机构", "kind": OrganisationKind.SUPERVISION_INSTITUTE, "parent": kaiping.pk}
    unknown = client.post(reverse("core:organisation_create"), {**data, "region_code": "999999"})
    assert "没有找到该区划代码" in unknown.context["form"].errors["region_code"][0]
    elsewhere = client.post(reverse("core:organisation_create"), {**data, "region_code": "371002"})
    assert "区划须为开平市或其下级区划" in elsewhere.context["form"].errors["region_code"][0]
    assert not Organisation.objects.filter(name="新机构").exists()


def test_it_offers_only_writable_bureaus_as_parents(as_user, admin, kaiping):
    form = as_user(admin).get(reverse("core:organisation_create")).context["form"]
    assert list(form.fields["parent"].queryset) == [kaiping]


# ---- sections -------------------------------------------------------------------------------------------

def test_it_lists_and_filters_sections(as_user, officer, supervision_section, bureaus):
    f.section(bureaus["kaiping"], "法制科", SectionKind.LEGAL)
    client = as_user(officer)
    page = client.get(reverse("core:section_list"), {"kind": SectionKind.LEGAL}).content.decode()
    assert "法制科" in page and "监督一科" not in page
    page = client.get(reverse("core:section_list"), {"q": "监督"}).content.decode()
    assert "监督一科" in page and "编辑</a>" not in page


def test_it_lets_the_admin_create_and_edit_sections(as_user, admin, kaiping):
    client = as_user(admin)
    response = client.post(reverse("core:section_create"), {
        "organisation": kaiping.pk, "name": "医政科", "kind": SectionKind.MEDICAL, "sort_order": 3, "is_active": "on",
    })
    assert response.status_code == 302
    section = Section.objects.get(organisation=kaiping, name="医政科")
    response = client.post(reverse("core:section_edit", args=[section.pk]), {
        "name": "医政医管科", "kind": SectionKind.MEDICAL, "sort_order": 3, "is_active": "on",
    })
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.name == "医政医管科"
    assert list(AuditEvent.objects.for_object(section).values_list("action", flat=True)) == ["create", "update"]


def test_it_says_in_chinese_when_a_section_name_is_taken(as_user, admin, kaiping):
    f.section(kaiping, "办公室", SectionKind.OFFICE)
    response = as_user(admin).post(reverse("core:section_create"), {
        "organisation": kaiping.pk, "name": "办公室", "kind": SectionKind.OFFICE, "sort_order": 0,
    })
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["本机构已有同名科室，请换一个名称。"]
    assert Section.objects.filter(organisation=kaiping, name="办公室").count() == 1


def test_it_forbids_section_writes_to_non_admins(as_user, officer, supervision_section):
    client = as_user(officer)
    assert client.get(reverse("core:section_create")).status_code == 403
    assert client.post(reverse("core:section_edit", args=[supervision_section.pk]), {"name": "x"}).status_code == 403


# ---- staff ----------------------------------------------------------------------------------------------

def test_it_masks_phone_and_id_card_in_the_staff_list(as_user, officer, kaiping):
    f.staff(kaiping, Role.OFFICER, full_name="钱手机", phone="13812345678", id_card_number=VALID_ID_CARD)
    page = as_user(officer).get(reverse("core:staff_list")).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert "1101**********002X" in page and VALID_ID_CARD not in page
    assert "执法人员" in page


def test_it_filters_staff_by_role_section_activity_and_name(as_user, admin, officer, leader, supervision_section):
    f.staff(officer.organisation, Role.OFFICER, full_name="郑停用", is_active=False)
    client = as_user(admin)
    url = reverse("core:staff_list")
    by_role = client.get(url, {"role": Role.LEADER}).content.decode()
    assert "赵局长" in by_role and "李执法" not in by_role
    by_section = client.get(url, {"section": supervision_section.pk}).content.decode()
    assert "李执法" in by_section and "赵局长" not in by_section
    inactive = client.get(url, {"is_active": "0"}).content.decode()
    assert "郑停用" in inactive and "李执法" not in inactive
    by_name = client.get(url, {"q": "officer"}).content.decode()
    assert "李执法" in by_name and "赵局长" not in by_name
    by_org = client.get(url, {"organisation": leader.organisation_id}).content.decode()
    assert "赵局长" in by_org and "李执法" not in by_org


def test_it_sorts_and_paginates_the_staff_list(as_user, admin, kaiping):
    for n in range(12):
        f.staff(kaiping, Role.OFFICER, full_name=f"排序{n:02d}")
    client = as_user(admin)
    first = client.get(reverse("core:staff_list"), {"sort": "-full_name", "per_page": 5}).content.decode()
    assert "排序11" in first and "排序00" not in first and "第 1 / 3 页" in first


def test_it_lists_staff_in_a_bounded_number_of_queries(as_user, admin, kaiping, supervision_section, django_assert_max_num_queries):
    people = User.objects.bulk_create(
        User(username=f"bulk{n}", full_name=f"批量{n}", organisation=supervision_section.organisation,
             section=supervision_section, phone="13812345678")
        for n in range(30)
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=p, role=r) for p in User.objects.filter(username__startswith="bulk")
        for r in (Role.OFFICER, Role.SECTION_HEAD)
    )
    assert len(people) == 30
    client = as_user(admin)
    counts = []
    for size in (5, 30):
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("core:staff_list"), {"per_page": size})
        assert response.status_code == 200 and len(response.context["table"].page.object_list) == size
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_it_shows_masked_identifiers_on_staff_detail_and_full_ones_on_the_admin_form(as_user, admin, kaiping):
    person = f.staff(kaiping, Role.OFFICER, full_name="钱手机", phone="13812345678", id_card_number=VALID_ID_CARD)
    client = as_user(admin)
    detail = client.get(reverse("core:staff_detail", args=[person.pk])).content.decode()
    assert "138****5678" in detail and "13812345678" not in detail and VALID_ID_CARD not in detail
    form = client.get(reverse("core:staff_edit", args=[person.pk])).content.decode()
    assert "13812345678" in form and VALID_ID_CARD in form


def test_it_lists_a_persons_certificates_on_their_page(as_user, clerk, officer):
    page = as_user(clerk).get(reverse("core:staff_detail", args=[officer.pk]), {"tab": "certificates"}).content.decode()
    assert officer.certificates.get().number in page and "公共场所" in page


def test_it_creates_staff_and_shows_the_initial_password_once(as_user, admin, kaiping):
    client = as_user(admin)
    response = client.post(reverse("core:staff_create"), {
        "username": "newbie", "organisation": kaiping.pk, "full_name": "新同事", "phone": "13900001111",
        "roles": [Role.OFFICER, Role.LEGAL_REVIEWER],
    })
    person = User.objects.get(username="newbie")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:staff_initial_password", args=[person.pk])
    shown = client.get(response["Location"])
    password = shown.context["password"]
    assert password and password in shown.content.decode()
    assert person.must_change_password and person.check_password(password)
    assert person.roles == {Role.OFFICER, Role.LEGAL_REVIEWER}
    again = client.get(response["Location"]).content.decode()
    assert password not in again and "只显示一次" in again
    assert not any(password in str(e.after) + str(e.detail) for e in AuditEvent.objects.all())


def test_it_sends_a_new_person_to_change_the_initial_password(as_user, admin, kaiping, client):
    as_user(admin).post(reverse("core:staff_create"), {
        "username": "newbie", "organisation": kaiping.pk, "full_name": "新同事", "roles": [Role.OFFICER],
    })
    client.force_login(User.objects.get(username="newbie"))
    assert client.get(reverse("core:staff_list"))["Location"] == reverse("password_change")


def test_it_puts_bad_id_card_and_phone_errors_on_their_fields_in_chinese(as_user, admin, kaiping):
    response = as_user(admin).post(reverse("core:staff_create"), {
        "username": "bad", "organisation": kaiping.pk, "full_name": "错号码",
        "id_card_number": "110105194912310021", "phone": "12345",
    })
    errors = response.context["form"].errors
    assert errors["id_card_number"] == ["居民身份证号校验位不正确，请逐位核对。"]
    assert "请填写11位手机号码" in errors["phone"][0]
    assert "居民身份证号校验位不正确" in response.content.decode()
    assert not User.objects.filter(username="bad").exists()


def test_it_keeps_a_new_persons_section_within_their_organisation(as_user, admin, kaiping, supervision_section):
    response = as_user(admin).post(reverse("core:staff_create"), {
        "username": "mixed", "organisation": kaiping.pk, "full_name": "错科室", "section": supervision_section.pk,
    })
    assert "所在科室须属于所选机构" in response.context["form"].errors["section"][0]
    assert not User.objects.filter(username="mixed").exists()


def test_it_edits_roles_and_offers_only_the_persons_own_sections(as_user, admin, officer, bureaus):
    other = f.section(bureaus["kaiping"], "法制科", SectionKind.LEGAL)
    client = as_user(admin)
    url = reverse("core:staff_edit", args=[officer.pk])
    assert other not in client.get(url).context["form"].fields["section"].queryset
    data = {"full_name": "李执法", "section": officer.section_id, "roles": [Role.OFFICER, Role.SECTION_HEAD]}
    assert client.post(url, data).status_code == 302
    assert User.objects.get(pk=officer.pk).roles == {Role.OFFICER, Role.SECTION_HEAD}
    refused = client.post(url, {**data, "section": other.pk})
    assert "section" in refused.context["form"].errors
    event = AuditEvent.objects.for_object(officer).get()
    assert (event.before, event.after) == ({"roles": [Role.OFFICER]}, {"roles": [Role.OFFICER, Role.SECTION_HEAD]})


def test_it_deactivates_and_activates_staff_by_post_only(as_user, admin, officer):
    client = as_user(admin)
    deactivate = reverse("core:staff_deactivate", args=[officer.pk])
    assert client.get(deactivate).status_code == 405
    assert client.post(deactivate).status_code == 302
    assert not User.objects.get(pk=officer.pk).is_active
    assert client.post(reverse("core:staff_activate", args=[officer.pk])).status_code == 302
    assert User.objects.get(pk=officer.pk).is_active
    assert AuditEvent.objects.for_object(officer).filter(action=AuditAction.UPDATE).count() == 2


def test_it_does_not_let_an_admin_deactivate_themselves(as_user, admin):
    response = as_user(admin).post(reverse("core:staff_deactivate", args=[admin.pk]), follow=True)
    assert "不能停用自己的账号" in response.content.decode()
    assert User.objects.get(pk=admin.pk).is_active


def test_it_resets_a_password_by_post_and_shows_it_once(as_user, admin, officer):
    client = as_user(admin)
    url = reverse("core:staff_reset_password", args=[officer.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    password = response.context["password"]
    person = User.objects.get(pk=officer.pk)
    assert person.check_password(password) and person.must_change_password
    assert AuditEvent.objects.for_object(officer).filter(action=AuditAction.PASSWORD_CHANGE).exists()


def test_it_forbids_staff_writes_to_non_admins(as_user, leader, officer):
    client = as_user(leader)
    assert client.get(reverse("core:staff_create")).status_code == 403
    assert client.get(reverse("core:staff_edit", args=[officer.pk])).status_code == 403
    assert client.post(reverse("core:staff_reset_password", args=[officer.pk])).status_code == 403
    assert client.post(reverse("core:staff_deactivate", args=[officer.pk])).status_code == 403
    assert User.objects.get(pk=officer.pk).is_active


# ---- certificates ---------------------------------------------------------------------------------------

def test_it_filters_certificates(as_user, officer, section_head):
    today = timezone.localdate()
    soon = f.certificate(section_head, "medical_service", number="44SOON", valid_to=today + dt.timedelta(days=10))
    client = as_user(officer)
    url = reverse("core:certificate_list")
    expiring = client.get(url, {"expiring": "1"}).content.decode()
    assert soon.number in expiring and officer.certificates.get().number not in expiring
    by_name = client.get(url, {"q": "王科长"}).content.decode()
    assert "44SOON" in by_name and officer.certificates.get().number not in by_name
    by_domain = client.get(url, {"domain": "public_place"}).content.decode()
    assert "44SOON" not in by_domain and officer.certificates.get().number in by_domain
    assert "44SOON" not in client.get(url, {"status": CertificateStatus.SUSPENDED}).content.decode()


def test_it_issues_a_certificate(as_user, admin, section_head):
    client = as_user(admin)
    assert client.get(reverse("core:certificate_issue"), {"holder": section_head.pk}).status_code == 200
    response = client.post(reverse("core:certificate_issue"), {
        "holder": section_head.pk, "number": "44070012345", "issuer": "广东省人民政府",
        "domains": ["public_place", "school"], "valid_from": "2025-01-01", "valid_to": "2029-12-31",
    })
    certificate = EnforcementCertificate.objects.get(number="44070012345")
    assert response.status_code == 302 and certificate.holder == section_head
    assert set(certificate.domains.values_list("code", flat=True)) == {"public_place", "school"}


def test_it_puts_certificate_date_errors_on_the_field(as_user, admin, section_head):
    response = as_user(admin).post(reverse("core:certificate_issue"), {
        "holder": section_head.pk, "number": "44BAD", "issuer": "广东省人民政府",
        "domains": ["school"], "valid_from": "2025-01-01", "valid_to": "2024-12-31",
    })
    assert "有效期至不能早于有效期起" in response.context["form"].errors["valid_to"][0]
    assert not EnforcementCertificate.objects.filter(number="44BAD").exists()


def test_it_edits_a_certificate(as_user, admin, officer):
    certificate = officer.certificates.get()
    response = as_user(admin).post(reverse("core:certificate_edit", args=[certificate.pk]), {
        "number": certificate.number, "issuer": "江门市人民政府", "domains": ["radiation"],
        "valid_from": "2025-01-01", "valid_to": "2030-01-01",
    })
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.issuer == "江门市人民政府" and certificate.domain_labels == "放射卫生"


def test_it_suspends_and_reinstates_a_certificate_and_shows_the_record(as_user, admin, officer):
    certificate = officer.certificates.get()
    client = as_user(admin)
    suspend = reverse("core:certificate_change_status", args=[certificate.pk, "suspend"])
    assert client.get(suspend).status_code == 405
    client.post(suspend, {"on_date": "2026-03-01", "reason": "涉嫌违规执法，接受调查"})
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUSPENDED
    detail = client.get(reverse("core:certificate_detail", args=[certificate.pk])).content.decode()
    assert "涉嫌违规执法，接受调查" in detail and "2026-03-01" in detail and "恢复" in detail
    client.post(reverse("core:certificate_change_status", args=[certificate.pk, "reinstate"]), {"on_date": "2026-04-01"})
    assert CertificateSuspension.objects.get(certificate=certificate).end == dt.date(2026, 4, 1)
    assert "状态变更" in history_of(client, "core.enforcementcertificate", certificate.pk)


def test_it_shows_why_a_certificate_move_was_refused(as_user, admin, officer):
    certificate = officer.certificates.get()
    client = as_user(admin)
    no_reason = client.post(reverse("core:certificate_change_status", args=[certificate.pk, "revoke"]),
                            {"on_date": "2026-03-01"}, follow=True)
    assert "未能吊销：请填写原因。" in no_reason.content.decode()
    wrong_state = client.post(reverse("core:certificate_change_status", args=[certificate.pk, "reinstate"]),
                              {"on_date": "2026-03-01"}, follow=True)
    assert "当前状态为“有效”，不能执行“恢复”" in wrong_state.content.decode()
    no_date = client.post(reverse("core:certificate_change_status", args=[certificate.pk, "suspend"]),
                          {"reason": "调查"}, follow=True)
    assert "请填写生效日期" in no_date.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_it_refuses_unknown_moves_and_non_admins(as_user, admin, officer):
    certificate = officer.certificates.get()
    assert as_user(admin).post(reverse("core:certificate_change_status", args=[certificate.pk, "burn"]),
                               {"on_date": "2026-03-01", "reason": "x"}).status_code == 404
    client = as_user(officer)
    assert client.post(reverse("core:certificate_change_status", args=[certificate.pk, "suspend"]),
                       {"on_date": "2026-03-01", "reason": "x"}).status_code == 403
    assert client.get(reverse("core:certificate_edit", args=[certificate.pk])).status_code == 403
    assert client.get(reverse("core:certificate_issue")).status_code == 403
    detail = client.get(reverse("core:certificate_detail", args=[certificate.pk])).content.decode()
    assert "确认暂扣" not in detail and certificate.number in detail


# ---- navigation and home panels -------------------------------------------------------------------------

def test_it_shows_management_links_to_admins_and_read_only_lists_to_everyone(as_user, admin, officer):
    officer_nav = as_user(officer).get(reverse("core:home")).context["nav_groups"]
    labels = {item["label"] for group in officer_nav for item in group["items"]}
    assert {"人员", "执法证"} <= labels and not labels & {"机构", "科室", "节假日安排"}
    admin_nav = as_user(admin).get(reverse("core:home")).context["nav_groups"]
    assert {"机构", "科室", "人员", "执法证"} <= {item["label"] for g in admin_nav for item in g["items"]}


def test_it_shows_an_officer_their_certificates_and_an_honest_today_panel(as_user, officer):
    page = as_user(officer).get(reverse("core:home")).content.decode()
    assert "我的执法证" in page and officer.certificates.get().number in page and "天到期" in page
    assert "今日工作" in page and "模块启用后" in page
    assert "待办" not in page


def test_it_shows_the_admin_what_to_follow_up(as_user, admin, officer, kaiping):
    f.staff(kaiping, Role.LICENSING_CLERK, full_name="待改密", must_change_password=True)
    f.certificate(officer, "school", number="44EXPIRING", valid_to=timezone.localdate() + dt.timedelta(days=5))
    page = as_user(admin).get(reverse("core:home")).content.decode()
    assert "待办" in page and "待改密" in page and "44EXPIRING" in page
    assert officer.certificates.exclude(number="44EXPIRING").get().number not in page


def test_it_shows_leaders_the_certification_rate(as_user, leader, officer, section_head):
    panel_page = as_user(leader).get(reverse("core:home")).content.decode()
    # Two officers (李执法 certified, 王科长 not): 50.0%.
    assert "持证率" in panel_page and "50.0%" in panel_page


# ---- every page: who may open it, and with which method -------------------------------------------------

def page_urls(officer, kaiping, supervision_section):
    certificate = officer.certificates.get()
    return {
        "read": [
            reverse("core:organisation_list"), reverse("core:organisation_detail", args=[kaiping.pk]),
            reverse("core:section_list"), reverse("core:staff_list"), reverse("core:staff_detail", args=[officer.pk]),
            reverse("core:certificate_list"), reverse("core:certificate_detail", args=[certificate.pk]),
        ],
        "form": [
            reverse("core:organisation_create"), reverse("core:organisation_edit", args=[kaiping.pk]),
            reverse("core:section_create"), reverse("core:section_edit", args=[supervision_section.pk]),
            reverse("core:staff_create"), reverse("core:staff_edit", args=[officer.pk]),
            reverse("core:certificate_issue"), reverse("core:certificate_edit", args=[certificate.pk]),
        ],
        "action": [
            reverse("core:staff_deactivate", args=[officer.pk]), reverse("core:staff_activate", args=[officer.pk]),
            reverse("core:staff_reset_password", args=[officer.pk]),
            reverse("core:certificate_change_status", args=[certificate.pk, "suspend"]),
        ],
    }


def test_it_opens_every_page_with_the_right_method_for_its_users(as_user, admin, clerk, officer, kaiping,
                                                                 supervision_section):
    urls = page_urls(officer, kaiping, supervision_section)
    client = as_user(clerk)
    for url in urls["read"]:
        assert client.get(url).status_code == 200, url
        assert client.post(url).status_code == 405, url
    for url in urls["form"] + urls["action"]:
        assert client.post(url).status_code == 403, url
    client = as_user(admin)
    for url in urls["form"]:
        assert client.get(url).status_code == 200, url
        assert client.delete(url).status_code == 405, url
    for url in urls["action"]:
        assert client.get(url).status_code == 405, url


def test_it_sends_anonymous_visitors_of_every_page_to_sign_in(client, officer, kaiping, supervision_section):
    urls = page_urls(officer, kaiping, supervision_section)
    for url in urls["read"] + urls["form"]:
        assert client.get(url)["Location"].startswith(reverse("login")), url
    for url in urls["action"]:
        assert client.post(url)["Location"].startswith(reverse("login")), url


def test_it_shows_a_sections_history_on_its_edit_page(client, admin, supervision_section):
    services.update_section(supervision_section, actor=admin, sort_order=3)
    client.force_login(admin)
    page = client.get(reverse("core:section_edit", args=[supervision_section.pk])).content.decode()
    assert "变更历史" in page and reverse("core:history", args=["core.section", supervision_section.pk]) in page
    history = client.get(reverse("core:history", args=["core.section", supervision_section.pk])).content.decode()
    assert "修改" in history and "排序" in history


def test_a_list_answers_htmx_with_its_results_and_the_back_button_with_the_whole_page(as_user, admin):
    client, url = as_user(admin), reverse("core:organisation_list")
    part = client.get(url, HTTP_HX_REQUEST="true")
    restored = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" not in part.content.decode() and "<html" in restored.content.decode()
    assert "HX-Request" in part["Vary"] and "HX-Request" in restored["Vary"]
