"""The review pages: allowed, forbidden, out of scope, wrong method; filters; the review sheet from draft to signed."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fazhi.cases.models import Case, CaseOfficer
from fazhi.cases.tests import factories_documents as fd
from fazhi.reviews import manual, sampling
from fazhi.reviews.choices import ManualReviewStatus, SamplingMethod
from fazhi.reviews.models import AutomaticReview, ManualReview, RubricItem

from . import factories as fr

pytestmark = pytest.mark.django_db


@pytest.fixture
def defective(good_case, team):
    """The correct file with one veto (a team of one) and one scored defect (no address), reviewed."""
    CaseOfficer.objects.filter(case=good_case, officer=team[1]).delete()
    Case.objects.filter(pk=good_case.pk).update(party_address="")
    fr.review_now(good_case)
    return good_case


def page(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def test_the_findings_list_filters_by_item_officer_and_section(client, officer, defective, team, supervision_section):
    response = page(client, officer, "reviews:findings")
    text = response.content.decode()
    assert response.status_code == 200 and "V03 执法人员少于二人" in text and "F02" in text
    only_veto = page(client, officer, "reviews:findings", item=RubricItem.objects.get(code="V03").pk).content.decode()
    assert "共 1 条" in only_veto and "本案承办人员1人" in only_veto
    assert "共 2 条" in page(client, officer, "reviews:findings", officer=team[0].pk).content.decode()
    assert "共 0 条" in page(client, officer, "reviews:findings", officer=team[1].pk).content.decode()
    assert "共 2 条" in page(client, officer, "reviews:findings", section=supervision_section.pk).content.decode()
    assert "共 2 条" in page(client, officer, "reviews:findings", officer_name=team[0].full_name).content.decode()


def test_the_lists_show_nothing_of_another_county(client, outsider, defective):
    assert "共 0 条" in page(client, outsider, "reviews:findings").content.decode()
    assert "共 0 条" in page(client, outsider, "reviews:automatic_list").content.decode()


def test_the_lists_are_for_case_staff(client, clerk, defective):
    assert page(client, clerk, "reviews:findings").status_code == 403
    assert page(client, clerk, "reviews:results").status_code == 403
    client.logout()
    assert client.get(reverse("reviews:findings")).status_code == 302


def test_the_automatic_list_filters_as_the_dashboard_links(client, leader, defective, bureaus):
    params = {"org": f"{bureaus['kaiping'].pk}", "vetoed": "1", "received_from": "2025-01-01",
              "received_to": "2025-12-31"}
    assert "共 1 条" in page(client, leader, "reviews:automatic_list", **params).content.decode()
    params["received_from"] = "2025-03-04"
    assert "共 0 条" in page(client, leader, "reviews:automatic_list", **params).content.decode()


def test_the_findings_list_reads_a_page_in_a_fixed_number_of_queries(client, officer, defective, bureaus):
    client.force_login(officer)
    client.get(reverse("reviews:findings"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("reviews:findings"))
    officers = fd.team(bureaus["kaiping_institute"], "甲", "乙")
    head, legal, leader = fd.team(bureaus["kaiping_institute"], "丙", "丁", "戊")
    for _ in range(3):
        fr.review_now(fd.archived_case(bureaus["kaiping_institute"], officers, head, legal, leader))
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("reviews:findings"))
    assert len(more) == len(one)


def test_a_cases_review_page_and_its_refresh(client, officer, good_case, outsider):
    response = page(client, officer, "reviews:case", good_case.pk)
    assert response.status_code == 200 and "尚未自动评查" in response.content.decode()
    assert client.get(reverse("reviews:case_refresh", args=[good_case.pk])).status_code == 405
    response = client.post(reverse("reviews:case_refresh", args=[good_case.pk]), follow=True)
    assert "已重新自动评查：得分100.00" in response.content.decode()
    assert "自动评查未发现问题" in response.content.decode()
    assert AutomaticReview.objects.filter(case=good_case).exists()
    assert page(client, outsider, "reviews:case", good_case.pk).status_code == 404
    assert client.post(reverse("reviews:case_refresh", args=[good_case.pk])).status_code == 404


def test_a_batch_is_drawn_on_its_page(client, legal_reviewer, officer, good_case):
    assert page(client, officer, "reviews:batches").status_code == 403
    assert page(client, officer, "reviews:batch_create").status_code == 403
    client.force_login(legal_reviewer)
    form = {"name": "2025年度案卷评查", "year": "2025", "method": "random", "sample_size": "1", "seed": "abc"}
    response = client.post(reverse("reviews:batch_create"), form)
    batch = ManualReview.objects.get().batch
    assert response.status_code == 302 and response["Location"] == reverse("reviews:batch", args=[batch.pk])
    detail = page(client, legal_reviewer, "reviews:batch", batch.pk, verify="1").content.decode()
    assert "abc" in detail and "完全一致" in detail and batch.candidate_hash in detail
    assert "共1件，已签署0件" in detail
    missing = client.post(reverse("reviews:batch_create"), {**form, "sample_size": ""})
    assert "随机抽取须填写抽取数量" in missing.content.decode()


@pytest.fixture
def sheet(legal_reviewer, defective):
    batch = sampling.create_batch(actor=legal_reviewer, name="评查", year=2025, method=SamplingMethod.FILTER,
                                  criteria={})
    return batch.reviews.get()


def _form(response) -> dict:
    """The sheet's fields as the page filled them in."""
    form = response.context["form"]
    data = {"comments": "案卷基本规范。"}
    for name, field in form.fields.items():
        value = form[name].value()
        if name.startswith("veto_"):
            if value:
                data[name] = "on"
        elif name != "comments":
            data[name] = "" if value is None else str(value)
    return data


