"""A case file as the automatic review reads it: the case and every record under it, read for a whole batch of
cases at once (one set of queries per batch, none per case), with the certificates of everyone who acted.

The checks (checks.py) see a `CaseBundle` and touch no database; the cases app's own rules (discretion bands,
the §59 elements, the rule table, the clocks) are called on the records read in bulk.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone

from fazhi.cases.choices import CaseStatus as S
from fazhi.cases.choices import Procedure
from fazhi.cases.models import (
    Case, CaseOfficer, CaseRule, Deliberation, Evidence, Hearing, Interview, InvestigationReport, LegalReview, Measure,
    Service, Violation,
)
from fazhi.cases.querysets import ClockBook
from fazhi.core.choices import CertificateStatus
from fazhi.core.models import CertificateSuspension, EnforcementCertificate, Organisation, User
from fazhi.laws.models import Provision

ENDED = frozenset({CertificateStatus.REVOKED, CertificateStatus.CANCELLED})
# Case fields no check reads; left out of the batch's main query.
UNREAD_CASE_FIELDS = ("search_text", "applicable_law_note", "source_detail", "client_key", "party_phone",
                      "filing_delay_reason", "education_record")


@dataclass(frozen=True)
class CertificateRecord:
    number: str
    valid_from: dt.date
    valid_to: dt.date
    status: str
    ended_on: dt.date | None
    domains: frozenset
    suspensions: tuple  # (start, end or None)

    def valid_on(self, day: dt.date, domain: str) -> bool:
        """The same answer as `EnforcementCertificate.objects.valid_on(day, domain)` (core), on rows read in bulk."""
        if not (self.valid_from <= day <= self.valid_to) or domain not in self.domains:
            return False
        if self.status in ENDED and self.ended_on is not None and self.ended_on <= day:
            return False
        return not any(start <= day and (end is None or end > day) for start, end in self.suspensions)


@dataclass
class OfficerRecord:
    name: str
    certificates: list[CertificateRecord] = field(default_factory=list)

    def certified_on(self, day: dt.date, domain: str) -> bool:
        return any(c.valid_on(day, domain) for c in self.certificates)


# The records a check reads, per kind: the model, the fields read, the order the checks expect.
RECORD_KINDS = {
    "team": (CaseOfficer, ("id", "case", "officer", "certificate", "is_lead"), ("-is_lead", "id")),
    "evidence": (Evidence, ("id", "case", "kind", "title", "collected_on", "onsite_record", "bodycam_device",
                            "bodycam_file_id"), ("collected_on", "id")),
    "interviews": (Interview, ("id", "case", "interviewee", "started_at", "bodycam_file_id"), ("started_at", "id")),
    "measures": (Measure, ("id", "case", "kind", "started_on"), ("started_on", "id")),
    "reviews": (LegalReview, ("id", "case", "stage", "round", "reviewed_on", "outcome", "after_hearing"),
                ("reviewed_on", "id")),
    "deliberations": (Deliberation, ("id", "case", "held_on", "conclusion"), ("held_on", "id")),
    "services": (Service, ("id", "case", "document_kind", "method", "served_on", "receiver_signature",
                           "electronic_consent", "refusal_witness", "late_reason"), ("served_on", "id")),
    "hearing": (Hearing, ("id", "case", "requested_on", "held_on", "record"), ("id",)),
    "investigation_report": (InvestigationReport, ("id", "case", "concluded_on"), ("id",)),
}
SINGLE_KINDS = ("hearing", "investigation_report")


class Records:
    """A case's records of one kind as the cases app's functions ask for them (`.all()`, `.exists()`)."""

    def __init__(self, rows: list):
        self.rows = rows

    def all(self) -> list:
        return self.rows

    def exists(self) -> bool:
        return bool(self.rows)


class FileFacts:
    """The case as `documents.decision_missing_elements` reads it, with its evidence, interviews and entity from
    the batch's reads instead of one query each."""

    def __init__(self, case: Case, evidence: list, interviews: list, entity):
        self._case, self.evidence, self.interviews, self.entity = case, Records(evidence), Records(interviews), entity

    def __getattr__(self, name):
        return getattr(self._case, name)


