"""Publication of penalty decisions on the portal (DOMAIN.md, "Penalty cases": publication).

A decided general-procedure penalty is published within 7 working days of the decision (三项制度), withdrawn
within 3 days of being changed or annulled (行政处罚法第四十八条), and taken down 5 years after publication, or 2
when the party is a person (CASE_RULES).

What the public sees is built from the case by `publication_text` and passed through `redact`, which removes
personal data: a person-party's name is partly masked (张*明, 王*) and their address left out; ID-card numbers,
mobile and landline numbers and bank-card numbers are masked wherever they stand, and the party's own ID and phone
numbers are starred out in any spelling. An organisation's name, credit code and legal representative are public
and stay. Staff may reword the text before publishing, but `publish` redacts what they send again, so an edit can
never put a number back.

One declared procedure writes a publication's status: PUBLICATION_MACHINE, 已公开 → 已撤回 | 已到期撤下.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core.audit import lock_audit_chain, record_create
from fazhi.core.masking import mask_id_card, mask_phone
from fazhi.core.services import ensure_system_account
from fazhi.core.workdays import WorkdayCalendar, plain_day_deadline, unknown_year_notice
from fazhi.core.workflow import StateMachine, Transition, TransitionRefused

from . import clocks
from .choices import PartyKind, PenaltyKind, Procedure, PublicationStatus
from .models import Case, Publication
from .querysets_publication import PUBLISHABLE_STATES
from .rules import CASE_RULES, LEADER_ROLES, LEGAL_ROLES, OFFICER_ROLES

# Who publishes and withdraws: the legal section and the leaders, or the officers of the case itself.
PUBLISHER_ROLES = LEGAL_ROLES | LEADER_ROLES
PUBLICATION_ROLES = PUBLISHER_ROLES | OFFICER_ROLES

# ---- redaction ---------------------------------------------------------------------------------------------------

# What may stand between the digits of one number as people write them: spaces and hyphens (138 1234 5678,
# 0750-2345678, 440783 19900101 1234). Em dashes and line breaks are left out: they separate dates and amounts.
SEPARATORS = " \t\u00a0\u3000-\u2010\uff0d"
_SEP = "[" + re.escape(SEPARATORS) + "]"
# A run of digits, perhaps split by separators, perhaps ending in the X of an ID-card number.
_NUMBER_RE = re.compile(rf"\d+(?:{_SEP}+\d+)*[Xx]?")
# A landline written with its area code in brackets: (0750)2345678, （0750）2345678.
_BRACKETED_LANDLINE_RE = re.compile(rf"[(（]{_SEP}*0\d{{2,3}}{_SEP}*[)）]{_SEP}*\d+(?:{_SEP}+\d+)*")
# A local landline number needs its context to be told from an amount or a date: a word that announces a phone.
_PHONE_WORDS = ("联系电话", "电话号码", "电话", "手机号码", "手机号", "手机", "座机", "固话", "传真", "联系方式",
                "tel", "phone")
_ANNOUNCED_NUMBER_RE = re.compile(
    rf"(?P<word>{'|'.join(_PHONE_WORDS)})(?P<gap>[^\d\n]{{0,8}}?)(?P<number>\d+(?:{_SEP}+\d+)*)", re.IGNORECASE)
_DIGIT_RE = re.compile(r"\d")

# Digits in one run from which it is an identifier and never an amount or a date: mobiles have 11, ID cards 15 or
# 18, bank cards 16–19. A run that starts with 0 is a landline with its area code from 10 digits (020 + 7).
IDENTIFIER_MIN_DIGITS = 11
LANDLINE_MIN_DIGITS = 10
# A local landline number without its area code has 7 or 8 digits.
LOCAL_PHONE_MIN_DIGITS = 7
# The party's own numbers are starred out in any spelling once they are this long (shorter would hit amounts).
PARTY_NUMBER_MIN_DIGITS = 7
# A person's address is left out wherever it is quoted in full; shorter strings would hit place names.
ADDRESS_MIN_LENGTH = 6
ADDRESS_PLACEHOLDER = "（住址略）"
# 统一社会信用代码: 18 characters of digits and capitals; the party's own is public and kept as written.
_CREDIT_CODE_RE = re.compile(r"[0-9A-Z]{18}")


def mask_name(name: str) -> str:
    """A person's name as a published decision shows it: 张三明 → 张*明, 王五 → 王*, 欧阳小明 → 欧**明."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _digit_count(text: str) -> int:
    return len(_DIGIT_RE.findall(text))


def _masked_number(match: re.Match) -> str:
    """A run long enough to be an identifier, masked as the lists mask phones and ID cards; else unchanged."""
    text = match.group(0)
    count = _digit_count(text)
    compact = "".join(ch for ch in text if ch not in SEPARATORS)
    is_landline = compact.startswith("0") and count >= LANDLINE_MIN_DIGITS
    if count < IDENTIFIER_MIN_DIGITS and not is_landline:
        return text
    if (count == IDENTIFIER_MIN_DIGITS and compact.startswith("1")) or (is_landline and count <= 12):
        return mask_phone(compact)
    return mask_id_card(compact)


