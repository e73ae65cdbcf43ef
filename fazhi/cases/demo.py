"""Demo penalty cases for the two model counties: about a year of a county's cases, in every state of both
procedures, in the proportions of the model reports (43 general, 5 simple filed, 5 collectively deliberated).

Every case is played through the services by the county's own demo staff, on dates counted back from the day
the demo loads, so numbers, clocks, guards and the audit chain are the real ones: a case is in a state only if
the law let it get there. A case starts from the demo's inspections where they offer one (a non-conforming
item of a signed on-site record, a failed rectification), otherwise from a complaint or a referral. Violations
and their bands come from the seeded discretion table; without it, no case is made.

The acts of all a county's cases are played in the order of their days, so that numbers run as a bureau issues
them (the year's first decision is 1号). Deterministic (each case has its own seed) and idempotent: each planned
case carries a fixed submission key, so a second run finds it and adds nothing. An act the rules refuse is
rolled back; its case stays at its last lawful step and the summary line says which and why.
"""
from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core.choices import Role
from fazhi.core.certificates import may_enforce
from fazhi.core.demo import DemoStep, register_demo_step
from fazhi.core.models import EnforcementCertificate, User
from fazhi.core.validators import id_card_check_character
from fazhi.core.workdays import is_workday, next_workday, shared_calendar
from fazhi.core.workflow import TransitionRefused
from fazhi.entities.choices import EntityStatus, LegalForm
from fazhi.entities.demo import demo_bureaus
from fazhi.entities.models import Entity

from . import clocks, reviews, services
from .applicable_law import judged_provisions
from .choices import BandLevel, CaseSource, EvidenceKind, MeasureKind, PenaltyKind, Procedure, ReviewAspect
from .choices import ReviewOutcome, ReviewStage, ServiceMethod
from .models import Case, Violation
from .rules import CASE_RULES

SEED = 20260401
KEY_NAMESPACE = uuid.UUID("6b1f0c52-6a0e-4f4b-9a57-3c1de0a2f1a4")  # submission keys of the demo's cases

# How heavy a case is, which decides its reviews: ordinary cases pass 科室初审 and 法制审核; complex ones and
# large fines are also deliberated by the leaders, and a large fine carries hearing rights (rule table).
ORDINARY, COMPLEX, LARGE, LENIENT, TRANSFER = "ordinary", "complex", "large", "lenient", "transfer"
# Domains of the demo's cases, weighted as a county's caseload runs (medical waste and clinics first).
DOMAIN_WEIGHTS = {"infectious_disease": 30, "medical_service": 25, "public_place": 18, "drinking_water": 8,
                  "occupational": 8, "school": 5, "maternal_family": 3, "radiation": 3}
SIMPLE_DOMAIN_WEIGHTS = {"public_place": 60, "infectious_disease": 40}
# A fine proposed in the demo stays below the rule table's "large" amounts, except in LARGE cases.
ORDINARY_FINE_CEILING = Decimal("49500")
LARGE_FINE_CEILING = Decimal("60000")
# An act ends up to this many days before the bureau learns of it.
ACT_ENDED_DAYS = 20
# Domains whose violations are committed by medical institutions only.
MEDICAL_DOMAINS = ("medical_service", "infectious_disease", "maternal_family")
MEDICAL_KIND = "medical"  # the entity kind of 医疗机构 (fazhi.entities.rules.ENTITY_KINDS)
# Violations a suspected crime is typically transferred for (行政处罚法第二十七条): illegal medical practice.
TRANSFER_VIOLATION_WORDS = ("非医师行医", "未取得医疗机构执业许可证")


@dataclass(frozen=True)
class Plan:
    """One demo case: the act it stops after, and how it runs.

    `age`: the case is received at least this many days before today; `lag`: its last act is at least this
    many days before today. Extras: late_filing, preservation, extension, waiver, statement, adopted (the
    statement lowers the fine), hearing, finding (from an on-site record), referral (from a rectification),
    fine / warning (the penalty must include a fine / be a warning only). A case that reaches service proposes
    a fine, so that it has something to pay.
    """

    key: str
    stop: str
    age: int = 0
    lag: int = 0
    weight: str = ORDINARY
    source: str = CaseSource.COMPLAINT
    extras: tuple[str, ...] = ()
    procedure: str = Procedure.GENERAL


# A case left awaiting its hearing has it next week.
HEARING_AHEAD_DAYS = 5


def _general(key, stop, age=0, lag=0, weight=ORDINARY, source=CaseSource.COMPLAINT, *extras) -> Plan:
    return Plan(key, stop, age, lag, weight, source, extras)


