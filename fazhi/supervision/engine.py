"""What the rule evaluators share: the scope of a scan, the kinds of record a warning can name, and the findings.

An evaluator reads the whole scope at once: a handful of queries whatever the number of records, then arithmetic
in Python through the clocks of the module that owns the deadline (a `ClockBook` answers each distinct day once).
It yields a `Finding` per record whose condition holds today; the scan (scan.py) compares them with the warnings
already open.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import get_urlconf, reverse

from fazhi.cases.querysets import ClockBook

CHUNK = 5_000


class Finding(NamedTuple):
    """A rule's condition holding on one record today."""

    record_id: int
    organisation_id: int
    officer_ids: tuple[int, ...]  # the officers concerned, the responsible one (主办人) first
    due_on: dt.date | None
    message: str
    label: str  # how the record is named in lists: number and party
    severity: str | None = None  # a later stage of the rule (day 80 of 90); None: the rule's own severity


# ---- the records a warning can name ----------------------------------------------------------------------------

def _case_team(user_id: int) -> Q:
    from fazhi.cases.models import CaseOfficer

    return Q(Exists(CaseOfficer.objects.filter(case=OuterRef("pk"), officer_id=user_id)))


def _visit_team(user_id: int) -> Q:
    from fazhi.inspections.models import InspectionOfficer

    return Q(Exists(InspectionOfficer.objects.filter(inspection=OuterRef("pk"), officer_id=user_id)))


def _opinion_team(user_id: int) -> Q:
    from fazhi.inspections.models import InspectionOfficer

    return Q(Exists(InspectionOfficer.objects.filter(inspection=OuterRef("inspection_id"), officer_id=user_id)))


def _entity_visitors(user_id: int) -> Q:
    from fazhi.inspections.models import InspectionOfficer

    return Q(Exists(InspectionOfficer.objects.filter(inspection__entity=OuterRef("pk"), officer_id=user_id)))


def _holder(user_id: int) -> Q:
    return Q(holder_id=user_id)


SENTINEL = 987654321


@lru_cache(maxsize=64)
def _url_pattern(url_name: str, urlconf) -> str:
    """The record page's address with "{}" for its id: reversing once per kind, not once per warning, matters when
    a scan raises hundreds of thousands."""
    return reverse(url_name, args=[SENTINEL], urlconf=urlconf).replace(str(SENTINEL), "{}")


@dataclass(frozen=True)
class RecordKind:
    """A kind of record warnings name: its model, how to reach its organisation, who counts as its officers (for a
    scan of one person's records) and the page it is shown on."""

    key: str
    model_label: str
    organisation: str  # lookup of the organisation id from the record
    officer_condition: Callable[[int], Q]
    url_name: str

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def url(self, pk: int) -> str:
        return _url_pattern(self.url_name, get_urlconf()).format(pk)

    def narrow(self, queryset: QuerySet, scope: ScanScope | None) -> QuerySet:
        """`queryset` (of this kind's model) cut down to the scope."""
        if scope is None:
            return queryset
        if scope.record is not None:
            key, pk = scope.record
            return queryset.filter(pk=pk) if key == self.key else queryset.none()
        if scope.organisation_ids is not None:
            queryset = queryset.filter(**{f"{self.organisation}__in": scope.organisation_ids})
        if scope.officer_id is not None:
            queryset = queryset.filter(self.officer_condition(scope.officer_id))
        return queryset


CASE = RecordKind("case", "cases.case", "organisation_id", _case_team, "cases:detail")
INSPECTION = RecordKind("inspection", "inspections.inspection", "organisation_id", _visit_team, "inspections:detail")
OPINION = RecordKind("opinion", "inspections.supervisionopinion", "organisation_id", _opinion_team,
                     "inspections:opinion_detail")
ENTITY = RecordKind("entity", "entities.entity", "organisation_id", _entity_visitors, "entities:detail")
CERTIFICATE = RecordKind("certificate", "core.enforcementcertificate", "holder__organisation_id", _holder,
                         "core:certificate_detail")
RECORD_KINDS = {kind.key: kind for kind in (CASE, INSPECTION, OPINION, ENTITY, CERTIFICATE)}


def kind_of(obj) -> RecordKind | None:
    label = obj._meta.label_lower
    return next((kind for kind in RECORD_KINDS.values() if kind.model_label == label), None)


# ---- what a scan covers --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScanScope:
    """Which records a scan evaluates: one record, one officer's, some organisations' (None everywhere: all)."""

    organisation_ids: tuple[int, ...] | None = None
    officer_id: int | None = None
    record: tuple[str, int] | None = None  # (RecordKind.key, pk)

    @classmethod
    def of_record(cls, obj) -> ScanScope:
        kind = kind_of(obj)
        if kind is None:
            raise ValueError(f"no warning rule names records of {obj._meta.label}")
        return cls(record=(kind.key, obj.pk))

    @classmethod
    def of_officer(cls, user) -> ScanScope:
        return cls(officer_id=user.pk)

    @classmethod
    def of_organisations(cls, ids: Iterable[int]) -> ScanScope:
        return cls(organisation_ids=tuple(sorted(set(ids))))

    def covers(self, kind: RecordKind) -> bool:
        return self.record is None or self.record[0] == kind.key


@dataclass
class ScanContext:
    """What every evaluator of one scan shares: the day, the scope, the clocks already asked, the staff."""

    today: dt.date
    scope: ScanScope | None = None
    book: ClockBook = None
    _staff: dict[int, tuple[str, int | None]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.book is None:
            self.book = ClockBook(self.today)

    def narrow(self, queryset: QuerySet, kind: RecordKind) -> QuerySet:
        return kind.narrow(queryset, self.scope)

    def ask(self, fn: Callable, *args):
        """A clocks.py (or workdays) answer, computed once per distinct argument in this scan."""
        return self.book.ask(fn, *args)

    @property
    def staff(self) -> dict[int, tuple[str, int | None]]:
        """{user id: (name, section id)} of every member of staff, read once per scan (a province has a few
        thousand): names for messages, sections for scoping."""
        if self._staff is None:
            from fazhi.core.models import User

            self._staff = {pk: (full_name or username, section_id) for pk, full_name, username, section_id
                           in User.objects.values_list("pk", "full_name", "username", "section_id")}
        return self._staff

    def name(self, user_id: int) -> str:
        return self.staff.get(user_id, ("", None))[0]

    def section_of(self, user_id: int | None) -> int | None:
        return self.staff.get(user_id, ("", None))[1] if user_id else None


def chunks(rows: Iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def teams(through_model, link: str, ids: list[int]) -> dict[int, tuple[int, ...]]:
    """{record id: officer ids, the lead first} for the team table `through_model` (CaseOfficer,
    InspectionOfficer), one query for the batch."""
    found: dict[int, list[int]] = {}
    rows = (through_model.objects.filter(**{f"{link}__in": ids}).order_by(link, "-is_lead", "id")
            .values_list(link, "officer_id"))
    for record_id, officer_id in rows:
        found.setdefault(record_id, []).append(officer_id)
    return {record_id: tuple(officers) for record_id, officers in found.items()}


def day(value: dt.date | None) -> str:
    return f"{value:%Y年%m月%d日}" if value else ""
