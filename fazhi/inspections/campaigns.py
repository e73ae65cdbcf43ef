"""Special enforcement campaigns (专项执法): writes, and the figures a campaign's page shows."""
from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from fazhi.core.audit import record_create, record_update, snapshot
from fazhi.core.permissions import acting_bureau

from .choices import InspectionStatus, ItemResult
from .items import ensure_own, ensure_planner
from .models import Campaign, Inspection, ItemCheck, SupervisionOpinion

CAMPAIGN_FIELDS = ("theme", "description", "starts_on", "ends_on")
# A visit is "done" once its on-site record is signed.
DONE_STATUSES = (InspectionStatus.RECORDED, InspectionStatus.CLOSED)


def _check(campaign: Campaign, domains) -> None:
    errors = {}
    if not (campaign.theme or "").strip():
        errors["theme"] = "请填写专项主题。"
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期。"
    if not domains:
        errors["domains"] = "请至少选择一个监管专业。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_campaign(*, actor, domains, **fields) -> Campaign:
    ensure_planner(actor, "部署专项执法")
    campaign = Campaign(organisation=acting_bureau(actor), created_by=actor,
                        **{k: v for k, v in fields.items() if k in CAMPAIGN_FIELDS})
    domains = list(domains or [])
    _check(campaign, domains)
    campaign.save()
    campaign.domains.set(domains)
    record_create(campaign, actor=actor)
    return campaign


@transaction.atomic
def update_campaign(campaign: Campaign, *, actor, domains=None, **fields) -> Campaign:
    ensure_planner(actor, "修改专项执法")
    ensure_own(actor, campaign, "修改")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = snapshot(campaign, [*CAMPAIGN_FIELDS, "domains"])
    for name in CAMPAIGN_FIELDS:
        if name in fields:
            setattr(campaign, name, fields[name])
    domains = list(domains) if domains is not None else list(campaign.domains.all())
    _check(campaign, domains)
    campaign.save()
    campaign.domains.set(domains)
    record_update(campaign, before, actor=actor)
    return campaign


@dataclass(frozen=True)
class CampaignFigures:
    inspections: int
    done: int
    cancelled: int
    non_compliant_results: int
    entities_non_compliant: int
    opinions: int


def campaign_figures(campaign: Campaign) -> CampaignFigures:
    """The campaign's own figures: its visits, how many are done, what they found, the opinions issued."""
    visits = Inspection.objects.filter(campaign=campaign)
    counts = visits.aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(status__in=DONE_STATUSES)),
        cancelled=Count("pk", filter=Q(status=InspectionStatus.CANCELLED)),
    )
    bad = ItemCheck.objects.filter(record__inspection__campaign=campaign, result=ItemResult.NON_COMPLIANT)
    return CampaignFigures(
        inspections=counts["total"], done=counts["done"], cancelled=counts["cancelled"],
        non_compliant_results=bad.count(),
        entities_non_compliant=bad.values("record__inspection__entity_id").distinct().count(),
        opinions=SupervisionOpinion.objects.filter(inspection__campaign=campaign).count(),
    )