@dataclass
class CaseBundle:
    """One case file with its records, read in bulk; `officers` holds everyone who acted on the batch's cases."""

    case: Case
    today: dt.date
    clock: ClockBook
    rules: list  # the active CaseRule rows
    officers: dict[int, OfficerRecord]
    records: dict[str, list] = field(default_factory=dict)  # kind (RECORD_KINDS) → rows, in the kind's order
    source_record: object = None  # the on-site record of the inspection the case came from, if any
    entity: object = None  # the entity, with only what the party's identity needs

    @property
    def team(self) -> list:
        return self.records.get("team", [])

    @property
    def evidence(self) -> list:
        return self.records.get("evidence", [])

    @property
    def interviews(self) -> list:
        return self.records.get("interviews", [])

    @property
    def measures(self) -> list:
        return self.records.get("measures", [])

    @property
    def reviews(self) -> list:
        return self.records.get("reviews", [])

    @property
    def deliberations(self) -> list:
        return self.records.get("deliberations", [])

    @property
    def services(self) -> list:
        return self.records.get("services", [])

    def one(self, name: str):
        """A one-to-one record of the case (notice, hearing, report, reminder, enforcement), or None."""
        if name in SINGLE_KINDS:
            rows = self.records.get(name)
            return rows[0] if rows else None
        try:
            return getattr(self.case, name)
        except Exception:  # each reverse one-to-one raises its own DoesNotExist: all mean "none"
            return None

    @cached_property
    def facts(self) -> FileFacts:
        return FileFacts(self.case, self.evidence, self.interviews, self.entity)

    @property
    def is_general(self) -> bool:
        return self.case.procedure == Procedure.GENERAL

    @property
    def is_decided(self) -> bool:
        return self.case.decided_on is not None and bool(self.case.decision_number)

    @property
    def has_penalty_decision(self) -> bool:
        return self.is_decided and bool(self.case.penalty_kinds) and self.case.status != S.NO_PENALTY

    @property
    def hearing_held_on(self) -> dt.date | None:
        hearing = self.one("hearing")
        return hearing.held_on if hearing is not None else None

    @property
    def decision_title(self) -> str:
        if self.case.procedure == Procedure.SIMPLE:
            return "当场行政处罚决定书"
        return "行政处罚决定书" if self.case.penalty_kinds else "不予行政处罚决定书"

    def officer_name(self, officer_id: int) -> str:
        record = self.officers.get(officer_id)
        return record.name if record else f"人员{officer_id}"


def case_queryset(case_ids):
    """The cases themselves, with the one-to-one records they join cheaply; the other records are read by kind."""
    return (Case.objects.filter(pk__in=list(case_ids)).defer(*UNREAD_CASE_FIELDS)
            .select_related("notice", "reminder", "enforcement"))


def read_records(case_ids: list[int]) -> dict[int, dict[str, list]]:
    """Every kind of record of the cases, one query per kind, grouped by case. Rows are plain reads: no manager or
    back-reference is set on them (what Django's prefetch does costs more than the reading itself here)."""
    grouped: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for kind, (model, fields, order) in RECORD_KINDS.items():
        for row in model.objects.filter(case_id__in=case_ids).only(*fields).order_by(*order):
            grouped[row.case_id][kind].append(row)
    return grouped