I, C, R, T = CaseSource.INSPECTION, CaseSource.COMPLAINT, CaseSource.REFERRAL, CaseSource.TRANSFER
# 44 general-procedure cases over the past year, in every state; five of them deliberated (COMPLEX, LARGE).
GENERAL_PLANS: tuple[Plan, ...] = (
    _general("g01", "open", 0, 0, ORDINARY, I, "finding"),          # 待立案审批, from today's on-site record
    _general("g02", "open", 2, 0, ORDINARY, C),
    _general("g03", "refuse", 25, 0, ORDINARY, C, "limitation"),    # 不予立案: the act ended over two years ago
    _general("g04", "transfer", 70, 0, TRANSFER, R),                # 移送公安机关
    _general("g05", "withdraw", 150, 0, ORDINARY, C),               # 撤销立案
    _general("g06", "file", 0, 0, ORDINARY, I, "referral"),         # 调查取证, from a failed rectification
    _general("g07", "investigate", 6, 0, ORDINARY, C),
    _general("g08", "preservation", 14, 0, ORDINARY, I, "preservation"),
    _general("g09", "investigate", 30, 0, ORDINARY, R, "late_filing"),
    _general("g10", "investigate", 66, 0, ORDINARY, C),             # past the 60-day warning
    _general("g11", "extension", 0, 1, ORDINARY, I, "extension"),   # the 90 days extended before they ran out
    _general("g12", "conclude", 0, 1, ORDINARY, I),                 # 审核中: awaiting 科室初审
    _general("g13", "section", 0, 0, ORDINARY, C),                  # awaiting 法制审核
    _general("g14", "legal", 0, 1, ORDINARY, I),                    # reviewed, awaiting the prior notice
    _general("g15", "notify", 0, 0, ORDINARY, I),                   # 已事先告知: the windows run
    _general("g16", "statement", 0, 1, ORDINARY, C, "statement"),
    _general("g17", "hearing_schedule", 0, 1, LARGE, I, "hearing"),  # 听证程序: the hearing is next week
    _general("g18", "decide", 0, 1, ORDINARY, I),                   # 已作出决定, to be served
    _general("g19", "serve", 0, 3, ORDINARY, I),                    # 已送达待履行
    _general("g20", "serve", 0, 8, COMPLEX, C),
    _general("g21", "serve", 0, 11, ORDINARY, R, "waiver"),
    _general("g22", "pay", 0, 4, ORDINARY, I),                      # 已履行
    _general("g23", "pay", 0, 18, ORDINARY, C),
    _general("g24", "remind", 0, 6, ORDINARY, I),                   # 已催告
    _general("g25", "remind", 0, 30, ORDINARY, C),
    _general("g26", "enforce", 0, 5, COMPLEX, I),                   # 申请人民法院强制执行
    _general("g27", "no_penalty", 0, 2, LENIENT, I),                # 不予处罚
    _general("g28", "close", 60, 0, ORDINARY, I),                   # 已结案
    _general("g29", "close", 85, 0, LENIENT, C),
    _general("g30", "close", 100, 0, ORDINARY, I, "waiver"),
    _general("g31", "close", 120, 0, COMPLEX, C),
    _general("g32", "close", 135, 0, ORDINARY, R),
    _general("g33", "close", 150, 0, ORDINARY, I, "statement", "adopted"),
    _general("g34", "close", 170, 0, ORDINARY, I),
    _general("g35", "close", 185, 0, ORDINARY, T),
    _general("g36", "archive", 200, 0, LARGE, I, "hearing"),        # 已归档, after a hearing
    _general("g37", "archive", 215, 0, ORDINARY, I),
    _general("g38", "archive", 230, 0, LENIENT, I),
    _general("g39", "archive", 250, 0, ORDINARY, C, "waiver"),
    _general("g40", "archive", 270, 0, ORDINARY, I, "preservation"),
    _general("g41", "archive", 290, 0, ORDINARY, R),
    _general("g42", "archive", 305, 0, ORDINARY, I),
    _general("g43", "archive", 320, 0, ORDINARY, C, "late_filing"),
    _general("g44", "archive", 335, 0, ORDINARY, I),
)
# Simple-procedure cases: decided on the spot; all but the newest filed with the bureau (备案).
SIMPLE_PLANS: tuple[Plan, ...] = (
    Plan("s01", "open", 0, 0, ORDINARY, I, ("warning",), Procedure.SIMPLE),  # 当场处罚待备案
    Plan("s02", "record", 0, 4, ORDINARY, I, ("fine",), Procedure.SIMPLE),   # 已备案, the fine not yet due
    Plan("s03", "close", 40, 0, ORDINARY, I, ("fine",), Procedure.SIMPLE),
    Plan("s04", "close", 110, 0, ORDINARY, I, ("warning",), Procedure.SIMPLE),
    Plan("s05", "archive", 200, 0, ORDINARY, I, ("warning",), Procedure.SIMPLE),
    Plan("s06", "archive", 300, 0, ORDINARY, I, ("fine",), Procedure.SIMPLE),
)
# Stops after which the case owes something: its penalty includes a fine.
PAYING_STOPS = ("serve", "pay", "remind", "enforce")
PLANS = GENERAL_PLANS + SIMPLE_PLANS


# ---- the county's people and the violations it punishes ---------------------------------------------------------

@dataclass
class Staff:
    """The demo county's people by what they do in a case, and the officers who may be put on one."""

    head: User  # 科室负责人: files, reviews first, closes
    legal: User  # 法制审核员: reviews, chairs hearings, archives
    leader: User  # 分管领导: decides
    chief: User  # 主要领导: chairs the collective deliberation
    officers: list[User] = field(default_factory=list)
    certified_in: dict[str, set[int]] = field(default_factory=dict)  # domain → officers with a certificate for it

    def team(self, rng: random.Random, domain: str, start: dt.date, end: dt.date) -> list[User]:
        """Two officers certified for `domain` over the whole case (start to end), or none."""
        holders = self.certified_in.get(domain, ())
        fit = [o for o in self.officers
               if o.pk in holders and may_enforce(o, domain, start) and may_enforce(o, domain, end)]
        return rng.sample(fit, CASE_RULES.min_officers) if len(fit) >= CASE_RULES.min_officers else []


def _staff(bureau) -> Staff | None:
    people = (User.objects.filter(organisation__bureau=bureau, is_active=True)
              .prefetch_related("role_assignments").order_by("username"))

    def first(role):
        return next((p for p in people if p.has_role(role) and not p.is_superuser), None)

    reviewing = {Role.SECTION_HEAD, Role.LEGAL_REVIEWER, Role.LEADER, Role.CHIEF}
    found = {"head": first(Role.SECTION_HEAD), "legal": first(Role.LEGAL_REVIEWER), "leader": first(Role.LEADER),
             "chief": first(Role.CHIEF)}
    if None in found.values():
        return None
    # Investigators never review or decide their own cases (审查与调查分离): officers holding no reviewing role.
    officers = [p for p in people if p.has_role(Role.OFFICER) and not p.roles & reviewing]
    certified_in: dict[str, set[int]] = {}
    for holder, domain in (EnforcementCertificate.domains.through.objects
                           .filter(enforcementcertificate__holder__in=officers)
                           .values_list("enforcementcertificate__holder_id", "domain_id")):
        certified_in.setdefault(domain, set()).add(holder)
    return Staff(officers=officers, certified_in=certified_in, **found)


