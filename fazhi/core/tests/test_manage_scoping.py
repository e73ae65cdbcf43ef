"""Management pages across the scoping line: another county sees nothing of 开平; the city sees but cannot change."""
import pytest
from django.urls import reverse

from fazhi.core.choices import CertificateStatus, Role
from fazhi.core.models import AuditEvent, Organisation, User


@pytest.fixture
def kaiping_records(kaiping, officer, supervision_section):
    certificate = officer.certificates.get()
    return {
        "organisation": kaiping,
        "section": supervision_section,
        "person": officer,
        "certificate": certificate,
    }


def detail_and_edit_urls(records):
    return [
        reverse("core:organisation_detail", args=[records["organisation"].pk]),
        reverse("core:organisation_edit", args=[records["organisation"].pk]),
        reverse("core:section_edit", args=[records["section"].pk]),
        reverse("core:staff_detail", args=[records["person"].pk]),
        reverse("core:staff_edit", args=[records["person"].pk]),
        reverse("core:certificate_detail", args=[records["certificate"].pk]),
        reverse("core:certificate_edit", args=[records["certificate"].pk]),
        reverse("core:history", args=["core.user", records["person"].pk]),
    ]


def test_it_answers_404_to_another_countys_admin_on_detail_and_edit_pages(client, outsider, kaiping_records):
    client.force_login(outsider)
    for url in detail_and_edit_urls(kaiping_records):
        assert client.get(url).status_code == 404, url


def test_it_refuses_another_countys_admin_every_write(client, outsider, kaiping_records):
    client.force_login(outsider)
    person, certificate = kaiping_records["person"], kaiping_records["certificate"]
    writes = [
        (reverse("core:organisation_edit", args=[kaiping_records["organisation"].pk]), {"name": "被改名"}),
        (reverse("core:section_edit", args=[kaiping_records["section"].pk]), {"name": "被改名", "kind": "other"}),
        (reverse("core:staff_edit", args=[person.pk]), {"full_name": "被改名"}),
        (reverse("core:staff_deactivate", args=[person.pk]), {}),
        (reverse("core:staff_reset_password", args=[person.pk]), {}),
        (reverse("core:certificate_edit", args=[certificate.pk]), {"number": "X"}),
        (reverse("core:certificate_change_status", args=[certificate.pk, "revoke"]),
         {"on_date": "2026-03-01", "reason": "越权"}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code in (403, 404), url
    person.refresh_from_db()
    certificate.refresh_from_db()
    assert person.full_name == "李执法" and person.is_active and person.check_password("Fazhi#2026test")
    assert certificate.status == CertificateStatus.VALID
    assert Organisation.objects.get(pk=kaiping_records["organisation"].pk).name == "开平市卫生健康局"
    assert not AuditEvent.objects.filter(actor=outsider).exclude(action="login").exists()


def test_it_shows_another_countys_admin_none_of_kaiping_in_lists(client, outsider, kaiping_records):
    client.force_login(outsider)
    pages = {
        name: client.get(reverse(name)).content.decode()
        for name in ("core:organisation_list", "core:section_list", "core:staff_list", "core:certificate_list")
    }
    assert "环翠区" in pages["core:organisation_list"]
    for name, page in pages.items():
        assert "开平" not in page and "李执法" not in page and "监督一科" not in page, name
    assert kaiping_records["certificate"].number not in pages["core:certificate_list"]


def test_it_ignores_another_countys_organisation_in_list_filters(client, outsider, kaiping_records):
    client.force_login(outsider)
    response = client.get(reverse("core:staff_list"), {"organisation": kaiping_records["organisation"].pk})
    assert "李执法" not in response.content.decode()
    assert "organisation" in response.context["filter"].errors


def test_it_does_not_let_another_countys_admin_create_staff_in_kaiping(client, outsider, kaiping_records):
    client.force_login(outsider)
    response = client.post(reverse("core:staff_create"), {
        "username": "intruder", "organisation": kaiping_records["organisation"].pk, "full_name": "越权",
    })
    assert "organisation" in response.context["form"].errors
    assert not User.objects.filter(username="intruder").exists()


def test_it_shows_county_staff_to_the_city_admin(client, city_admin, kaiping_records):
    client.force_login(city_admin)
    assert "李执法" in client.get(reverse("core:staff_list")).content.decode()
    assert "开平市卫生健康局" in client.get(reverse("core:organisation_list")).content.decode()
    detail = client.get(reverse("core:staff_detail", args=[kaiping_records["person"].pk]))
    assert detail.status_code == 200 and "重置密码" not in detail.content.decode()


def test_it_answers_403_when_the_city_admin_edits_county_records(client, city_admin, kaiping_records):
    client.force_login(city_admin)
    person, certificate = kaiping_records["person"], kaiping_records["certificate"]
    assert client.get(reverse("core:staff_edit", args=[person.pk])).status_code == 403
    assert client.post(reverse("core:staff_edit", args=[person.pk]), {"full_name": "市里改"}).status_code == 403
    assert client.post(reverse("core:staff_reset_password", args=[person.pk])).status_code == 403
    assert client.get(reverse("core:organisation_edit", args=[kaiping_records["organisation"].pk])).status_code == 403
    assert client.get(reverse("core:section_edit", args=[kaiping_records["section"].pk])).status_code == 403
    assert client.post(reverse("core:certificate_change_status", args=[certificate.pk, "suspend"]),
                       {"on_date": "2026-03-01", "reason": "市级"}).status_code == 403
    person.refresh_from_db()
    assert person.full_name == "李执法"


def test_it_offers_the_city_admin_only_their_own_bureau_for_new_records(client, city_admin, kaiping_records):
    client.force_login(city_admin)
    form = client.get(reverse("core:staff_create")).context["form"]
    assert set(form.fields["organisation"].queryset.values_list("name", flat=True)) == {"江门市卫生健康局"}
    sections = client.get(reverse("core:section_list")).content.decode()
    assert "监督一科" in sections and "编辑</a>" not in sections


def test_it_counts_only_visible_bureaus_for_a_leader(client, province_leader, kaiping_records, outsider):
    province_leader.role_assignments.create(role=Role.CHIEF)
    client.force_login(province_leader)
    page = client.get(reverse("core:home")).content.decode()
    assert "开平市卫健局" in page and "江门市卫健局" in page and "环翠区" not in page
