"""The portal's index of bureaus and a bureau's public page: open to anyone, public fields only."""
from fazhi.core.choices import SectionKind
from fazhi.core.models import Organisation
from fazhi.core.tests import factories as f


def test_it_lists_active_city_and_county_bureaus_to_anyone(client, bureaus):
    response = client.get("/portal/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("开平市卫生健康局", "江门市卫生健康局", "威海市环翠区卫生健康局"):
        assert name in html
    assert f'/portal/bureaus/{bureaus["kaiping"].pk}/' in html
    assert "广东省卫生健康委员会" not in html and "开平市卫生监督所" not in html


def test_it_hides_an_inactive_bureau(client, bureaus):
    Organisation.objects.filter(pk=bureaus["huancui"].pk).update(is_active=False)
    assert "环翠区" not in client.get("/portal/").content.decode()
    assert client.get(f'/portal/bureaus/{bureaus["huancui"].pk}/').status_code == 404


def test_it_searches_bureaus_by_name(client, bureaus):
    html = client.get("/portal/", {"q": "开平"}).content.decode()
    assert "开平市卫生健康局" in html and "江门市卫生健康局" not in html


def test_it_shows_a_bureaus_public_details_and_sections(client, bureaus, supervision_section):
    Organisation.objects.filter(pk=bureaus["kaiping"].pk).update(
        address="开平市长沙街道示例路1号", public_phone="0750-2220000", public_intro="负责全市卫生健康行政执法。"
    )
    f.section(bureaus["kaiping"], "法制科", SectionKind.LEGAL)
    response = client.get(f'/portal/bureaus/{bureaus["kaiping"].pk}/')
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("开平市卫生健康局", "开平市长沙街道示例路1号", "0750-2220000", "负责全市卫生健康行政执法。",
                 "法制科", "开平市卫生监督所", "监督一科"):
        assert text in html, text


def test_it_does_not_publish_a_province_or_an_institute_as_a_bureau_page(client, bureaus):
    for key in ("guangdong", "kaiping_institute"):
        assert client.get(f"/portal/bureaus/{bureaus[key].pk}/").status_code == 404
    assert client.get("/portal/bureaus/99999999999999999999/").status_code == 404


def test_it_shows_no_staff_navigation_even_to_signed_in_staff(client, admin):
    client.force_login(admin)
    html = client.get("/portal/").content.decode()
    assert "主导航" not in html and "退出" not in html and admin.full_name not in html
