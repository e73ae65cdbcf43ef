"""Reads of early warnings.

Who sees which (issue: "officers see their own; section heads their section's; leaders all"): every list starts
from `for_viewer(user)`, which narrows `visible_to(user)` (the bureaus below one's own) by role. The legal section
and administrators see what leaders see: they supervise enforcement and keep the rule table.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q

from fazhi.core.choices import Role
from fazhi.core.querysets import ScopedQuerySet

from .choices import UNRESOLVED

# Who sees every warning of their scope, grouped by section and rule.
WIDE_ROLES = frozenset({Role.LEADER, Role.CHIEF, Role.LEGAL_REVIEWER, Role.ADMIN})
SECTION_ROLES = frozenset({Role.SECTION_HEAD})
OFFICER_ROLES = frozenset({Role.OFFICER})
WARNING_READER_ROLES = WIDE_ROLES | SECTION_ROLES | OFFICER_ROLES


def sees_all(user) -> bool:
    return user.is_superuser or user.has_role(*WIDE_ROLES)


class EarlyWarningQuerySet(ScopedQuerySet):
    def for_viewer(self, user) -> EarlyWarningQuerySet:
        """What `user` may see of the warnings: all of their scope, their section's, or their own."""
        scoped = self.visible_to(user)
        if not getattr(user, "is_authenticated", False) or sees_all(user):
            return scoped
        own = self.concerning(user)
        if user.has_role(*SECTION_ROLES) and user.section_id:
            return scoped.filter(own | Q(section_id=user.section_id))
        if user.has_role(*OFFICER_ROLES | SECTION_ROLES):
            return scoped.filter(own)
        return scoped.none()

    @staticmethod
    def concerning(user) -> Q:
        """The warnings that name `user` among the officers concerned."""
        from .models import WarningOfficer

        return Q(Exists(WarningOfficer.objects.filter(warning=OuterRef("pk"), officer=user)))

    def unresolved(self) -> EarlyWarningQuerySet:
        return self.filter(status__in=UNRESOLVED)

    def overdue(self, today: dt.date) -> EarlyWarningQuerySet:
        """Unresolved and past their due date (逾期预警)."""
        return self.unresolved().filter(due_on__lt=today)

    def raised_between(self, start: dt.date, end: dt.date) -> EarlyWarningQuerySet:
        return self.filter(first_seen__gte=start, first_seen__lte=end)

    def of_organisations(self, ids) -> EarlyWarningQuerySet:
        return self.filter(organisation_id__in=ids)

    def in_section(self, section_id: int) -> EarlyWarningQuerySet:
        return self.filter(section_id=section_id)

    def of_record(self, model_or_obj, pk: int | None = None) -> EarlyWarningQuerySet:
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(model_or_obj)
        return self.filter(record_type=content_type, record_id=pk if pk is not None else model_or_obj.pk)

    def listing(self) -> EarlyWarningQuerySet:
        return self.select_related("rule", "organisation", "section", "officer")


class WarningOfficerQuerySet(ScopedQuerySet):
    scope_field = "warning__organisation"
