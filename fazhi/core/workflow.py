"""A small engine for declared procedures: each procedure is one table of transitions.

A transition names the states it leaves, the state it enters, the roles that may fire it, the guards that
must hold (each guard returns a refusal in Chinese, citing its article, or None) and an optional effect
that does the work the move implies. `StateMachine.fire` is the only code that writes a status field; it
locks the row, checks everything, applies the effect, saves and writes the audit event in one transaction.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models, transaction

from .audit import record_event, snapshot
from .choices import AuditAction

Guard = Callable[[models.Model, dict], "str | None"]
Effect = Callable[[models.Model, dict], None]


class TransitionRefused(Exception):
    """A move the procedure does not allow; the message is for the person who tried it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    guards: tuple[Guard, ...] = ()
    effect: Effect | None = None


@dataclass
class StateMachine:
    """The declared moves of one procedure over one status field."""

    name: str
    transitions: Iterable[Transition]
    status_field: str = "status"
    labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.transitions = tuple(self.transitions)
        self._by_name = {t.name: t for t in self.transitions}
        if len(self._by_name) != len(self.transitions):
            raise ValueError(f"{self.name}: transition names must be unique")

    def __getitem__(self, name: str) -> Transition:
        return self._by_name[name]

    def state_label(self, state: str) -> str:
        return self.labels.get(state, state)

    def refusal(self, obj: models.Model, transition: Transition, actor, context: dict) -> str | None:
        """Why `actor` may not fire `transition` on `obj` now, or None if they may. Guards find the actor in the
        context under "actor"."""
        context.setdefault("actor", actor)
        state = getattr(obj, self.status_field)
        if state not in transition.sources:
            return f"当前状态为“{self.state_label(state)}”，不能执行“{transition.label}”。"
        if not (actor is not None and actor.has_role(*transition.roles)):
            return f"您没有执行“{transition.label}”的权限。"
        for guard in transition.guards:
            message = guard(obj, context)
            if message:
                return message
        return None

    def event_detail(self, transition: Transition, note: str = "") -> dict:
        """What a transition's audit event says of the move; bulk loads that record moves write the same."""
        return {"procedure": self.name, "transition": transition.name, "label": transition.label, "note": note}

    def offered(self, obj: models.Model, actor) -> list[Transition]:
        """The moves a page offers `actor` on `obj`: those from its state for their roles. The guards judge
        what the person then fills in (a date, a reason), when the move is fired."""
        state = getattr(obj, self.status_field)
        return [t for t in self.transitions if state in t.sources and actor is not None and actor.has_role(*t.roles)]

    def available(self, obj: models.Model, actor, context: dict | None = None) -> list[Transition]:
        return [t for t in self.transitions if self.refusal(obj, t, actor, dict(context or {})) is None]

    def fire(self, obj: models.Model, name: str, *, actor, note: str = "", **context) -> models.Model:
        if name not in self._by_name:
            raise ValueError(f"{self.name}: no transition named {name!r}")
        transition = self._by_name[name]
        with transaction.atomic():
            locked = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
            message = self.refusal(locked, transition, actor, context)
            if message:
                raise TransitionRefused(message)
            # Fields the move sets (a number, a date) are written with the status and audited in the same event.
            changes = context.get("changes") or {}
            before = {self.status_field: getattr(locked, self.status_field),
                      **{k: v for k, v in snapshot(locked, changes).items()}}
            for name, value in changes.items():
                setattr(locked, name, value)
            if transition.effect is not None:
                transition.effect(locked, context)
            setattr(locked, self.status_field, transition.target)
            locked.save()
            record_event(
                actor=actor,
                action=AuditAction.TRANSITION,
                obj=locked,
                before=before,
                after={self.status_field: transition.target, **snapshot(locked, changes)},
                detail=self.event_detail(transition, note),
            )
        for f in locked._meta.concrete_fields:
            setattr(obj, f.attname, getattr(locked, f.attname))
        return obj
