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

DOMAIN_CODES_SEPARATOR = " "  # between the codes in `Entity.domain_codes`


def domain_codes_of(value: str) -> tuple[str, ...]:
    """The domain codes an `Entity.domain_codes` value holds, in its (sorted) order: the entity's domains,
    without a query."""
    return tuple(value.split(DOMAIN_CODES_SEPARATOR)) if value else ()

PINYIN_INITIALS = re.compile(r"^[A-Za-z0-9]+$")


class ArrayHas(Func):
    """`<text array> @> ARRAY[<value>]` on PostgreSQL: the forms the entity name indexes answer."""

    template = "%(expressions)s]::text[]"
    arg_joiner = " @> ARRAY["
    output_field = BooleanField()


def upper_text(field: str) -> Upper:
    """`UPPER(<field>::text)`: the form the name indexes are built on."""
    return Upper(Cast(F(field), TextField()))


def has_bigram(text: str, field: str = "name") -> ArrayHas:
    """`fazhi_bigrams(UPPER(name::text)) @> ARRAY['诊所']` (migrations 0003 and 0004; a visit's copy of the name
    has the same index, inspections 0004)."""
    return ArrayHas(Func(upper_text(field), function="fazhi_bigrams"), Value(text.upper()))


def initials_or_code(text: str, *, initials: str = "name_initials", credit_code: str = "credit_code") -> Q:
    """The search box's other readings of `text` besides a name substring: a prefix of the pinyin initials
    (kpsrmyy → 开平市人民医院) and, when it is one, a whole credit code. Nothing (Q()) for other text."""
    if not PINYIN_INITIALS.match(text):
        return Q()
    condition = Q(**{f"{initials}__startswith": text.lower()})
    compact = normalise_credit_code(text)
    if len(compact) == CREDIT_CODE_LENGTH:
        condition |= Q(**{credit_code: compact})
    return condition


def has_domain(code: str) -> ArrayHas:
    """`string_to_array(domain_codes::text, ' ') @> ARRAY['radiation']` (migration 0004)."""
    return ArrayHas(Func(Cast(F("domain_codes"), TextField()), Value(DOMAIN_CODES_SEPARATOR), function="string_to_array"),
                    Value(code))


class EntityQuerySet(ScopedQuerySet):
    def search(self, text: str) -> EntityQuerySet:
        """One search box: a name substring, pinyin initials (kpsrmyy → 开平市人民医院) or a whole credit code."""
        text = (text or "").strip()
        if not text:
            return self
        if len(text) == 2 and connections[self.db].vendor == "postgresql":
            # Too short for the trigram index. A two-character name contains the term exactly when its bigrams
            # do, so the bigram index answers alone, and the planner estimates how many rows match from
            # that index's statistics (a LIKE beside it would be guessed, and badly).
            condition = Q(has_bigram(text))
        else:
            condition = Q(name__icontains=text)
        return self.filter(condition | initials_or_code(text))

    def in_domain(self, code: str) -> EntityQuerySet:
        """Entities supervised under this domain, read from `domain_codes` (kept beside the name in one index)."""
        code = str(code)
        if connections[self.db].vendor == "postgresql":
            return self.filter(has_domain(code))
        sep = DOMAIN_CODES_SEPARATOR
        return self.filter(Q(domain_codes=code) | Q(domain_codes__startswith=code + sep)
                           | Q(domain_codes__endswith=sep + code) | Q(domain_codes__contains=sep + code + sep))

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
