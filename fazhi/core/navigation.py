"""Navigation and home-page panels by role. Apps register theirs in `AppConfig.ready`; core never imports them."""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]  # empty: every signed-in member of staff
    group: str = "工作"
    order: int = 100

    def visible_for(self, user) -> bool:
        return not self.roles or user.has_role(*self.roles)


@dataclass(frozen=True)
class HomePanel:
    """A block on a role's home page, rendered from `template` with the context `build(request)` returns."""

    title: str
    template: str
    roles: frozenset[str]
    build: object  # callable(request) -> dict
    order: int = 100


_nav: list[NavItem] = []
_panels: list[HomePanel] = []


def register_nav(item: NavItem) -> None:
    if all(i.url_name != item.url_name for i in _nav):
        _nav.append(item)


def register_panel(panel: HomePanel) -> None:
    if all(p.template != panel.template for p in _panels):
        _panels.append(panel)


def nav_for(user) -> list[dict]:
    """The menu for `user`, grouped, each link resolved."""
    groups: dict[str, list[dict]] = {}
    for item in sorted(_nav, key=lambda i: i.order):
        if not item.visible_for(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        groups.setdefault(item.group, []).append({"label": item.label, "url": url})
    return [{"group": g, "items": items} for g, items in groups.items()]


def panels_for(user) -> list[HomePanel]:
    return [p for p in sorted(_panels, key=lambda p: p.order) if not p.roles or user.has_role(*p.roles)]
