"""A warning's life, one declared machine: 待处置 → 已知悉 → 已消除.

A person acknowledges a warning with a note of what they are doing about it; only the scan resolves one, when
its condition no longer holds (or its rule was switched off). The scan resolves in bulk and writes the same audit
event a fired move would (`WARNING_MACHINE.event_detail`); nobody fires "resolve" by hand, so its roles are none
(only the system account, a superuser, could).
"""
from __future__ import annotations

from django.utils import timezone

from fazhi.core.workflow import StateMachine, Transition

from .choices import WarningStatus as W
from .querysets import WARNING_READER_ROLES


def _note_given(warning, context) -> str | None:
    return None if (context.get("acknowledgement") or "").strip() else "请填写处置说明：已采取或将采取的措施。"


def _record_acknowledgement(warning, context) -> None:
    warning.acknowledged_by = context["actor"]
    warning.acknowledged_at = timezone.now()
    warning.acknowledgement = context["acknowledgement"].strip()[:300]


WARNING_MACHINE = StateMachine(
    name="预警",
    labels=dict(W.choices),
    transitions=[
        Transition("acknowledge", "知悉并说明处置", (W.OPEN,), W.ACKNOWLEDGED, WARNING_READER_ROLES, (_note_given,),
                   _record_acknowledgement),
        Transition("resolve", "消除", (W.OPEN, W.ACKNOWLEDGED), W.RESOLVED, frozenset()),
    ],
)