@dataclass(frozen=True)
class Option:
    """A violation with the penalty a demo case proposes for it: a band and a fine range, or a warning only."""

    violation: Violation
    level: str = ""
    fine_low: Decimal | None = None
    fine_high: Decimal | None = None

    @property
    def kinds(self) -> str:
        kinds = self.violation.penalty_kinds.split()
        chosen = [k for k in (PenaltyKind.WARNING, PenaltyKind.FINE) if k in kinds
                  and (k == PenaltyKind.WARNING or self.fine_high is not None)]
        return " ".join(chosen)

    def fine(self, rng: random.Random) -> Decimal | None:
        """A round fine in the band: to 50 yuan below 1,000, to 500 below 20,000, else to 1,000."""
        if self.fine_high is None:
            return None
        step = Decimal(50) if self.fine_high <= 1000 else Decimal(500) if self.fine_high <= 20000 else Decimal(1000)
        low = max(self.fine_low or Decimal(0), step)
        steps = range(int((low / step).to_integral_value(ROUND_CEILING)), int(self.fine_high // step) + 1)
        return Decimal(rng.choice(steps)) * step if steps else None


def _options(violations: list[Violation], weight: str) -> list[Option]:
    """What the seeded bands allow for a case of `weight`. A violation whose fine has no amounts in the table
    (the law leaves them to rules not yet loaded) gives a warning only, never a guessed fine."""
    found = []
    for v in violations:
        kinds = v.penalty_kinds.split()
        bands = {b.level: b for b in v.bands.all() if b.fine_max is not None}
        if PenaltyKind.FINE in kinds and bands:
            for level in (BandLevel.MINOR, BandLevel.GENERAL, BandLevel.SERIOUS):
                band = bands.get(level)
                if band is None:
                    continue
                low = band.fine_min if band.fine_min is not None else v.fine_min or Decimal(0)
                if weight == LARGE:
                    if Decimal("50000") <= low <= LARGE_FINE_CEILING and level == BandLevel.MINOR:
                        found.append(Option(v, level, low, min(band.fine_max, LARGE_FINE_CEILING)))
                elif weight == Procedure.SIMPLE:
                    if low <= CASE_RULES.simple_fine_max_organisation:
                        found.append(Option(v, level, low, min(band.fine_max, CASE_RULES.simple_fine_max_organisation)))
                elif low < ORDINARY_FINE_CEILING:
                    found.append(Option(v, level, low, min(band.fine_max, ORDINARY_FINE_CEILING)))
        elif PenaltyKind.WARNING in kinds and weight != LARGE:
            found.append(Option(v))
    return found


def _violations() -> list[Violation]:
    return list(Violation.objects.filter(is_active=True, provision_broken__isnull=False,
                                         penalty_provision__isnull=False).prefetch_related("bands").order_by("code"))


# ---- dates -------------------------------------------------------------------------------------------------------

def _workday(day: dt.date) -> dt.date:
    """The day itself when the bureau works on it, else the next working day."""
    return day if is_workday(day) else next_workday(day)


def _workday_before(day: dt.date) -> dt.date:
    while not is_workday(day):
        day -= dt.timedelta(days=1)
    return day


class _Course:
    """The acts of one case's whole course with their days, built forward from its receipt."""

    def __init__(self, received: dt.date, rng: random.Random):
        self.acts, self.rng = [("open", received)], rng

    @property
    def day(self) -> dt.date:
        return self.acts[-1][1]

    def then(self, name: str, low: int, high: int | None = None, *, workday: bool = True) -> dt.date:
        """The next act, `low` to `high` days after the last, on a working day unless the party acts."""
        day = self.day + dt.timedelta(days=self.rng.randint(low, low if high is None else high))
        return self.on(name, _workday(day) if workday else day)

    def on(self, name: str, day: dt.date) -> dt.date:
        self.acts.append((name, day))
        return day


def _timeline(plan: Plan, received: dt.date, rng: random.Random) -> list[tuple[str, dt.date]]:
    """Every act of the plan's whole course with its day, from receipt on; the caller plays them up to `stop`."""
    course = _Course(received, rng)
    if plan.procedure == Procedure.SIMPLE:  # decided on the spot on receipt, filed with the bureau within days
        course.then("record", 0, CASE_RULES.simple_filing_days, workday=False)
        course.on("pay", max(course.day, received + dt.timedelta(days=rng.randint(2, CASE_RULES.payment_days - 1))))
        course.then("close", 3, 12)
        course.then("archive", 10, 40)
        return course.acts
    filed = course.then("file", *((9, 12) if "late_filing" in plan.extras else (0, 3)))
    if "limitation" in plan.extras:
        course.acts[-1] = ("refuse", filed)
        return course.acts
    course.then("investigate", 1, 5)
    if "preservation" in plan.extras:  # preserved on filing, decided on within the seven days (第五十六条)
        course.on("preservation", min(course.day, clocks.preservation_due(filed)))
    if plan.weight == TRANSFER:
        course.then("transfer", 5, 20)
        return course.acts
    if plan.stop == "withdraw":
        course.then("withdraw", 10, 30)
        return course.acts
    course.then("conclude", *((20, 40) if plan.weight in (COMPLEX, LARGE) else (10, 35)))
    course.then("section", 1, 3)
    course.then("legal", 1, 4)
    if plan.weight == LENIENT:
        course.then("no_penalty", 1, 4)
    else:
        if plan.weight in (COMPLEX, LARGE):
            course.then("deliberate", 2, 6)
        _decision_course(plan, course)
        if plan.stop in ("remind", "enforce"):
            return course.acts
    course.then("close", 3, 15)
    course.then("archive", 10, 40)
    return _with_extension(plan, course.acts, rng)


def _decision_course(plan: Plan, course: _Course) -> None:
    """From the prior notice to payment, or to the reminder and the court when the fine goes unpaid."""
    rng = course.rng
    notice = course.then("notify", 1, 3)
    if "waiver" in plan.extras:
        course.on("waiver", notice)
        course.then("decide", 1, 2)
    elif "hearing" in plan.extras:
        course.then("hearing_request", 1, 3, workday=False)
        course.then("hearing_schedule", 1, 2)
        course.then("hearing_held", 8, 12)
        course.then("hearing_review", 1, 3)
        course.then("decide", 1, 3)
    else:
        if "statement" in plan.extras:
            course.then("statement", 1, 2, workday=False)
        windows_end = clocks.statement_until(notice)
        if plan.weight == LARGE:
            windows_end = max(windows_end, clocks.hearing_request_until(notice))
        course.on("decide", _workday(windows_end + dt.timedelta(days=rng.randint(1, 4))))
    decided = course.day
    drawn = _workday(decided + dt.timedelta(days=rng.randint(0, 4)))
    served = course.on("serve", min(drawn, clocks.service_due(decided)))  # within the seven days (第六十一条)
    due = clocks.payment_due(served)
    if plan.stop in ("remind", "enforce"):
        reminded = course.on("remind", _workday(due + dt.timedelta(days=rng.randint(10, 40))))  # served that day
        window = clocks.enforcement_window(served, reminded)
        course.on("enforce", min(_workday(window.opens_on + dt.timedelta(days=rng.randint(0, 15))), window.closes_on))
        return
    course.on("pay", min(served + dt.timedelta(days=rng.randint(2, 13)), due))


def _with_extension(plan: Plan, acts, rng: random.Random):
    """Insert an approved extension (行政处罚法第六十条) before the first act up to the decision that would fall
    after the 90 days, on a working day shortly before they run out; the plan may ask for one before concluding."""
    names = [name for name, _ in acts]
    deadline = clocks.decision_deadline(dict(acts)["file"])
    ending = next(n for n, name in enumerate(names) if name in ("decide", "no_penalty"))
    late = next((n for n in range(names.index("file") + 1, ending + 1) if acts[n][1] > deadline), None)
    if "extension" in plan.extras:
        late = names.index("conclude")
    if late is None:
        return acts
    day = min(max(acts[late - 1][1], _workday_before(deadline - dt.timedelta(days=rng.randint(2, 6)))), deadline)
    return acts[:late] + [("extension", day)] + acts[late:]


def _fitted(plan: Plan, today: dt.date, seed: str) -> list[tuple[str, dt.date]]:
    """The plan's acts up to its stop, received `age` days ago or earlier, so that the stop falls on or before
    today less `lag`. Dates snap to working days, so the receipt moves back until the stop fits."""
    received = today - dt.timedelta(days=plan.age)
    for _ in range(20):
        acts = _timeline(plan, received, random.Random(seed))
        names = [name for name, _ in acts]
        cut = acts[:names.index(plan.stop) + 1] if plan.stop in names else acts
        overflow = (cut[-1][1] - (today - dt.timedelta(days=plan.lag))).days
        if overflow <= 0:
            return cut
        received -= dt.timedelta(days=overflow)
    raise ValueError(f"demo case {plan.key} does not fit before {today}")


# ---- playing one case ---------------------------------------------------------------------------------------------

def client_key(bureau, plan: Plan) -> uuid.UUID:
    return uuid.uuid5(KEY_NAMESPACE, f"{bureau.region.code}/{plan.key}")


@dataclass
class County:
    bureau: object
    staff: Staff
    options: dict[str, list[Option]]
    today: dt.date
    used_entities: set[int]

    @property
    def place(self) -> str:
        return self.bureau.name.removesuffix("卫生健康局")  # 开平市, 威海市环翠区

    @property
    def court(self) -> str:
        return f"{self.place}人民法院"

    @property
    def police(self) -> str:
        region = self.bureau.region
        if region.name.endswith("区"):  # a district's police is a branch of the city's bureau
            return f"{region.parent.name}公安局{region.name.removesuffix('区')}分局"
        return f"{region.name}公安局"


class Skipped(Exception):
    """The demo county lacks what this case needs (a fitting entity, team or violation)."""


def _choose(county: County, plan: Plan, rng: random.Random, received: dt.date, last: dt.date):
    """A violation option, an entity of its domain and a team certified for it over the whole case."""
    weight = Procedure.SIMPLE if plan.procedure == Procedure.SIMPLE else plan.weight
    options = county.options[weight]
    if "fine" in plan.extras or plan.stop in PAYING_STOPS:
        options = [o for o in options if o.fine_high is not None]
    if "warning" in plan.extras:
        options = [o for o in options if o.fine_high is None]
    weights = SIMPLE_DOMAIN_WEIGHTS if weight == Procedure.SIMPLE else DOMAIN_WEIGHTS
    domains = [d for d in weights if any(o.violation.domain_id == d for o in options)]
    rng.shuffle(domains)
    domains.sort(key=lambda d: -weights[d] * rng.random())
    for domain in domains:
        team = county.staff.team(rng, domain, received, last)
        if not team:
            continue
        candidates = [o for o in options if o.violation.domain_id == domain]
        rng.shuffle(candidates)
        act_from = received - dt.timedelta(days=ACT_ENDED_DAYS)
        option = next((o for o in candidates if _judgeable(o.violation, act_from, received, county.today)), None)
        if option is None:
            continue
        entities = (Entity.objects.filter(organisation=county.bureau, status=EntityStatus.OPERATING, domains=domain)
                    .exclude(credit_code=""))
        if domain in MEDICAL_DOMAINS:  # schools share the infectious-disease domain, but not its violations
            entities = entities.filter(kind=MEDICAL_KIND)
        if plan.weight == TRANSFER:  # illegal practice is found in small clinics, not hospitals
            entities = entities.filter(sub_kind__in=("clinic", "village_clinic"))
        if option.fine_high is not None or plan.procedure == Procedure.GENERAL:
            # an individual business answers as a citizen, for whom a fine is "large" far sooner (rule table)
            entities = entities.exclude(legal_form=LegalForm.INDIVIDUAL)
        pool = [e for e in entities.order_by("id")[:400] if e.pk not in county.used_entities]
        if pool:
            entity = rng.choice(pool)
            county.used_entities.add(entity.pk)
            return option, entity, team
    raise Skipped(f"{plan.key}：没有可用的违法行为、监管对象或持证执法人员")


def _judgeable(violation: Violation, act_from: dt.date, act_to: dt.date, decided: dt.date) -> bool:
    """Whether the library holds the texts a case of `violation` is judged under (行政处罚法第三十七条) for an act
    ended between the two days and decided by `decided`: the services refuse a decision without them."""
    for act_ended in (act_from, act_to):
        key = (violation.pk, act_ended, decided)
        if key not in _judged:
            probe = Case(act_ended_on=act_ended, provision_broken=violation.provision_broken,
                         penalty_provision=violation.penalty_provision)
            try:
                judged_provisions(probe, decided)
                _judged[key] = True
            except ValidationError:
                _judged[key] = False
        if not _judged[key]:
            return False
    return True


_judged: dict[tuple, bool] = {}


def _id_card(rng: random.Random, region_code: str) -> str:
    """A well-formed resident identity card number of someone born 1965–1995 in the county."""
    born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 30))
    body = f"{region_code}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + id_card_check_character(body)


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _money(amount: Decimal | None) -> str:
    return f"{amount:,.0f}元" if amount else ""


