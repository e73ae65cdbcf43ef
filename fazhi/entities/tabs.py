"""The tabs of an entity's page. Later modules (inspections, licensing, cases, complaints) add theirs from
their own `AppConfig.ready()` with `register_entity_tab(EntityTab(...))`; the entity page needs no change.

A tab is a template rendered with the page's context plus what `build(request, entity)` returns. Only the
selected tab is built, so a tab's queries run when someone opens it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

TabBuilder = Callable[..., dict]  # build(request, entity) -> dict


@dataclass(frozen=True)
class EntityTab:
    label: str
    template: str
    build: TabBuilder
    order: int = 100
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: every signed-in member of staff
    key: str = ""  # the ?tab= value; derived from the template when not given

    @property
    def slug(self) -> str:
        if self.key:
            return self.key
        return self.template.removesuffix(".html").replace("/", "-").strip("-_")

    def visible_for(self, user) -> bool:
        return not self.roles or user.has_role(*self.roles)


_tabs: list[EntityTab] = []


def register_entity_tab(tab: EntityTab) -> None:
    """Add a tab once: registering the same key again (a second `ready()` in tests) changes nothing."""
    if all(t.slug != tab.slug for t in _tabs):
        _tabs.append(tab)


def tabs_for(user) -> list[EntityTab]:
    return [t for t in sorted(_tabs, key=lambda t: (t.order, t.label)) if t.visible_for(user)]


# ---- the tabs the registry fills itself ------------------------------------------------------------------

def _info(request, entity) -> dict:
    return {"domains": list(entity.domains.all())}


def _licences(request, entity) -> dict:
    from .models import Licence

    today = timezone.localdate()
    licences = list(Licence.objects.visible_to(request.user).filter(entity=entity).order_by("valid_to", "id"))
    for licence in licences:
        licence.is_expired = licence.valid_to is not None and licence.valid_to < today
    return {"licences": licences}


def _credit(request, entity) -> dict:
    from .models import CreditGradeChange

    changes = (CreditGradeChange.objects.visible_to(request.user).filter(entity=entity)
               .select_related("changed_by").order_by("-effective_on", "-id"))
    return {"grade_changes": list(changes)}


def _history(request, entity) -> dict:
    return {"model_label": entity._meta.label_lower}


BUILTIN_TABS = (
    EntityTab("基本信息", "entities/tabs/info.html", _info, order=10, key="info"),
    EntityTab("证照", "entities/tabs/licences.html", _licences, order=20, key="licences"),
    EntityTab("信用档案", "entities/tabs/credit.html", _credit, order=30, key="credit"),
    EntityTab("变更记录", "entities/tabs/history.html", _history, order=1000, key="history"),
)


def register_builtin_tabs() -> None:
    for tab in BUILTIN_TABS:
        register_entity_tab(tab)