def _masked_landline(match: re.Match) -> str:
    return mask_phone(re.sub(r"\D", "", match.group(0)))


def _masked_announced(match: re.Match) -> str:
    number = match.group("number")
    if _digit_count(number) < LOCAL_PHONE_MIN_DIGITS:
        return match.group(0)
    return match.group("word") + match.group("gap") + "*" * _digit_count(number)


def _number_spellings(value: str) -> list[str]:
    """The forms in which the party's own number may be quoted: whole, without +86, and a landline's local part."""
    compact = re.sub(r"[^\dXx]", "", value or "")
    spellings = {compact}
    if len(compact) == 13 and compact.startswith("86"):
        spellings.add(compact[2:])
    if compact.startswith("0") and len(compact) >= LANDLINE_MIN_DIGITS:
        area = 3 if compact[1] in "12" else 4  # 010 and 02x are the three-digit area codes
        spellings.add(compact[area:])
    return [s for s in spellings if _digit_count(s) >= PARTY_NUMBER_MIN_DIGITS]


def _party_number_patterns(case) -> list[re.Pattern]:
    spellings = _number_spellings(case.party_id_number) + _number_spellings(case.party_phone)
    # Longest first, so the whole number is starred before any part of it is looked for.
    return [re.compile(f"{_SEP}*".join(re.escape(ch) for ch in spelling), re.IGNORECASE)
            for spelling in sorted(set(spellings), key=len, reverse=True)]


def _starred(match: re.Match) -> str:
    return "*" * len(re.sub(rf"{_SEP}", "", match.group(0)))


def _replace_all(text: str, old: str, new: str) -> str:
    """Replace until none is left: a name may overlap itself (张三张 in 张三张三张)."""
    while old and old != new and old in text:
        text = text.replace(old, new)
    return text


def _redact_person(text: str, case) -> str:
    # The address first: it may contain the name (张三明路), and would no longer be found once the name is masked.
    address = (case.party_address or "").strip()
    if len(address) >= ADDRESS_MIN_LENGTH:
        text = _replace_all(text, address, ADDRESS_PLACEHOLDER)
    for name in (case.party_name, case.party_representative):
        if name and name.strip():
            text = _replace_all(text, name.strip(), mask_name(name))
    return text


def _redact_segment(text: str, case) -> str:
    if case is not None:
        if case.party_kind == PartyKind.PERSON:
            text = _redact_person(text, case)
        for pattern in _party_number_patterns(case):
            text = pattern.sub(_starred, text)
    text = _BRACKETED_LANDLINE_RE.sub(_masked_landline, text)
    text = _NUMBER_RE.sub(_masked_number, text)
    return _ANNOUNCED_NUMBER_RE.sub(_masked_announced, text)


def _public_credit_code(case) -> str:
    if case is None or case.party_kind != PartyKind.ORGANISATION:
        return ""
    code = (case.party_credit_code or "").strip().upper()
    return code if _CREDIT_CODE_RE.fullmatch(code) else ""


def redact(text: str, case=None) -> str:
    """`text` with personal data removed; `case` (when given) names the party whose own data must go too.

    Idempotent: redacting a redacted text changes nothing, so the text can be redacted again on every save.
    """
    text = text or ""
    code = _public_credit_code(case)
    if not code:
        return _redact_segment(text, case)
    # The organisation's own credit code is public, even where it looks like an ID-card number: the text is
    # redacted around each place it stands (the split keeps the code itself at the odd positions).
    parts = re.split(f"({re.escape(code)})", text, flags=re.IGNORECASE)
    return "".join(part if n % 2 else _redact_segment(part, case) for n, part in enumerate(parts))


# ---- the public text ---------------------------------------------------------------------------------------------

def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _yuan(amount) -> str:
    return f"人民币{Decimal(amount):,.2f}元"


def issuing_bureau(case):
    """The bureau in whose name the decision is made and published, also when the institute handled the case."""
    return case.organisation.bureau or case.organisation


def published_party(case) -> str:
    """The party as the portal names it: an organisation by its name, a person by a masked name."""
    return mask_name(case.party_name) if case.party_kind == PartyKind.PERSON else case.party_name.strip()


def _party_line(case) -> str:
    if case.party_kind == PartyKind.PERSON:
        return published_party(case)
    details = []
    if case.party_credit_code:
        details.append(f"统一社会信用代码：{case.party_credit_code}")
    if case.party_representative:
        details.append(f"法定代表人（负责人）：{case.party_representative}")
    return case.party_name + (f"（{'；'.join(details)}）" if details else "")