def _facts(entity, violation, act_ended: dt.date, found_on: dt.date) -> str:
    return (f"{found_on:%Y年%m月%d日}，本机关执法人员依法对{entity.name}（地址：{entity.address}）进行调查，"
            f"发现当事人存在{violation.name}的行为，该行为持续至{act_ended:%Y年%m月%d日}。"
            "上述事实有现场检查执法记录仪视频、询问笔录等证据证实。")


def _proposal(option: Option, fine: Decimal | None) -> str:
    labels = dict(PenaltyKind.choices)
    kinds = [labels[k] for k in option.kinds.split()]
    if fine:
        kinds = [f"罚款人民币{_money(fine)}" if k == labels[PenaltyKind.FINE] else k for k in kinds]
    return "、".join(kinds)


def _aspects(text: str) -> dict[str, str]:
    return {a: text for a in ReviewAspect.values}


class Player:
    """Plays one plan's acts through the services, each as the person who does it in a bureau."""

    def __init__(self, county: County, plan: Plan, acts, course, rng: random.Random):
        self.county, self.plan, self.acts, self.course, self.rng = county, plan, acts, dict(course), rng
        self.staff = county.staff
        self.case: Case | None = None
        self.option: Option | None = None
        self.fine: Decimal | None = None
        self.team: list[User] = []
        self.entity = None
        self.check = None
        self.opinion = None

    @property
    def lead(self) -> User:
        return self.team[0]

    def refresh(self) -> Case:
        self.case = Case.objects.select_related("violation").get(pk=self.case.pk)
        return self.case

    def act(self, name: str, day: dt.date) -> None:
        getattr(self, f"act_{name}")(day)

    # -- opening ----------------------------------------------------------------------------------------------
    def act_open(self, day: dt.date) -> None:
        if "finding" in self.plan.extras and self.check is not None:
            self.case = services.open_case_from_finding(self.check, actor=self.lead,
                                                        client_key=client_key(self.county.bureau, self.plan))
            return
        if "referral" in self.plan.extras and self.opinion is not None:
            self.case = services.refer_rectification(
                self.opinion, actor=self.lead, today=day,
                reason="经复查，当事人提交的整改材料与现场情况不符，未按卫生监督意见书要求完成整改，转立案调查。")
            return
        if self.plan.procedure == Procedure.SIMPLE:
            return self.on_the_spot(day)
        violation = self.option.violation
        act_ended = day - dt.timedelta(days=self.rng.randint(0, ACT_ENDED_DAYS))
        if "limitation" in self.plan.extras:
            long_ago = clocks.add_years(day, -CASE_RULES.limitation_years)
            act_ended = long_ago - dt.timedelta(days=self.rng.randint(20, 90))
        flags = {}
        if self.plan.weight == LENIENT:
            flags = {"is_first_offence": True, "harm_minor": True, "corrected": True}
        if self.plan.weight == COMPLEX:
            flags = {"is_complex": True}
        sources = {
            CaseSource.INSPECTION: "日常监督检查中发现",
            CaseSource.COMPLAINT: "群众通过12345政务服务便民热线投诉举报",
            CaseSource.REFERRAL: "市场监督管理部门移送案件线索",
            CaseSource.TRANSFER: "上级卫生健康行政部门交办",
        }
        self.case = services.open_case(
            actor=self.lead, source=self.plan.source, received_on=day, cause=violation.name, entity=self.entity,
            officers=self.team, lead=self.lead, violation=violation, source_detail=sources[self.plan.source],
            client_key=client_key(self.county.bureau, self.plan), act_ended_on=act_ended,
            facts=_facts(self.entity, violation, act_ended, day), **flags,
        )

    def on_the_spot(self, day: dt.date) -> None:
        option, entity = self.option, self.entity
        self.fine = option.fine(self.rng)
        # an individual business answers as its owner, identified by an identity card
        party = None
        if entity.legal_form == LegalForm.INDIVIDUAL:
            party = {"party_id_number": _id_card(self.rng, self.county.bureau.region.code)}
        self.case = services.decide_on_the_spot(
            actor=self.lead, cause=option.violation.name, violation=option.violation, penalty_kinds=option.kinds,
            facts=f"{day:%Y年%m月%d日}现场检查发现，当事人{option.violation.name}，违法事实清楚，当事人当场承认。",
            place=entity.address, on=day, entity=entity, party=party, officers=self.team, fine_amount=self.fine,
            client_key=client_key(self.county.bureau, self.plan),
        )

    def act_record(self, day: dt.date) -> None:
        services.record_with_bureau(self.case, actor=self.lead, on=day)

    # -- filing and investigation -------------------------------------------------------------------------------
    def act_file(self, day: dt.date) -> None:
        if self.case.act_ended_on is None:  # a failed rectification: the act went on until it was handed over
            self.case = services.update_case(self.case, actor=self.lead, act_ended_on=self.case.received_on)
        due = clocks.filing_due(self.case.received_on)
        reason = "需核实当事人主体资格及违法行为持续时间，立案审批延后" if day > due else ""
        services.file_case(self.case, actor=self.staff.head, on=day, delay_reason=reason)

    def act_refuse(self, day: dt.date) -> None:
        try:
            services.file_case(self.case, actor=self.staff.head, on=day)
        except TransitionRefused as refusal:  # the limitation period has run: the guard says so, in its words
            services.refuse_filing(self.case, actor=self.staff.head, reason=str(refusal), on=day)
            return
        raise Skipped(f"{self.plan.key}：立案未因追责时效被拒绝")

    def act_investigate(self, day: dt.date) -> None:
        case, lead, filed = self.case, self.lead, self.case.filed_on
        record = getattr(case.source_inspection, "record", None) if case.source_inspection_id else None
        if record is not None:
            services.add_evidence(case, actor=lead, kind=EvidenceKind.RECORD, title=f"现场笔录{record.number}",
                                  collected_on=timezone.localtime(record.arrived_at).date(), onsite_record=record)
        services.add_evidence(
            case, actor=lead, kind=EvidenceKind.AUDIOVISUAL, title="现场检查执法记录仪视频", collected_on=filed,
            description="记录当事人经营场所现状及违法行为情况。", bodycam_device=f"DSJ-{lead.pk:04d}",
            bodycam_file_id=f"{filed:%Y%m%d}-{case.pk:05d}", bodycam_seconds=self.rng.randint(600, 2400))
        start = _aware(day, self.rng.choice((9, 10, 14, 15)))
        representative = case.party_representative or "当事人"
        services.record_interview(
            case, actor=lead, interviewee=representative, interviewee_role="法定代表人（负责人）",
            place=case.party_address or "当事人经营场所", started_at=start, ended_at=start + dt.timedelta(minutes=50),
            officers=self.team, signed=True,
            transcript=(f"问：我们是{self.county.place}卫生健康局的执法人员，已出示执法证件，你是否看清？\n答：看清了。\n"
                        f"问：请说明{case.cause}的情况。\n答：情况属实，我们愿意配合调查并立即改正。"))
        if self.case.violation_id and self.plan.weight != LENIENT and self.plan.weight != TRANSFER:
            self.propose(self.option)

    def propose(self, option: Option) -> None:
        self.fine = option.fine(self.rng)
        reasons = ""
        if option.level and self.fine is None:
            reasons = "裁量基准该阶次不设罚款金额，结合违法情节给予警告。"
        services.update_case(self.case, actor=self.lead, penalty_kinds=option.kinds, fine_amount=self.fine,
                             band_level=option.level, discretion_reasons=reasons)

    def act_preservation(self, day: dt.date) -> None:
        measure = services.start_measure(self.case, actor=self.lead, kind=MeasureKind.PRESERVATION,
                                         items="相关登记台账1册、票据12张", started_on=self.case.filed_on,
                                         approved_by=self.staff.head)
        services.decide_measure(measure, actor=self.lead, decision="登记保存的物品作为证据留存，复印件附卷，原件退还当事人",
                                on=day)

    def act_extension(self, day: dt.date) -> None:
        services.extend_deadline(self.case, actor=self.staff.leader, days=CASE_RULES.extension_max_days, on=day,
                                 reason="案情复杂，需调取相关检测报告并补充询问，经负责人批准延长办案期限。")

    def act_transfer(self, day: dt.date) -> None:
        services.transfer_case(self.case, actor=self.staff.head, transferred_to=self.county.police, on=day,
                               reason="经调查，当事人涉嫌非法行医，情节严重，涉嫌构成犯罪，依法移送公安机关（行政处罚法第二十七条）。")

    def act_withdraw(self, day: dt.date) -> None:
        services.withdraw_case(self.case, actor=self.staff.leader, on=day,
                               reason="经调查，现有证据不足以证明当事人实施了被举报的违法行为，撤销立案。")

    def act_conclude(self, day: dt.date) -> None:
        case = self.refresh()
        services.write_investigation_report(
            case, actor=self.lead, concluded_on=day,
            evidence_summary="1. 现场检查执法记录仪视频；2. 询问笔录；3. 当事人营业执照复印件。",
            analysis=(f"当事人的行为违反了{case.provision_broken_cited or case.provision_broken}的规定，"
                      f"依据{case.penalty_provision_cited or case.penalty_provision}应予处罚。"),
            proposal=(f"建议给予{_proposal(self.option, self.fine)}的行政处罚。" if self.plan.weight != LENIENT
                      else "当事人初次违法且危害后果轻微并及时改正，建议不予行政处罚，并对当事人进行教育。"))
        services.conclude_investigation(case, actor=self.lead, on=day)

    # -- review, notice and hearing -------------------------------------------------------------------------------
    def act_section(self, day: dt.date) -> None:
        reviews.record_review(self.case, stage=ReviewStage.SECTION, reviewer=self.staff.head,
                              outcome=ReviewOutcome.AGREE, reasons="事实清楚，证据确凿，同意承办人员意见，报法制审核。",
                              aspects=_aspects("无异议"), on=day)

    def act_legal(self, day: dt.date) -> None:
        reviews.record_review(self.case, stage=ReviewStage.LEGAL, reviewer=self.staff.legal,
                              outcome=ReviewOutcome.AGREE,
                              reasons="主体适格，事实清楚，证据确凿，定性准确，适用依据正确，程序合法，裁量适当。",
                              aspects=_aspects("合法、适当"), on=day)

    def act_deliberate(self, day: dt.date) -> None:
        staff = self.staff
        reviews.record_deliberation(
            self.case, actor=staff.legal, held_on=day, place="局三楼会议室", chair=staff.chief,
            attendees=[staff.chief, staff.leader, staff.legal, staff.head], conclusion=ReviewOutcome.AGREE,
            minutes="承办人员汇报案件事实、证据和拟处罚意见，法制审核人员汇报审核意见，参会人员逐一发表意见。",
            conclusion_text="同意承办人员拟作出的行政处罚意见，依法告知当事人。")

    def act_notify(self, day: dt.date) -> None:
        services.issue_notice(self.case, actor=self.lead, served_on=day, on=day)

    def act_waiver(self, day: dt.date) -> None:
        services.record_waiver(self.case, actor=self.lead, waived_on=day)

    def act_statement(self, day: dt.date) -> None:
        adopted = "adopted" in self.plan.extras
        services.record_statement(
            self.case, actor=self.lead, received_on=day, adopted=adopted,
            content="当事人提出已立即整改，且系初次违法，请求从轻处罚。",
            response=("经复核，当事人已及时改正，陈述理由成立，予以采纳，依法从轻处罚。" if adopted
                      else "经复核，当事人所述理由已在裁量时考虑，不予采纳，维持拟处罚意见。"))
        if adopted and self.fine:  # a fifth off, to the hundred, never below the band
            fifth_off = (self.fine * Decimal("0.8") / 100).to_integral_value() * 100
            lighter = max(self.option.fine_low or Decimal(0), fifth_off)
            if 0 < lighter < self.fine:
                self.fine = lighter
                services.update_case(self.case, actor=self.lead, fine_amount=lighter)

    def act_hearing_request(self, day: dt.date) -> None:
        services.request_hearing(self.case, actor=self.lead, requested_on=day)

    def act_hearing_schedule(self, day: dt.date) -> None:
        held = self.course["hearing_held"]
        if self.plan.stop == "hearing_schedule":
            # Not held yet, so still to come: the course fitted before today may have put it on a past day.
            held = max(held, _workday(self.county.today + dt.timedelta(days=HEARING_AHEAD_DAYS)))
        services.schedule_hearing(self.case, actor=self.staff.head, notified_on=day, scheduled_for=held,
                                  place="局听证室", chair=self.staff.legal)

    def act_hearing_held(self, day: dt.date) -> None:
        services.record_hearing(self.case, actor=self.staff.legal, held_on=day,
                                record="调查人员提出当事人违法的事实、证据和处罚建议；当事人进行申辩和质证；双方作最后陈述。",
                                chair_opinion="违法事实清楚，证据确凿，拟处罚意见适当，建议维持。")

    def act_hearing_review(self, day: dt.date) -> None:
        reviews.record_review(self.case, stage=ReviewStage.LEGAL, reviewer=self.staff.legal,
                              outcome=ReviewOutcome.AGREE, reasons="听证程序合法，当事人申辩意见不足以改变拟处罚意见，同意维持。",
                              aspects=_aspects("合法、适当"), on=day)

    # -- decision and after -------------------------------------------------------------------------------------
    def act_decide(self, day: dt.date) -> None:
        deciding = self.staff.chief if self.plan.weight in (COMPLEX, LARGE) else self.staff.leader
        services.decide(self.case, actor=deciding, on=day)

    def act_no_penalty(self, day: dt.date) -> None:
        services.decide_no_penalty(
            self.case, actor=self.staff.leader, on=day,
            reason="当事人初次违法且危害后果轻微并及时改正，依照《中华人民共和国行政处罚法》第三十三条第一款，不予行政处罚。",
            education_record=(f"{day:%Y年%m月%d日}，执法人员向当事人负责人讲解相关法律法规，指出违法行为的危害，"
                              "当事人表示今后严格遵守，并在教育记录上签字确认。"))

    def act_serve(self, day: dt.date) -> None:
        case = self.refresh()
        method = self.rng.choice((ServiceMethod.IN_PERSON, ServiceMethod.IN_PERSON, ServiceMethod.POST))
        services.serve_decision(case, actor=self.lead, served_on=day, method=method,
                                recipient=case.party_representative or case.party_name, place=case.party_address,
                                receiver_signature=case.party_representative
                                if method == ServiceMethod.IN_PERSON else "")

    def act_pay(self, day: dt.date) -> None:
        self.pay(day)

    def pay(self, day: dt.date) -> None:
        case = self.refresh()
        owed = Decimal(case.fine_amount or 0) + Decimal(case.confiscation_amount or 0)
        if owed:
            receipt = f"{self.county.bureau.region.code[:2]}{self.rng.randrange(10**9, 10**10)}"
            services.record_payment(case, actor=self.lead, paid_on=day, amount=owed, receipt_number=receipt)

    def act_remind(self, day: dt.date) -> None:
        services.remind(self.case, actor=self.lead, served_on=day, on=day)

    def act_enforce(self, day: dt.date) -> None:
        services.apply_enforcement(self.case, actor=self.staff.head, court=self.county.court, on=day)

    def act_close(self, day: dt.date) -> None:
        services.close_case(self.case, actor=self.staff.head, on=day)

    def act_archive(self, day: dt.date) -> None:
        services.archive_case(self.case, actor=self.staff.legal, on=day)


