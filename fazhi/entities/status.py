"""An entity's operating status (在营/停业/注销/吊销) changes only through these moves.

注销 and 吊销 are final: a business that reopens registers again and gets a new record.
"""
from __future__ import annotations

from fazhi.core.workflow import StateMachine, Transition

from .choices import EntityStatus as S
from .permissions import EDITOR_ROLES


def _needs_reason(entity, context) -> str | None:
    return None if (context.get("reason") or "").strip() else "请填写状态变更的原因或依据（如停业告知、注销登记文号）。"


ENTITY_STATUS_MACHINE = StateMachine(
    name="entity_status",
    labels=dict(S.choices),
    transitions=[
        Transition("suspend", "停业", (S.OPERATING,), S.SUSPENDED, frozenset(EDITOR_ROLES), (_needs_reason,)),
        Transition("resume", "恢复营业", (S.SUSPENDED,), S.OPERATING, frozenset(EDITOR_ROLES), (_needs_reason,)),
        Transition("deregister", "注销", (S.OPERATING, S.SUSPENDED), S.DEREGISTERED, frozenset(EDITOR_ROLES), (_needs_reason,)),
        Transition("revoke", "吊销", (S.OPERATING, S.SUSPENDED), S.REVOKED, frozenset(EDITOR_ROLES), (_needs_reason,)),
    ],
)


def no_move_message(current: str, target: str) -> str:
    label = ENTITY_STATUS_MACHINE.state_label
    return f"经营状态不能从“{label(current)}”改为“{label(target)}”（注销、吊销后不能恢复，须重新登记）。"


def transition_to(current: str, target: str):
    """The one move from `current` to `target`, or None (an import that asks for a status names its target)."""
    for transition in ENTITY_STATUS_MACHINE.transitions:
        if current in transition.sources and transition.target == target:
            return transition
    return None
