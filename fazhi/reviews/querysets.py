"""Reads of case-file review: the automatic results and findings, and the manual reviews, each scoped.

A case belongs to the section of its lead officer (主办人); "an officer's" files are those with the officer on the
team. The dashboard's figures and the lists behind them use the same methods, so a figure and its records agree.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q

from fazhi.core.querysets import ScopedQuerySet


def _team(case_field: str, **filters):
    from fazhi.cases.models import CaseOfficer

    return Exists(CaseOfficer.objects.filter(case=OuterRef(case_field), **filters))


def case_organisations(ids, case_prefix: str = "case__") -> Q:
    """Cases of the organisations `ids`, or of the supervision institutes under them (they file in their bureau's
    name): the dashboard's scope lists bureaus."""
    from fazhi.core.models import Organisation

    ids = list(ids)
    # The institutes are looked up first, so the cases' (organisation, received_on) index answers one IN list
    # instead of an OR across a join the planner cannot index.
    institutes = list(Organisation.objects.filter(bureau_id__in=ids).values_list("pk", flat=True))
    return Q(**{f"{case_prefix}organisation_id__in": sorted(set(ids) | set(institutes))})


def _midnight(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class CaseLinkedQuerySet(ScopedQuerySet):
    """Rows that belong to one case (`case_field` is the lookup to it)."""

    case_field = "case"

    def of_officer(self, officer_id):
        return self.filter(_team(self.case_field, officer_id=officer_id))

    def in_section(self, section_id):
        return self.filter(_team(self.case_field, is_lead=True, officer__section_id=section_id))

    def of_organisations(self, ids):
        return self.filter(case_organisations(ids, f"{self.case_field}__"))


class AutomaticReviewQuerySet(CaseLinkedQuerySet):
    def flagged(self):
        return self.filter(finding_count__gt=0)

    def vetoed(self):
        return self.filter(vetoed=True)

    def received_between(self, start: dt.date, end: dt.date):
        return self.filter(case__received_on__gte=start, case__received_on__lte=end)

    def listing(self):
        return self.select_related("case", "organisation")


class FindingQuerySet(CaseLinkedQuerySet):
    def listing(self):
        return self.select_related("case", "item", "organisation")


class ManualReviewQuerySet(CaseLinkedQuerySet):
    def visible_to(self, user):
        """The reviewing bureau sees its reviews (a city its counties' too); a bureau whose file was reviewed by
        another sees the review once it is signed."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        home = user.organisation
        if home is None:
            return self.none()
        from fazhi.core.models import Organisation

        from .choices import ManualReviewStatus

        below = Organisation.objects.filter(path__startswith=home.bureau_path).values("pk")
        return self.filter(Q(organisation__in=below)
                           | Q(status=ManualReviewStatus.SIGNED, case__organisation__in=below))

    def signed(self):
        from .choices import ManualReviewStatus

        return self.filter(status=ManualReviewStatus.SIGNED)

    def signed_since(self, start: dt.date):
        return self.signed().filter(signed_at__gte=_midnight(start))

    def signed_until(self, end: dt.date):
        """Signed on or before the local day `end`: before the next midnight (a date cast would use UTC days)."""
        return self.signed().filter(signed_at__lt=_midnight(end + dt.timedelta(days=1)))

    def signed_between(self, start: dt.date, end: dt.date):
        return self.signed_since(start).signed_until(end)

    def passed(self):
        from .choices import Grade

        return self.filter(grade__in=(Grade.EXCELLENT, Grade.PASS))

    def listing(self):
        return self.select_related("case", "batch", "reviewer", "organisation")
