"""Reads for the public portal. Only public fields leave this module: each selector names the columns it
reads with `.values()` and hands back dataclasses, so no model instance (least of all a User, with its
phone, ID-card number and username) ever reaches a public template.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q

from fazhi.core.choices import CertificateStatus
from fazhi.core.models import EnforcementCertificate, Organisation, Section

from .rules import PORTAL_RULES


@dataclass(frozen=True)
class PublicBureauSummary:
    id: int
    name: str
    region_name: str


@dataclass(frozen=True)
class PublicUnit:
    """The bureau itself or its supervision institute, with its sections' names."""

    name: str
    address: str
    public_phone: str
    section_names: tuple[str, ...]


@dataclass(frozen=True)
class PublicBureau:
    id: int
    name: str
    address: str
    public_phone: str
    public_intro: str
    units: tuple[PublicUnit, ...]


@dataclass(frozen=True)
class PublicOfficer:
    """One enforcement certificate as 行政执法公示 publishes it."""

    full_name: str
    organisation_name: str
    certificate_number: str
    issuer: str
    domains: tuple[str, ...]
    valid_from: dt.date
    valid_to: dt.date
    status_label: str
    status_badge: str


@dataclass(frozen=True)
class PublicPage:
    """Rows for the template, and the page (of plain dicts of the same public columns) for its links."""

    items: list
    page: Page


def _public_bureaus():
    return Organisation.objects.bureaus().filter(is_active=True, region__level__in=PORTAL_RULES.bureau_levels)


def _summary_rows():
    return _public_bureaus().values("id", "name", "region__name")


def _summary(row: dict) -> PublicBureauSummary:
    return PublicBureauSummary(row["id"], row["name"], row["region__name"])


def public_bureaus(q: str, page_number) -> PublicPage:
    rows = _summary_rows().order_by("path")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    page = Paginator(rows, PORTAL_RULES.bureaus_per_page).get_page(page_number)
    return PublicPage([_summary(r) for r in page.object_list], page)


def public_bureau_summary(bureau_id: int) -> PublicBureauSummary | None:
    """The bureau's name alone, for pages that list something of it (its officers) rather than the bureau."""
    row = _summary_rows().filter(pk=bureau_id).first()
    return _summary(row) if row is not None else None


def public_bureau(bureau_id: int) -> PublicBureau | None:
    fields = ("id", "name", "address", "public_phone", "public_intro")
    row = _public_bureaus().filter(pk=bureau_id).values(*fields).first()
    if row is None:
        return None
    members = list(
        Organisation.objects.filter(bureau_id=bureau_id, is_active=True)
        .order_by("path").values("id", "name", "address", "public_phone")
    )
    sections = defaultdict(list)
    for organisation_id, name in (
        Section.objects.filter(organisation__in=[m["id"] for m in members], is_active=True)
        .order_by("sort_order", "name").values_list("organisation_id", "name")
    ):
        sections[organisation_id].append(name)
    units = tuple(
        PublicUnit(m["name"], m["address"], m["public_phone"], tuple(sections[m["id"]])) for m in members
    )
    return PublicBureau(**row, units=units)


def _disclosed_certificates(bureau_id: int, today: dt.date):
    return EnforcementCertificate.objects.filter(
        holder__organisation__bureau_id=bureau_id,
        holder__is_active=True,
        status__in=PORTAL_RULES.disclosed_certificate_statuses,
        valid_from__lte=today,
        valid_to__gte=today,
    )


def public_officers(bureau_id: int, q: str, page_number, today: dt.date) -> PublicPage:
    """The officers of a bureau and of its supervision institute, one row per certificate in force today."""
    rows = _disclosed_certificates(bureau_id, today)
    if q:
        rows = rows.filter(Q(holder__full_name__icontains=q) | Q(number__icontains=q))
    rows = rows.order_by("holder__full_name", "number").values(
        "id", "holder__full_name", "holder__organisation__name", "number", "issuer", "valid_from", "valid_to",
        "status",
    )
    page = Paginator(rows, PORTAL_RULES.officers_per_page).get_page(page_number)
    domains = _domain_names([r["id"] for r in page.object_list])
    items = [_officer(r, domains[r["id"]]) for r in page.object_list]
    return PublicPage(items, page)


def _domain_names(certificate_ids: list[int]) -> dict[int, tuple[str, ...]]:
    through = EnforcementCertificate.domains.through
    names = defaultdict(list)
    for certificate_id, name in (
        through.objects.filter(enforcementcertificate_id__in=certificate_ids)
        .order_by("domain__sort_order").values_list("enforcementcertificate_id", "domain__name")
    ):
        names[certificate_id].append(name)
    return {pk: tuple(names[pk]) for pk in certificate_ids}


def _officer(row: dict, domains: tuple[str, ...]) -> PublicOfficer:
    return PublicOfficer(
        full_name=row["holder__full_name"],
        organisation_name=row["holder__organisation__name"],
        certificate_number=row["number"],
        issuer=row["issuer"],
        domains=domains,
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        status_label=CertificateStatus(row["status"]).label,
        status_badge=PORTAL_RULES.status_badges.get(row["status"], ""),
    )