def basis_text(case) -> str:
    """违反了…的规定，依据…: as cited in the case, or from its linked provisions."""
    broken = case.provision_broken_cited or (str(case.provision_broken) if case.provision_broken_id else "")
    penalty = case.penalty_provision_cited or (str(case.penalty_provision) if case.penalty_provision_id else "")
    parts = ([f"违反了{broken}的规定"] if broken else []) + ([f"依据{penalty}"] if penalty else [])
    return "，".join(parts)


def penalty_text(case) -> str:
    parts = []
    for code in case.penalty_kind_codes:
        if code == PenaltyKind.FINE and case.fine_amount is not None:
            parts.append(f"罚款{_yuan(case.fine_amount)}")
        elif code == PenaltyKind.CONFISCATE_GAINS and case.confiscation_amount is not None:
            parts.append(f"没收违法所得{_yuan(case.confiscation_amount)}")
        elif code in PenaltyKind.values:
            parts.append(PenaltyKind(code).label)
    if case.other_penalty_detail:
        parts.append(case.other_penalty_detail)
    return "；".join(parts)


def publication_text(case) -> str:
    """The public summary of the decision (number, party, facts, basis, penalty, bureau, date), redacted."""
    lines = [
        ("行政处罚决定书文号", case.decision_number),
        ("案由", case.cause),
        ("当事人", _party_line(case)),
        ("主要违法事实", (case.facts or "").strip()),
        ("处罚依据", basis_text(case)),
        ("处罚内容", penalty_text(case)),
        ("处罚机关", issuing_bureau(case).name),
        ("作出处罚决定日期", _date(case.decided_on) if case.decided_on else ""),
    ]
    return redact("\n".join(f"{label}：{value}" for label, value in lines if value), case)


# ---- dates -------------------------------------------------------------------------------------------------------

def publication_due_by(case, calendar: WorkdayCalendar | None = None) -> dt.date:
    """The last day to publish: 7 working days after the decision (三项制度). Pass one `calendar` for a page of
    cases, so the holiday table is read once."""
    return (calendar or WorkdayCalendar()).add_workdays(case.decided_on, CASE_RULES.publication_workdays)


def due_date_notice(case) -> str:
    """The warning to show beside the due date when it falls in a year whose holidays are not yet entered."""
    return unknown_year_notice(case.decided_on, publication_due_by(case))


def takedown_date(party_kind: str, published_on: dt.date) -> dt.date:
    """The first day the decision is no longer shown: 5 years after publication, 2 for a person."""
    years = (CASE_RULES.takedown_years_person if party_kind == PartyKind.PERSON
             else CASE_RULES.takedown_years_organisation)
    return clocks.add_years(published_on, years)


def withdrawal_due_by(changed_on: dt.date) -> dt.date:
    """The last day to withdraw after the decision was changed or annulled: 3 days (行政处罚法第四十八条)."""
    return plain_day_deadline(changed_on, CASE_RULES.withdrawal_days)


# ---- permissions -------------------------------------------------------------------------------------------------

def ensure_may_publish(actor, case, what: str = "公开处罚决定") -> None:
    """The legal section or a leader of the case's own bureau, or an officer of the case."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(f"请先登录，再{what}。")
    if not Case.objects.writable_by(actor).filter(pk=case.pk).exists():
        raise PermissionDenied(f"该案件不属于本局，不能{what}。")
    if not actor.has_role(*PUBLISHER_ROLES) and not case.team.filter(officer=actor).exists():
        raise PermissionDenied(f"只有法制审核人员、局领导或本案承办人员可以{what}。")


def may_publish(actor, case) -> bool:
    try:
        ensure_may_publish(actor, case)
    except PermissionDenied:
        return False
    return True


def publishing_problem(case) -> str | None:
    """Why this case's decision cannot be published (now), or None."""
    if case.procedure != Procedure.GENERAL:
        return "只有一般程序作出的行政处罚决定在此公开；简易程序当场处罚不在此公开。"
    if not case.decision_number or case.decided_on is None:
        return "案件尚未作出行政处罚决定（没有决定书文号），不能公开。"
    if case.status not in PUBLISHABLE_STATES or not case.penalty_kinds:
        return "只有已作出的行政处罚决定可以公开；不予处罚、移送或撤销立案的案件不在此公开。"
    if Publication.objects.filter(case_id=case.pk).exists():
        return "该案件的处罚决定已经公开过，不能重复公开；决定变更或被撤销的，请撤回原公开内容。"
    return None


# ---- services ----------------------------------------------------------------------------------------------------

