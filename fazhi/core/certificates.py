"""Enforcement certificates: the one answer to "may this person enforce in this domain on this date",
and the certificate's own procedure (暂扣 / 恢复 / 吊销 / 注销).

Every later module asks `may_enforce` before it lets an officer onto an inspection or a case.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch

from .choices import CertificateStatus, Role, SupervisionDomain
from .models import CertificateSuspension, EnforcementCertificate
from .workflow import StateMachine, Transition


@dataclass(frozen=True)
class EnforcementCheck:
    allowed: bool
    reason: str
    certificate: EnforcementCertificate | None = None

    def __bool__(self) -> bool:
        return self.allowed


def may_enforce(person, domain: str, on_date: dt.date) -> EnforcementCheck:
    """Whether `person` holds a certificate valid for `domain` on `on_date` (行政处罚法第四十二条)."""
    domain_label = SupervisionDomain(domain).label
    if person is None or not person.is_active:
        return EnforcementCheck(False, "该人员不存在或已停用，不能从事执法。")
    valid = EnforcementCertificate.objects.filter(holder=person).valid_on(on_date, domain).first()
    if valid is not None:
        return EnforcementCheck(True, f"{person}持有效执法证{valid.number}，可在{domain_label}领域执法。", valid)
    # Only a refusal needs the certificates held, to say why; the usual answer costs the one query above.
    suspended = Prefetch("suspensions", CertificateSuspension.objects.covering(on_date), to_attr="suspended_on")
    held = list(person.certificates.prefetch_related("domains", suspended))
    if not held:
        return EnforcementCheck(False, f"{person}未取得行政执法证，不能从事执法（行政处罚法第四十二条）。")
    return EnforcementCheck(False, _why_not(person, held, domain, domain_label, on_date))


def _why_not(person, held, domain, domain_label, on_date) -> str:
    covering = [c for c in held if domain in {d.code for d in c.domains.all()}]
    if not covering:
        return f"{person}的执法证不含{domain_label}领域，不能在该领域执法。"
    day = f"{on_date:%Y年%m月%d日}"
    for cert in covering:
        if cert.ended_on and cert.ended_on <= on_date:
            return f"{person}的执法证{cert.number}已于{cert.ended_on:%Y年%m月%d日}{cert.get_status_display()}。"
        suspension = next(iter(cert.suspended_on), None)
        if suspension is not None:
            return f"{person}的执法证{cert.number}自{suspension.start:%Y年%m月%d日}起暂扣，{day}不能执法。"
    latest = max(covering, key=lambda c: c.valid_to)
    if latest.valid_to < on_date:
        return f"{person}的执法证{latest.number}已于{latest.valid_to:%Y年%m月%d日}到期。"
    return f"{person}的执法证{latest.number}自{latest.valid_from:%Y年%m月%d日}起生效，{day}尚未生效。"


def _start_suspension(cert: EnforcementCertificate, context: dict) -> None:
    CertificateSuspension.objects.create(
        certificate=cert, start=context["on_date"], reason=context.get("reason", "")[:200]
    )


def _end_suspension(cert: EnforcementCertificate, context: dict) -> None:
    cert.suspensions.filter(end__isnull=True).update(end=context["on_date"])


def _mark_ended(cert: EnforcementCertificate, context: dict) -> None:
    cert.ended_on = context["on_date"]
    _end_suspension(cert, context)


def _needs_reason(cert, context) -> str | None:
    return None if context.get("reason", "").strip() else "请填写原因。"


def _needs_date(cert, context) -> str | None:
    return None if isinstance(context.get("on_date"), dt.date) else "请填写生效日期。"


_ADMINS = frozenset({Role.ADMIN})
CERTIFICATE_MACHINE = StateMachine(
    name="certificate",
    labels=dict(CertificateStatus.choices),
    transitions=[
        Transition("suspend", "暂扣", (CertificateStatus.VALID,), CertificateStatus.SUSPENDED, _ADMINS,
                   (_needs_date, _needs_reason), _start_suspension),
        Transition("reinstate", "恢复", (CertificateStatus.SUSPENDED,), CertificateStatus.VALID, _ADMINS,
                   (_needs_date,), _end_suspension),
        Transition("revoke", "吊销", (CertificateStatus.VALID, CertificateStatus.SUSPENDED), CertificateStatus.REVOKED,
                   _ADMINS, (_needs_date, _needs_reason), _mark_ended),
        Transition("cancel", "注销", (CertificateStatus.VALID, CertificateStatus.SUSPENDED), CertificateStatus.CANCELLED,
                   _ADMINS, (_needs_date, _needs_reason), _mark_ended),
    ],
)


def change_certificate_status(cert, transition: str, *, actor, on_date: dt.date, reason: str = ""):
    with transaction.atomic():
        return CERTIFICATE_MACHINE.fire(cert, transition, actor=actor, note=reason, on_date=on_date, reason=reason)
