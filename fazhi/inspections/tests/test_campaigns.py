"""Special campaigns (专项执法): deploying one, editing it, and its own figures."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from fazhi.core.models import AuditEvent, Domain
from fazhi.inspections import campaigns
from fazhi.inspections.models import ItemCheck, OnSiteRecord, SupervisionOpinion

from . import factories as fi

pytestmark = pytest.mark.django_db


def deploy(actor, **fields):
    year = timezone.localdate().year
    values = {"theme": "医疗美容专项整治", "description": "重点检查非法医疗美容。", "starts_on": dt.date(year, 4, 1),
              "ends_on": dt.date(year, 9, 30), "domains": Domain.objects.filter(pk="medical_service"), **fields}
    return campaigns.create_campaign(actor=actor, **values)


def test_it_deploys_and_edits_a_campaign_with_audit(leader, kaiping):
    campaign = deploy(leader)
    assert campaign.organisation == kaiping
    campaigns.update_campaign(campaign, actor=leader, theme="医疗美容专项整治行动",
                              domains=Domain.objects.filter(pk__in=["medical_service", "public_place"]))
    campaign.refresh_from_db()
    assert campaign.theme == "医疗美容专项整治行动"
    assert set(campaign.domains.values_list("pk", flat=True)) == {"medical_service", "public_place"}
    actions = list(AuditEvent.objects.filter(object_type="inspections.campaign").order_by("seq")
                   .values_list("action", flat=True))
    assert actions == ["create", "update"]


@pytest.mark.parametrize(("days", "ok"), [(0, True), (-1, False)])
def test_the_period_ends_on_or_after_its_start(leader, days, ok):
    start = dt.date(2026, 4, 1)
    if ok:
        deploy(leader, starts_on=start, ends_on=start + dt.timedelta(days=days))
    else:
        with pytest.raises(ValidationError, match="结束日期"):
            deploy(leader, starts_on=start, ends_on=start + dt.timedelta(days=days))


def test_a_campaign_needs_a_domain(leader):
    with pytest.raises(ValidationError, match="监管专业"):
        deploy(leader, domains=[])


def test_an_officer_may_not_deploy_a_campaign(officer):
    with pytest.raises(PermissionDenied):
        deploy(officer)


def test_its_figures_count_its_own_visits(leader, hotel, clinic, team, published_items, kaiping):
    campaign = deploy(leader)
    closed = fi.visit(hotel, team, published_items, status="closed", campaign=campaign)
    fi.visit(clinic, team, published_items, status="recorded", campaign=campaign)
    fi.visit(clinic, team, published_items, campaign=campaign)
    fi.visit(clinic, team, published_items, status="cancelled", campaign=campaign)
    fi.visit(hotel, team, published_items, status="closed")  # not in the campaign
    record = OnSiteRecord.objects.create(organisation=kaiping, inspection=closed, arrived_at=timezone.now(),
                                         place="宾馆前台")
    ItemCheck.objects.create(record=record, item=published_items[0], result="non_compliant", finding="许可证过期")
    ItemCheck.objects.create(record=record, item=published_items[1], result="compliant")
    SupervisionOpinion.objects.create(organisation=kaiping, inspection=closed, number="开卫监〔2026〕1号",
                                      issued_on=timezone.localdate())
    figures = campaigns.campaign_figures(campaign)
    assert (figures.inspections, figures.done, figures.cancelled) == (4, 2, 1)
    assert (figures.non_compliant_results, figures.entities_non_compliant, figures.opinions) == (1, 1, 1)


def test_the_campaign_pages(leader, officer, hotel, team, published_items, as_user):
    client = as_user(leader)
    year = timezone.localdate().year
    response = client.post(reverse("inspections:campaign_create"), {
        "theme": "游泳场所专项检查", "domains": ["public_place"], "starts_on": f"{year}-06-01", "ends_on": f"{year}-05-01",
    })
    assert response.status_code == 200 and "结束日期不能早于开始日期" in response.content.decode()
    response = client.post(reverse("inspections:campaign_create"), {
        "theme": "游泳场所专项检查", "domains": ["public_place"], "starts_on": f"{year}-06-01", "ends_on": f"{year}-08-31",
    })
    assert response.status_code == 302
    campaign = campaigns.Campaign.objects.get(theme="游泳场所专项检查")
    fi.visit(hotel, team, published_items, campaign=campaign)
    page = as_user(officer).get(reverse("inspections:campaign_detail", args=[campaign.pk])).content.decode()
    assert "悦来宾馆" in page and "专项数据" in page and "编辑" not in page.split("<h1>")[1].split("</div>")[0]
    assert "游泳场所" in as_user(officer).get(reverse("inspections:campaign_list") + "?q=游泳").content.decode()
    assert as_user(officer).get(reverse("inspections:campaign_edit", args=[campaign.pk])).status_code == 403
    assert as_user(leader).get(reverse("inspections:campaign_edit", args=[campaign.pk])).status_code == 200


def test_an_outsider_can_neither_see_nor_change_a_campaign(leader, outsider, as_user):
    campaign = deploy(leader)
    with pytest.raises(PermissionDenied):
        campaigns.update_campaign(campaign, actor=outsider, theme="外区改")
    client = as_user(outsider)
    assert client.get(reverse("inspections:campaign_detail", args=[campaign.pk])).status_code == 404
    assert client.post(reverse("inspections:campaign_edit", args=[campaign.pk]), {"theme": "x"}).status_code == 404
    assert campaign.theme not in client.get(reverse("inspections:campaign_list")).content.decode()