def test_the_sheet_is_filled_from_the_automatic_findings_then_signed(client, legal_reviewer, sheet, officer):
    response = page(client, legal_reviewer, "reviews:manual", sheet.pk)
    text = response.content.decode()
    assert "本案承办人员1人，少于2人" in text and "仅人工评查" in text
    data = _form(response)
    veto = RubricItem.objects.get(code="V03").pk
    assert data[f"veto_{veto}"] == "on" and data[f"note_{veto}"].startswith("（自动评查）")
    assert data[f"deduct_{RubricItem.objects.get(code='F02').pk}"] == "4.00"
    saved = client.post(reverse("reviews:manual", args=[sheet.pk]), {**data, "save": "1"})
    assert saved.status_code == 302
    assert page(client, officer, "reviews:manual", sheet.pk).status_code == 403  # a draft, to an officer
    client.force_login(legal_reviewer)
    signed = client.post(reverse("reviews:manual", args=[sheet.pk]), {**data, "sign": "1"}, follow=True)
    assert "评查表已签署。" in signed.content.decode() and "触及否决项" in signed.content.decode()
    sheet.refresh_from_db()
    assert (sheet.status, sheet.grade, sheet.vetoed) == (ManualReviewStatus.SIGNED, "fail", True)
    locked = page(client, legal_reviewer, "reviews:manual", sheet.pk).content.decode()
    assert "保存并签署" not in locked
    assert page(client, officer, "reviews:manual", sheet.pk).status_code == 200


def test_the_sheet_shows_a_missing_reason_on_its_item(client, legal_reviewer, sheet):
    data = _form(page(client, legal_reviewer, "reviews:manual", sheet.pk))
    data[f"note_{RubricItem.objects.get(code='F02').pk}"] = ""
    response = client.post(reverse("reviews:manual", args=[sheet.pk]), {**data, "save": "1"})
    assert response.status_code == 200 and "扣分或否决须写明理由。" in response.content.decode()
    assert not sheet.scores.exists()


def test_the_sheet_of_another_county_is_not_found(client, outsider, sheet):
    assert page(client, outsider, "reviews:manual", sheet.pk).status_code == 404


def test_the_results_pages(client, legal_reviewer, sheet, team, officer):
    marks = {item.pk: manual.Mark() for item in RubricItem.objects.filter(is_active=True)}
    manual.sign_review(manual.save_marks(sheet, actor=legal_reviewer, marks=marks), actor=legal_reviewer)
    officers = page(client, officer, "reviews:results").content.decode()
    assert team[0].full_name in officers and "100.0%" in officers
    sections = page(client, officer, "reviews:results", by="section").content.decode()
    assert "监督一科" in sections
    client.force_login(officer)
    partial = client.get(reverse("reviews:results"), {"q": "不存在"}, HTTP_HX_REQUEST="true").content.decode()
    assert "共 0 条" in partial and "<html" not in partial
    listed = page(client, officer, "reviews:manual_list", officer=team[0].pk).content.decode()
    assert "共 1 条" in listed


def test_an_officer_sees_only_signed_sheets(client, officer, sheet):
    assert "共 0 条" in page(client, officer, "reviews:manual_list").content.decode()


def test_the_dashboards_manual_link_lists_the_signed_reviews(client, legal_reviewer, sheet, bureaus):
    marks = {item.pk: manual.Mark() for item in RubricItem.objects.filter(is_active=True)}
    manual.sign_review(manual.save_marks(sheet, actor=legal_reviewer, marks=marks), actor=legal_reviewer)
    today = dt.date.today()
    params = {"org": bureaus["kaiping"].pk, "status": "signed", "signed_from": today.isoformat(),
              "signed_to": today.isoformat()}
    assert "共 1 条" in page(client, legal_reviewer, "reviews:manual_list", **params).content.decode()
