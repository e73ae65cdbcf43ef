"""Which text a case is judged under (从旧兼从轻, 行政处罚法第三十七条): the version of each cited law in force when
the act ended, unless the version in force at decision is lighter — which the officer states on the case,
since whether a revised penalty clause is lighter is a legal judgement, not arithmetic."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from fazhi.laws.citations import provision_label
from fazhi.laws.models import Provision
from fazhi.laws.versions import applicable_version


@dataclass(frozen=True)
class JudgedProvisions:
    provision_broken: Provision | None
    penalty_provision: Provision | None
    explanation: str


def _in_version(provision: Provision, version) -> Provision:
    if provision.version_id == version.pk:
        return provision
    found = Provision.objects.filter(version=version, article=provision.article, paragraph=provision.paragraph,
                                     item=provision.item).first()
    if found is None:
        raise ValidationError(f"{provision_label(provision)}在{version}中没有对应条文，请重新选择适用的条款"
                              "（行政处罚法第三十七条）。")
    return found


def judged_provisions(case, decided_on: dt.date) -> JudgedProvisions:
    """The case's provisions moved to the versions §37 selects; ValidationError in Chinese when a needed text is
    missing from the library or lacks the article."""
    if case.act_ended_on is None:
        raise ValidationError("请填写违法行为终了日期，以确定适用的法律版本（行政处罚法第三十七条）。")
    moved, notes = {}, []
    for name in ("provision_broken", "penalty_provision"):
        provision = getattr(case, name)
        if provision is None:
            moved[name] = None
            continue
        law = provision.version.law
        choice = applicable_version(law, case.act_ended_on, decided_on,
                                    lighter=(lambda newer, older: case.newer_law_lighter))
        moved[name] = _in_version(provision, choice.version)
        if choice.explanation not in notes:
            notes.append(choice.explanation)
    return JudgedProvisions(moved["provision_broken"], moved["penalty_provision"], "".join(notes))


def applicable_law_problem(case, context) -> str | None:
    """Guard: the texts to judge under can be determined (第三十七条)."""
    from django.utils import timezone

    try:
        judged_provisions(case, context.get("on") or timezone.localdate())
    except ValidationError as error:
        return error.messages[0]
    return None
