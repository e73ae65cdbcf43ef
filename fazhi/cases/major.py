"""What the editable case rule table says of one case: whether it needs legal review (需法制审核), collective
deliberation (需集体讨论) or hearing rights (听证), and which rows say so."""
from __future__ import annotations

from decimal import Decimal

from .choices import ConditionKind, RuleEffect


def rule_matches(rule, case, *, after_hearing: bool) -> bool:
    """Whether one rule of the table applies to the case: the one reading of a rule, used here and by reviews."""
    if rule.party_kind and rule.party_kind != case.party_kind:
        return False
    if rule.condition == ConditionKind.FINE_AT_LEAST:
        return case.fine_amount is not None and rule.amount is not None and Decimal(case.fine_amount) >= rule.amount
    if rule.condition == ConditionKind.CONFISCATION_AT_LEAST:
        return (case.confiscation_amount is not None and rule.amount is not None
                and Decimal(case.confiscation_amount) >= rule.amount)
    if rule.condition == ConditionKind.PENALTY_KIND:
        return rule.penalty_kind in case.penalty_kind_codes
    if rule.condition == ConditionKind.AFTER_HEARING:
        return after_hearing
    if rule.condition == ConditionKind.COMPLEX:
        return case.is_complex
    if rule.condition == ConditionKind.MAJOR_PUBLIC_INTEREST:
        return case.is_major_public_interest
    return False


def triggered(case, effect: str, *, after_hearing: bool | None = None) -> list:
    """The active rules of `effect` that the case's proposed penalty and flags meet."""
    from .models import CaseRule

    if after_hearing is None:
        after_hearing = hearing_was_held(case)
    return [rule for rule in CaseRule.objects.filter(effect=effect, is_active=True)
            if rule_matches(rule, case, after_hearing=after_hearing)]


def hearing_was_held(case) -> bool:
    from .models import Hearing

    return Hearing.objects.filter(case=case, held_on__isnull=False).exists()


def needs_legal_review(case) -> list:
    return triggered(case, RuleEffect.LEGAL_REVIEW)


def needs_deliberation(case) -> list:
    return triggered(case, RuleEffect.DELIBERATION)


def hearing_rights(case) -> list:
    return triggered(case, RuleEffect.HEARING_RIGHT, after_hearing=False)


def rule_names(rules) -> str:
    return "、".join(rule.name for rule in rules)
