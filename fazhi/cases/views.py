"""Staff pages of penalty cases: all cases, an officer's own, the legal section's queue, a leader's approvals, and
a case's page with everything about it and the steps the viewer may take.

Reading goes through `visible_to` (anything else is a 404); the work queues through `writable_by`, since only
one's own bureau's cases can be acted on. The steps themselves are in views_steps.py.
"""
from __future__ import annotations

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import CharField, Prefetch, Q
from django.db.models.functions import Cast
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from fazhi.core.listing import ScopedListView
from fazhi.core.models import AuditEvent
from fazhi.core.permissions import visible_or_404

from . import major, services
from .balance import balance
from .choices import BandLevel, PenaltyKind, Procedure, ReviewStage
from .filters import CaseFilterSet, WorkFilterSet
from .models import (
    Appeal, Case, CaseDocument, CaseExtension, CaseOfficer, Deliberation, EnforcementApplication, Evidence, Hearing,
    Interview, InvestigationReport, LegalReview, Measure, Payment, PaymentArrangement, PriorNotice, Reminder, Service,
    Statement, Violation,
)
from .querysets import SURCHARGE_PERCENT, ClockBook, case_clocks, clock_book
from .rules import APPROVER_ROLES, LEADER_ROLES, LEGAL_ROLES, OFFICER_ROLES, SECTION_HEAD_ROLES
from .status import discretion_problem
from .tables import CaseTable, ReviewQueueTable, WorkTable, status_badge
from .views_documents import document_rows
from .views_steps import available_steps, item_steps, standing

PENALTY_LABELS = dict(PenaltyKind.choices)
BAND_ORDER = {level: n for n, level in enumerate(BandLevel.values)}
CIRCUMSTANCES = ("is_complex", "is_major_public_interest", "is_first_offence", "harm_minor", "corrected")
def publication_url(name: str, *args) -> str:
    return reverse(f"case_publication:{name}", args=args)


# ---- lists ----------------------------------------------------------------------------------------------------

class CaseListView(ScopedListView):
    model = Case
    filterset_class = CaseFilterSet
    table_class = CaseTable
    title = "全部案件"
    template_name = "cases/list.html"
    create_url_name = "cases:create"
    create_roles = tuple(OFFICER_ROLES | APPROVER_ROLES)

    def scoped_queryset(self, queryset):
        return queryset.listing()

    def get_table_kwargs(self):
        return {"book": clock_book(self.request)}


class WorkListView(ScopedListView):
    """A work list: the viewer's own bureau's cases, each with its clocks and the steps offered to the viewer.
    `tabs` maps a ?tab= key to its title, the roles that see it, a queryset hook and the steps it offers."""

    filterset_class = WorkFilterSet
    table_class = WorkTable
    model = Case
    template_name = "cases/work_list.html"
    tabs: dict = {}

    def dispatch(self, request, *args, **kwargs):
        self.today = timezone.localdate()
        return super().dispatch(request, *args, **kwargs)

    def visible_tabs(self) -> list[str]:
        return [key for key, tab in self.tabs.items() if self.request.user.has_role(*tab["roles"])]

    @property
    def tab(self) -> str:
        keys = self.visible_tabs()
        wanted = self.request.GET.get("tab")
        return wanted if wanted in keys else (keys[0] if keys else "")

    def base_queryset(self):
        return Case.objects.writable_by(self.request.user)

    def tab_queryset(self, key: str):
        return getattr(self, self.tabs[key]["method"])(self.base_queryset())

    def get_queryset(self):
        if not self.tab:
            return Case.objects.none()
        return (self.tab_queryset(self.tab).listing().with_clock_records().with_money(self.today)
                .select_related("hearing", "enforcement"))

    def get_table_kwargs(self):
        tab = self.tabs.get(self.tab, {})
        links = getattr(self, tab["links"]) if tab.get("links") else None
        return {"book": clock_book(self.request), "user": self.request.user, "only_steps": tab.get("steps", ()),
                "links": links}

    def get_table_class(self):
        return self.tabs.get(self.tab, {}).get("table", self.table_class)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if len(self.tabs) > 1:
            context["tabs"] = [{"key": key, "title": self.tabs[key]["title"], "selected": key == self.tab,
                                "count": self.tab_queryset(key).count()} for key in self.visible_tabs()]
        return context


class MyCasesView(WorkListView):
    title = "我的案件"
    roles = tuple(OFFICER_ROLES)
    create_url_name = "cases:create"
    tabs = {"mine": {"title": "我的案件", "roles": OFFICER_ROLES, "method": "mine"}}

    def mine(self, queryset):
        return queryset.for_officer(self.request.user).open()


