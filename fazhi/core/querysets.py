"""Data scoping: the one path by which every list and detail is read.

A county bureau sees its own records, a city bureau its own and its counties', a province all of its
cities' and counties'. Writes stay inside one's own bureau. Every record that belongs to a bureau
carries its organisation; a model says how to reach it with `scope_field`.
"""
from __future__ import annotations

from django.db import models


class ScopedQuerySet(models.QuerySet):
    """QuerySet with `visible_to(user)` and `writable_by(user)`.

    Subclasses (or models through `ScopedModel`) set `scope_field`, the lookup path from the model to
    its Organisation; "" means the model is Organisation itself.
    """

    scope_field = "organisation"

    def _lookup(self, suffix: str) -> str:
        return f"{self.scope_field}__{suffix}" if self.scope_field else suffix

    def visible_to(self, user) -> ScopedQuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        home = user.organisation
        if home is None:
            return self.none()
        if not self.scope_field:
            return self.filter(path__startswith=home.bureau_path)
        # `organisation_id IN (the bureaus below)` rather than a join on the path: the planner can then walk
        # a (organisation, ...) index in order and stop at the first page, even over a whole province.
        from .models import Organisation

        below = Organisation.objects.filter(path__startswith=home.bureau_path).values("pk")
        return self.filter(**{self._lookup("in"): below})

    def writable_by(self, user) -> ScopedQuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.organisation_id is None:
            return self.none()
        return self.filter(**{self._lookup("bureau_id"): user.organisation.bureau_id})


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)