# ---- the step ---------------------------------------------------------------------------------------------------

def _finding(bureau):
    """A non-conforming item of a signed demo on-site record no case has come from yet."""
    from fazhi.inspections.choices import ItemResult, RecordStatus
    from fazhi.inspections.models import ItemCheck

    return (ItemCheck.objects.filter(result=ItemResult.NON_COMPLIANT, record__status=RecordStatus.SIGNED,
                                     record__inspection__organisation=bureau, record__inspection__cases__isnull=True)
            .select_related("record__inspection__entity", "item").order_by("record__arrived_at", "id").first())


def _failed_rectification(bureau, today: dt.date):
    """A demo 卫生监督意见书 whose rectification has failed (an item rejected or overdue), if there is one."""
    from fazhi.inspections.choices import OpinionStatus
    from fazhi.inspections.models import SupervisionOpinion
    from fazhi.inspections.rectification import referable

    for opinion in SupervisionOpinion.objects.filter(organisation=bureau, status=OpinionStatus.ISSUED).order_by("id"):
        if referable(opinion, today):
            return opinion
    return None


def _prepare(county: County, plan: Plan) -> Player | None:
    """The plan's player with its acts, party and team, or None when the case is already there."""
    if Case.objects.filter(client_key=client_key(county.bureau, plan)).exists():
        return None
    if "referral" in plan.extras and Case.objects.filter(organisation__bureau=county.bureau,
                                                         source=CaseSource.RECTIFICATION).exists():
        return None
    seed = f"{SEED}/{county.bureau.region.code}/{plan.key}"
    acts = _fitted(plan, county.today, seed)
    rng = random.Random(seed)
    player = Player(county, plan, acts, _timeline(plan, acts[0][1], random.Random(seed)), rng)
    if "finding" in plan.extras:
        player.check = _finding(county.bureau)
    if "referral" in plan.extras:
        player.opinion = _failed_rectification(county.bureau, county.today)
    if player.check is not None:  # found on today's visit: registered, awaiting the filing decision
        player.team = [m.officer for m in player.check.record.inspection.team.select_related("officer")]
        player.acts = [("open", county.today)]
    elif player.opinion is not None:  # handed over today and filed at once
        player.team = [m.officer for m in player.opinion.inspection.team.select_related("officer")]
        player.acts = [("open", county.today), ("file", county.today)]
    else:
        player.option, player.entity, player.team = _choose(county, plan, rng, acts[0][1], county.today)
    return player