class ReviewQueueView(WorkListView):
    """The legal section's queue: 法制科复审 after 科室初审 agreed, and legal reviews after a hearing."""

    title = "法制审核"
    roles = tuple(LEGAL_ROLES)
    tabs = {
        "legal": {"title": "待法制复审", "roles": LEGAL_ROLES, "method": "legal", "steps": ("legal-review",),
                  "table": ReviewQueueTable},
        "after_hearing": {"title": "听证后审核", "roles": LEGAL_ROLES, "method": "after_hearing",
                          "steps": ("legal-review",)},
        "deliberation": {"title": "待集体讨论", "roles": LEGAL_ROLES, "method": "deliberation",
                         "steps": ("deliberation",)},
        "publication": {"title": "待公开", "roles": LEGAL_ROLES, "method": "publication", "steps": ("none",),
                        "links": "publication_links"},
    }

    def legal(self, queryset):
        return queryset.awaiting_review(ReviewStage.LEGAL)

    def after_hearing(self, queryset):
        return queryset.awaiting_review_after_hearing()

    def deliberation(self, queryset):
        return queryset.needing_deliberation()

    def publication(self, queryset):
        from .models import Publication

        return Publication.objects.due_unpublished(self.today, cases=queryset)

    def publication_links(self, case):
        return [("公开", publication_url("preview", case.pk))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["publication_url"] = publication_url("queue")
        return context


class ApprovalsView(WorkListView):
    """What waits for a section head or leader: filing decisions, 科室初审, decisions, deliberations, extensions."""

    title = "待我审批"
    roles = tuple(APPROVER_ROLES)
    tabs = {
        "filing": {"title": "待立案审批", "roles": APPROVER_ROLES, "method": "filing",
                   "steps": ("file", "refuse-filing", "transfer")},
        "section": {"title": "待科室初审", "roles": SECTION_HEAD_ROLES, "method": "section",
                    "steps": ("section-review",), "table": ReviewQueueTable},
        "decide": {"title": "待作出决定", "roles": LEADER_ROLES, "method": "decide", "steps": ("decide", "no-penalty")},
        "deliberation": {"title": "待集体讨论", "roles": LEADER_ROLES, "method": "deliberation",
                         "steps": ("deliberation",)},
        "extension": {"title": "临近办案期限", "roles": LEADER_ROLES, "method": "extension", "steps": ("extension",)},
    }

    def filing(self, queryset):
        return queryset.filing_pending()

    def section(self, queryset):
        return queryset.awaiting_review(ReviewStage.SECTION)

    def decide(self, queryset):
        return queryset.awaiting_decision(self.today)

    def deliberation(self, queryset):
        return queryset.needing_deliberation()

    def extension(self, queryset):
        return queryset.nearing_limit(self.today)


# ---- a case's page -------------------------------------------------------------------------------------------------

def detail_queryset(today):
    by_user = ("officer__organisation", "certificate")
    return Case.objects.with_money(today).select_related(
        "organisation", "domain", "entity", "violation", "provision_broken__version__law",
        "penalty_provision__version__law", "source_inspection", "source_opinion", "created_by", "notice",
        "hearing__chair", "investigation_report__written_by", "reminder", "enforcement", "publication",
    ).prefetch_related(
        Prefetch("team", CaseOfficer.objects.select_related(*by_user)),
        Prefetch("evidence", Evidence.objects.select_related("added_by")),
        Prefetch("interviews", Interview.objects.select_related("recorder").prefetch_related("officers")),
        Prefetch("measures", Measure.objects.select_related("extension_approved_by")),
        Prefetch("reviews", LegalReview.objects.select_related("reviewer").order_by("round", "reviewed_on", "id")),
        Prefetch("deliberations", Deliberation.objects.select_related("chair").prefetch_related("attendees")),
        Prefetch("statements", Statement.objects.select_related("recorded_by")),
        Prefetch("services", Service.objects.select_related("served_by")),
        Prefetch("arrangements",
                 PaymentArrangement.objects.select_related("approved_by").prefetch_related("instalments")),
        Prefetch("payments", Payment.objects.select_related("recorded_by")),
        "appeals", Prefetch("extensions", CaseExtension.objects.select_related("approved_by")),
        Prefetch("documents", CaseDocument.objects.select_related("issued_by")),
        Prefetch("violation__bands"),
    )


def _provision(provision, cited: str) -> dict | None:
    if provision is None:
        return None
    return {"text": cited or str(provision), "url": reverse("laws:provision", args=[provision.pk])}


def ordered_bands(violation) -> list:
    """A violation's bands from 轻微 to 严重."""
    return sorted(violation.bands.all(), key=lambda b: BAND_ORDER.get(b.level, len(BAND_ORDER))) if violation else []


def _circumstances(case) -> list[str]:
    return [str(Case._meta.get_field(name).verbose_name) for name in CIRCUMSTANCES if getattr(case, name)]


def _penalty(case) -> dict:
    bands = ordered_bands(case.violation)
    band = next((b for b in bands if b.level == case.band_level), None)
    return {"kinds": [PENALTY_LABELS.get(k, k) for k in case.penalty_kind_codes], "bands": bands, "band": band,
            "notified": [PENALTY_LABELS.get(k, k) for k in case.notified_penalty_kinds.split()],
            "discretion_problem": discretion_problem(case, {}) if case.penalty_kinds else None,
            "waiver_possible": services.first_offence_waiver_possible(case)}


def _review_rounds(case) -> list[tuple[int, list]]:
    return [(n, list(found)) for n, found in groupby(case.reviews.all(), key=lambda r: r.round)]


def _sources(case) -> dict:
    def link(name, pk):
        return reverse(name, args=[pk]) if pk else None

    return {"entity_url": link("entities:detail", case.entity_id),
            "inspection_url": link("inspections:detail", case.source_inspection_id),
            "opinion_url": link("inspections:opinion_detail", case.source_opinion_id)}


def _publication(case, user) -> dict:
    """The case's publication, or the way to publish it when its decision is one the portal shows."""
    from .querysets_publication import PUBLISHABLE_STATES

    publication = getattr(case, "publication", None)
    if publication is not None:
        return {"publication": publication, "publication_url": publication_url("detail", publication.pk)}
    publishable = (case.procedure == Procedure.GENERAL and case.status in PUBLISHABLE_STATES and case.penalty_kinds
                   and case.decision_number and user.has_role(*LEGAL_ROLES))
    return {"publication": None, "publication_url": publication_url("preview", case.pk) if publishable else None}


@login_required
@require_GET
def case_detail(request, pk):
    today = timezone.localdate()
    case = visible_or_404(detail_queryset(today), request.user, pk)
    user = request.user
    where = standing(case, user)
    case.open_measures = [m for m in case.measures.all() if m.decided_on is None and m.released_on is None]
    owes = bool(case.fine_amount or case.confiscation_amount) and case.decided_on is not None
    context = {
        "case": case, "status_badge": status_badge(case), "where": where, "today": today,
        "surcharge_percent": SURCHARGE_PERCENT,
        "steps": [(step, step.url(case)) for step in available_steps(case, user, where)],
        "clocks": case_clocks(case, ClockBook(today)),
        "broken": _provision(case.provision_broken, case.provision_broken_cited),
        "punishing": _provision(case.penalty_provision, case.penalty_provision_cited),
        "penalty": _penalty(case), "circumstances": _circumstances(case),
        "rules": {"legal": major.needs_legal_review(case), "deliberation": major.needs_deliberation(case),
                  "hearing": major.hearing_rights(case)},
        "measures": [(m, services.measure_ends_on(m), item_steps(case, user, where, m, "measure"))
                     for m in case.measures.all()],
        "appeals": [(a, item_steps(case, user, where, a, "appeal")) for a in case.appeals.all()],
        "rounds": _review_rounds(case),
        "balance": balance(case, today) if owes else None,
        "document_rows": document_rows(case, user),
        "archive_url": reverse("cases:case_archive", args=[case.pk]),
        **_publication(case, user),
        **_sources(case),
    }
    return render(request, "cases/detail.html", context)


# ---- the audit trail of a case and its records ---------------------------------------------------------------------

CHILD_MODELS = (Evidence, Interview, Measure, InvestigationReport, LegalReview, Deliberation, PriorNotice, Statement,
                Hearing, Service, PaymentArrangement, Payment, Appeal, Reminder, EnforcementApplication, CaseExtension,
                CaseOfficer, CaseDocument)


def case_events(case):
    """The case's own events and those of every record under it, in the chain's order."""
    condition = Q(object_type=Case._meta.label_lower, object_id=str(case.pk))
    for model in CHILD_MODELS:
        ids = model.objects.filter(case=case).annotate(text_id=Cast("pk", CharField())).values("text_id")
        condition |= Q(object_type=model._meta.label_lower, object_id__in=ids)
    return AuditEvent.objects.filter(condition).select_related("actor").order_by("-seq")


@login_required
@require_GET
def case_history(request, pk):
    case = visible_or_404(Case.objects.all(), request.user, pk)
    page = Paginator(case_events(case), 30).get_page(request.GET.get("page"))
    labels = {m._meta.label_lower: str(m._meta.verbose_name) for m in (Case, *CHILD_MODELS)}
    rows = [{"event": e, "what": labels.get(e.object_type, e.object_type), "changes": e.changes(Case)
             if e.object_type == Case._meta.label_lower else e.changes()} for e in page]
    template = "cases/_history.html" if request.htmx else "cases/history.html"
    return render(request, template, {"case": case, "page_obj": page, "rows": rows})


# ---- files and small parts -------------------------------------------------------------------------------------------

@login_required
@require_GET
def evidence_file(request, pk, evidence_pk):
    """An evidence file, to those who may see the case only."""
    case = visible_or_404(Case.objects.all(), request.user, pk)
    evidence = case.evidence.filter(pk=evidence_pk).first()
    if evidence is None or not evidence.file:
        raise Http404("证据文件不存在。")
    return FileResponse(evidence.file.open("rb"), as_attachment=True,
                        filename=evidence.original_name or evidence.file.name.rsplit("/", 1)[-1])


@login_required
@require_GET
def violation_bands(request):
    """The bands of a violation, for the facts form when the violation is changed."""
    pk = request.GET.get("violation", "")
    violation = Violation.objects.filter(pk=pk).prefetch_related("bands").first() if pk.isdigit() else None
    return render(request, "cases/panels/bands.html", {"bands": ordered_bands(violation), "violation": violation})
