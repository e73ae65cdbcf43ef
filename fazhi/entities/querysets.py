"""Reads of the entity registry: scoping comes from ScopedQuerySet, searching from here."""
from __future__ import annotations

import re

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.db.models.functions import Cast, Upper

from fazhi.core.choices import RegionLevel
from fazhi.core.models import Region
from fazhi.core.querysets import ScopedQuerySet

from .credit_code import LENGTH as CREDIT_CODE_LENGTH
from .credit_code import normalise as normalise_credit_code
from .rules import region_prefix

PINYIN_INITIALS = re.compile(r"^[A-Za-z0-9]+$")


class HasBigram(Func):
    """`fazhi_bigrams(UPPER(name::text)) @> ARRAY['诊所']`: answered by the bigram index (migration 0003)."""

    template = "fazhi_bigrams(%(expressions)s]::text[]"
    arg_joiner = ") @> ARRAY["
    output_field = BooleanField()


class EntityQuerySet(ScopedQuerySet):
    def search(self, text: str) -> EntityQuerySet:
        """One search box: a name substring, pinyin initials (kpsrmyy → 开平市人民医院) or a whole credit code."""
        text = (text or "").strip()
        if not text:
            return self
        condition = Q(name__icontains=text)
        if len(text) == 2 and connections[self.db].vendor == "postgresql":
            # Too short for the trigram index: the bigram index narrows, the LIKE above still decides.
            condition &= Q(HasBigram(Upper(Cast(F("name"), TextField())), Value(text.upper())))
        if PINYIN_INITIALS.match(text):
            condition |= Q(name_initials__startswith=text.lower())
            compact = normalise_credit_code(text)
            if len(compact) == CREDIT_CODE_LENGTH:
                condition |= Q(credit_code=compact)
        return self.filter(condition)

    def with_licence_number(self, number: str) -> EntityQuerySet:
        number = (number or "").strip()
        if not number:
            return self
        from .models import Licence

        return self.filter(pk__in=Licence.objects.filter(number__icontains=number).values("entity_id"))

    def for_listing(self) -> EntityQuerySet:
        """What a list row shows, fetched in a bounded number of queries whatever the page size."""
        return self.select_related("township", "organisation").prefetch_related("domains")


def townships_in(region):
    """The 乡/镇/街道 inside a county, city or province, by the GB/T 2260 code prefix."""
    return Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=region_prefix(region.code)).order_by("code")


class LicenceQuerySet(ScopedQuerySet):
    def current_on(self, day) -> LicenceQuerySet:
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