def _in_date_order(players: list[Player]):
    """Every act of every case, in the order of their days: numbers are then issued as a bureau would issue
    them (the year's first decision is 1号). A case's own acts keep their order."""
    steps = []
    for n, player in enumerate(players):
        latest = None
        for m, (name, day) in enumerate(player.acts):
            latest = max(latest or day, day)
            steps.append((latest, n, m, player, name, day))
    steps.sort(key=lambda step: step[:3])
    return [(player, name, day) for _, _, _, player, name, day in steps]


def _county_cases(county: County) -> tuple[list[Case], list[str]]:
    players, skipped = [], []
    for plan in PLANS:
        try:
            player = _prepare(county, plan)
        except Skipped as problem:
            skipped.append(str(problem))
            continue
        if player is not None:
            players.append(player)
    failed: dict[str, str] = {}
    for player, name, day in _in_date_order(players):
        if player.plan.key in failed:
            continue
        try:
            with transaction.atomic():
                player.act(name, day)
        except (Skipped, ValidationError, PermissionDenied, TransitionRefused) as problem:
            # the case stays at its last lawful step; the summary says where and why
            failed[player.plan.key] = f"{player.plan.key}在“{name}”一步被拒绝：{problem}"
    made = [player.refresh() for player in players if player.case is not None]
    return made, skipped + list(failed.values())


