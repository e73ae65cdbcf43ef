"""Reads of the law library. The library is shared by every bureau: any active member of staff may read it."""
from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


class LawQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.all() if _is_staff(user) else self.none()

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(title__icontains=text) | Q(short_title__icontains=text) | Q(issuer__icontains=text))


class LawVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.all() if _is_staff(user) else self.none()

    def in_force_on(self, day: dt.date):
        """Versions in force on `day`: begun on or before it, not yet ended (effective_to is exclusive)."""
        return self.filter(effective_from__lte=day).filter(Q(effective_to__isnull=True) | Q(effective_to__gt=day))


class ProvisionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.all() if _is_staff(user) else self.none()

    def articles(self):
        return self.filter(paragraph=0, item=0)

    def search(self, text: str):
        text = (text or "").strip()
        return self.filter(text__icontains=text) if text else self

    def in_force_on(self, day: dt.date):
        return self.filter(version__effective_from__lte=day).filter(
            Q(version__effective_to__isnull=True) | Q(version__effective_to__gt=day))
