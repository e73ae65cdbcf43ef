"""行政处罚决定公示 on the portal: only decisions within their display period, never a person's data."""
import datetime as dt

import pytest
from django.utils import timezone

from fazhi.cases import publication as services
from fazhi.cases.choices import PartyKind, PublicationStatus
from fazhi.cases.models import Publication
from fazhi.cases.tests.test_publication import PERSON_ID, PERSON_PHONE, decided_case, published
from fazhi.portal.views_decisions import DECISIONS_PER_PAGE

pytestmark = pytest.mark.django_db


def _page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def institute(bureaus):
    return bureaus["kaiping_institute"]


def test_it_lists_only_decisions_on_the_portal(client, institute, today):
    shown = published(decided_case(institute, party_name="在公示期宾馆"), published_on=today - dt.timedelta(days=10))
    published(decided_case(institute, party_name="已撤回宾馆"), published_on=today - dt.timedelta(days=10),
              status=PublicationStatus.WITHDRAWN, withdrawn_on=today, withdrawal_reason="复议撤销")
    published(decided_case(institute, party_name="已撤下宾馆"), published_on=today - dt.timedelta(days=2000),
              status=PublicationStatus.TAKEN_DOWN)
    # Past its five years though the daily take-down has not run yet.
    expired = published(decided_case(institute, party_name="期满未撤宾馆"), published_on=today - dt.timedelta(days=366 * 5))
    html = _page(client, "/portal/decisions/")
    assert "在公示期宾馆" in html and shown.decision_number in html
    for hidden in ("已撤回宾馆", "已撤下宾馆", "期满未撤宾馆"):
        assert hidden not in html, hidden
    assert "在公示期宾馆" in _page(client, f"/portal/decisions/{shown.pk}/")
    for pk in Publication.objects.exclude(pk=shown.pk).values_list("pk", flat=True):
        assert client.get(f"/portal/decisions/{pk}/").status_code == 404
    assert expired.status == PublicationStatus.PUBLISHED


def test_it_never_shows_a_persons_name_id_phone_or_address(client, institute, legal_reviewer):
    case = decided_case(institute, party_kind=PartyKind.PERSON,
                        facts=f"当事人张三明（公民身份号码{PERSON_ID}，联系电话{PERSON_PHONE}）在开平市三埠街道东河路8号"
                              "开设无证诊所。")
    publication = services.publish(case, actor=legal_reviewer)
    pages = (_page(client, "/portal/decisions/") + _page(client, f"/portal/decisions/{publication.pk}/")
             + _page(client, "/portal/decisions/", q="张*明"))
    assert "张*明" in pages and publication.decision_number in pages
    for private in ("张三明", PERSON_ID, PERSON_PHONE, "138****5678", "东河路8号"):
        assert private not in pages, private


def test_an_organisations_name_and_credit_code_are_shown(client, institute, legal_reviewer):
    case = decided_case(institute, party_name="开平市康宁诊所有限公司")
    publication = services.publish(case, actor=legal_reviewer)
    html = _page(client, f"/portal/decisions/{publication.pk}/")
    assert "开平市康宁诊所有限公司" in html and case.party_credit_code in html and "李四海" in html
    assert "开平市卫生健康局" in html


def test_it_searches_by_party_and_number_but_not_by_a_persons_full_name(client, institute, today):
    hotel = published(decided_case(institute, party_name="开平市悦来宾馆"), published_on=today)
    person = published(decided_case(institute, party_kind=PartyKind.PERSON), published_on=today)
    by_name = _page(client, "/portal/decisions/", q="悦来")
    assert hotel.decision_number in by_name and person.decision_number not in by_name
    by_number = _page(client, "/portal/decisions/", q=person.decision_number)
    assert person.decision_number in by_number and hotel.decision_number not in by_number
    assert person.decision_number not in _page(client, "/portal/decisions/", q="张三明")


def test_it_pages_the_list_in_bounded_queries(client, institute, today, django_assert_max_num_queries):
    for n in range(DECISIONS_PER_PAGE + 1):
        published(decided_case(institute, party_name=f"分页测试单位{n:02d}"), published_on=today)
    with django_assert_max_num_queries(3):
        first = _page(client, "/portal/decisions/")
    second = _page(client, "/portal/decisions/", page=2)
    assert first.count("分页测试单位") == DECISIONS_PER_PAGE and second.count("分页测试单位") == 1
    assert "第 2 / 2 页" in second


def test_the_portal_navigation_leads_to_the_decisions(client):
    assert 'href="/portal/decisions/"' in _page(client, "/portal/")


def test_it_answers_only_get(client, institute, today):
    shown = published(decided_case(institute), published_on=today)
    assert client.post("/portal/decisions/").status_code == 405
    assert client.post(f"/portal/decisions/{shown.pk}/").status_code == 405