def load_demo_cases(*, today: dt.date | None = None) -> str:
    # One holiday table for the whole run (every clock reads it), read afresh each run, as are the law texts.
    _judged.clear()
    with shared_calendar():
        return _load(today or timezone.localdate())


def _load(today: dt.date) -> str:
    violations = _violations()
    if not violations:
        return "违法行为及裁量基准尚未载入，未生成行政处罚案件"
    options = {w: _options(violations, w) for w in (ORDINARY, LARGE, Procedure.SIMPLE)}
    options[COMPLEX] = options[LENIENT] = options[ORDINARY]
    options[TRANSFER] = ([o for o in options[ORDINARY] + [Option(v) for v in violations]
                          if any(w in o.violation.name for w in TRANSFER_VIOLATION_WORDS)]
                         or [o for o in options[ORDINARY] if o.violation.domain_id == "medical_service"])
    lines = []
    for bureau in demo_bureaus():
        staff = _staff(bureau)
        if staff is None:
            lines.append(f"{bureau.name}缺少科室负责人、法制审核员或负责人的演示账号，未生成行政处罚案件")
            continue
        used = set(Case.objects.filter(organisation__bureau=bureau, entity__isnull=False)
                   .values_list("entity_id", flat=True))
        with transaction.atomic():
            made, skipped = _county_cases(County(bureau, staff, options, today, used))
        lines.append(_summary(bureau, made, skipped))
    return "；".join(lines) or "未找到演示县区，未生成行政处罚案件"


def _summary(bureau, made: list[Case], skipped: list[str]) -> str:
    if not made and not skipped:
        return f"{bureau.name}的演示行政处罚案件已齐，未新增"
    general = sum(c.procedure == Procedure.GENERAL for c in made)
    deliberated = sum(c.deliberations.exists() for c in made)
    text = (f"{bureau.name}新增行政处罚案件 {len(made)} 件（一般程序 {general} 件，其中集体讨论 {deliberated} 件；"
            f"简易程序 {len(made) - general} 件）")
    if skipped:
        text += f"，未能生成 {len(skipped)} 件：{'；'.join(skipped)}"
    return text


register_demo_step(DemoStep(order=100, label="行政处罚案件", run=load_demo_cases))