class BundleLoader:
    """Reads batches of case files. What many cases share (the rule table, the violations with their bands, the
    provisions, the organisations, the officers' certificates) is read once per run and kept."""

    def __init__(self, today: dt.date | None = None):
        self.today = today or timezone.localdate()
        self.clock = ClockBook(self.today)
        self.rules = list(CaseRule.objects.filter(is_active=True).order_by("effect", "code"))
        self.violations = {v.pk: v for v in Violation.objects.prefetch_related("bands")}
        self.provisions: dict[int, Provision] = {}
        self._read_provisions({pk for v in self.violations.values()
                               for pk in (v.provision_broken_id, v.penalty_provision_id)})
        for violation in self.violations.values():
            self._link_provisions(violation)
        self.organisations: dict[int, Organisation] = {}
        self.officers: dict[int, OfficerRecord] = {}

    def load(self, case_ids) -> list[CaseBundle]:
        cases = list(case_queryset(case_ids))
        ids = [c.pk for c in cases]
        self._attach_shared(cases)
        records = read_records(ids)
        interviews = [i for r in records.values() for i in r["interviews"]]
        by_interview = defaultdict(list)
        for interview_id, user_id in (Interview.officers.through.objects
                                      .filter(interview_id__in=[i.pk for i in interviews])
                                      .values_list("interview_id", "user_id")):
            by_interview[interview_id].append(user_id)
        for interview in interviews:
            interview.officer_ids = by_interview[interview.pk]
        deliberations = [d for r in records.values() for d in r["deliberations"]]
        attendees = defaultdict(int)
        for deliberation_id in (Deliberation.attendees.through.objects
                                .filter(deliberation_id__in=[d.pk for d in deliberations])
                                .values_list("deliberation_id", flat=True)):
            attendees[deliberation_id] += 1
        for deliberation in deliberations:
            deliberation.attendee_count = attendees[deliberation.pk]
        sources, entities = self._source_records(cases), self._entities(cases)
        needed = {m.officer_id for r in records.values() for m in r["team"]}
        needed.update(u for i in interviews for u in i.officer_ids)
        self._read_officers(needed - self.officers.keys())
        return [CaseBundle(case, self.today, self.clock, self.rules, self.officers, records.get(case.pk, {}),
                           sources.get(case.source_inspection_id), entities.get(case.entity_id)) for case in cases]
    def _attach_shared(self, cases: list[Case]) -> None:
        """Give each case its organisation (with its bureau), violation and provisions from the run's store."""
        missing = {c.organisation_id for c in cases} - self.organisations.keys()
        if missing:
            self.organisations.update(
                (o.pk, o) for o in Organisation.objects.filter(pk__in=missing).select_related("bureau"))
        new = {c.violation_id for c in cases if c.violation_id} - self.violations.keys()
        if new:  # a violation added to the table while the run goes on
            self.violations.update((v.pk, v) for v in Violation.objects.filter(pk__in=new).prefetch_related("bands"))
            self._read_provisions({p for v in new for p in (self.violations[v].provision_broken_id,
                                                            self.violations[v].penalty_provision_id)})
            for pk in new:
                self._link_provisions(self.violations[pk])
        self._read_provisions({pk for c in cases for pk in (c.provision_broken_id, c.penalty_provision_id)})
        for case in cases:
            case.organisation = self.organisations[case.organisation_id]
            if case.violation_id:
                case.violation = self.violations[case.violation_id]
            if case.provision_broken_id:
                case.provision_broken = self.provisions[case.provision_broken_id]
            if case.penalty_provision_id:
                case.penalty_provision = self.provisions[case.penalty_provision_id]

    def _link_provisions(self, violation) -> None:
        violation.provision_broken = self.provisions[violation.provision_broken_id]
        violation.penalty_provision = self.provisions[violation.penalty_provision_id]

    def _read_provisions(self, ids: set) -> None:
        # The law's full text and the article's wording are never read here: they are most of those rows' size.
        missing = {pk for pk in ids if pk} - self.provisions.keys()
        if missing:
            self.provisions.update((p.pk, p) for p in Provision.objects.filter(pk__in=missing).select_related(
                "version__law").defer("text", "chapter", "version__body", "version__caveats", "version__source"))

    @staticmethod
    def _entities(cases: list[Case]) -> dict:
        """The entities of organisations without a credit code: the decision says why it has none."""
        from fazhi.entities.models import Entity

        ids = {c.entity_id for c in cases if c.entity_id and not c.party_credit_code}
        if not ids:
            return {}
        return {e.pk: e for e in Entity.objects.filter(pk__in=ids).only("id", "no_credit_code_reason")}

    @staticmethod
    def _source_records(cases: list[Case]) -> dict:
        """The on-site records of the inspections the cases came from, by inspection."""
        from fazhi.inspections.models import OnSiteRecord

        ids = {c.source_inspection_id for c in cases if c.source_inspection_id}
        if not ids:
            return {}
        return {r.inspection_id: r for r in OnSiteRecord.objects.filter(inspection_id__in=ids).only(
            "id", "inspection", "number", "status", "arrived_at", "bodycam_file_id", "bodycam_absent_reason")}

    def _read_officers(self, ids: set[int]) -> None:
        if not ids:
            return
        for pk, full_name, username in (User.objects.filter(pk__in=ids).order_by()
                                        .values_list("pk", "full_name", "username")):
            self.officers[pk] = OfficerRecord(full_name or username)
        certificates = list(EnforcementCertificate.objects.filter(holder_id__in=ids).values_list(
            "pk", "holder_id", "number", "valid_from", "valid_to", "status", "ended_on"))
        cert_ids = [row[0] for row in certificates]
        domains, suspensions = defaultdict(set), defaultdict(list)
        for cert_id, domain in (EnforcementCertificate.domains.through.objects
                                .filter(enforcementcertificate_id__in=cert_ids)
                                .values_list("enforcementcertificate_id", "domain_id")):
            domains[cert_id].add(domain)
        for cert_id, start, end in (CertificateSuspension.objects.filter(certificate_id__in=cert_ids)
                                    .values_list("certificate_id", "start", "end")):
            suspensions[cert_id].append((start, end))
        for pk, holder_id, number, valid_from, valid_to, status, ended_on in certificates:
            self.officers[holder_id].certificates.append(CertificateRecord(
                number, valid_from, valid_to, status, ended_on, frozenset(domains[pk]), tuple(suspensions[pk])))