@transaction.atomic
def publish(case, *, actor, body: str | None = None, today: dt.date | None = None) -> Publication:
    """Publish the decision once: the generated text, or the staff's wording of it, redacted again here."""
    ensure_may_publish(actor, case)
    today = today or timezone.localdate()
    lock_audit_chain()
    case = Case.objects.select_for_update().get(pk=case.pk)  # one publication per case, even when two click at once
    problem = publishing_problem(case)
    if problem:
        raise ValidationError(problem)
    generated = publication_text(case)
    text = generated if body is None else redact(body, case).strip()
    if not text:
        raise ValidationError({"body": "公开内容不能为空；请点“恢复系统生成的内容”后再修改。"})
    due_by = publication_due_by(case)
    publication = Publication.objects.create(
        case=case, organisation=issuing_bureau(case), decision_number=case.decision_number,
        party_display=published_party(case), body=text, decided_on=case.decided_on, due_by=due_by,
        published_on=today, takedown_on=takedown_date(case.party_kind, today),
    )
    record_create(publication, actor=actor, detail={
        "late": today > due_by, "reworded": text != generated,
        # The staff's wording still held personal data that redaction took out: worth knowing when reviewing.
        "redacted_on_save": body is not None and redact(body, case).strip() != body.strip(),
    })
    return publication


def _withdrawal_errors(publication, reason: str, changed_on, today: dt.date) -> dict:
    errors = {}
    limit = Publication._meta.get_field("withdrawal_reason").max_length
    if not (reason or "").strip():
        errors["reason"] = "请写明撤回原因，如处罚决定被复议机关撤销、被人民法院判决撤销或本局自行变更。"
    elif len(reason.strip()) > limit:
        errors["reason"] = f"撤回原因最多{limit}个字，请精简。"
    if changed_on is None:
        errors["changed_on"] = "请填写处罚决定被变更、撤销或确认违法的日期。"
    elif changed_on > today:
        errors["changed_on"] = "变更或撤销日期不能晚于今天。"
    elif changed_on < publication.decided_on:
        errors["changed_on"] = f"变更或撤销日期不能早于作出处罚决定的日期（{publication.decided_on:%Y-%m-%d}）。"
    return errors


def withdrawal_is_late(changed_on: dt.date, withdrawn_on: dt.date) -> bool:
    return withdrawn_on > withdrawal_due_by(changed_on)


def withdraw(publication, *, actor, reason: str, changed_on: dt.date, today: dt.date | None = None) -> Publication:
    """Take a published decision off the portal because it was changed or annulled.

    Never refused for being late: the law wants it off the portal all the same; lateness goes into the audit note.
    """
    ensure_may_publish(actor, publication.case, "撤回公开的处罚决定")
    today = today or timezone.localdate()
    errors = _withdrawal_errors(publication, reason, changed_on, today)
    if errors:
        raise ValidationError(errors)
    due_by = withdrawal_due_by(changed_on)
    timing = f"决定于{changed_on:%Y-%m-%d}变更或撤销，应于{due_by:%Y-%m-%d}前撤回"
    if withdrawal_is_late(changed_on, today):
        timing += f"，逾期{(today - due_by).days}日撤回"
    with transaction.atomic():
        lock_audit_chain()  # the chain's lock before the row's, as every writer takes them
        return PUBLICATION_MACHINE.fire(
            publication, "withdraw", actor=actor, note=f"{reason.strip()}（{timing}）", on=today,
            changes={"withdrawn_on": today, "withdrawal_reason": reason.strip()},
        )


def take_down_expired(today: dt.date | None = None, *, actor=None) -> int:
    """Take down every publication whose display period has ended; returns how many. Run daily by cron.

    Each row is its own transition, locked and checked again, so two runs at once take nothing down twice.
    """
    today = today or timezone.localdate()
    actor = actor or ensure_system_account()
    count = 0
    for pk in list(Publication.objects.expired(today).values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                lock_audit_chain()
                PUBLICATION_MACHINE.fire(Publication(pk=pk), "take_down", actor=actor, on=today)
        except TransitionRefused:
            continue  # withdrawn or taken down meanwhile
        count += 1
    return count


# ---- the procedure -----------------------------------------------------------------------------------------------

def _display_period_over(publication, context) -> str | None:
    on = context.get("on") or timezone.localdate()
    if publication.takedown_on > on:
        return f"公开期限到{publication.takedown_on:%Y-%m-%d}才届满，此前不能到期撤下。"
    return None


PUBLICATION_MACHINE = StateMachine(
    name="处罚决定公开",
    labels=dict(PublicationStatus.choices),
    transitions=[
        Transition("withdraw", "撤回公开", (PublicationStatus.PUBLISHED,), PublicationStatus.WITHDRAWN,
                   PUBLICATION_ROLES),
        # No role: only the system account (a superuser) runs it, from the daily command.
        Transition("take_down", "到期撤下", (PublicationStatus.PUBLISHED,), PublicationStatus.TAKEN_DOWN,
                   frozenset(), (_display_period_over,)),
    ],
)
