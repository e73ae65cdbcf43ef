"""The list page every module uses: scoped queryset + filter set + sortable table + pagination.

A list view names its model, filter set and table; scoping, paging and the HTMX partial come from here.
"""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.decorators import method_decorator
from django.views.decorators.vary import vary_on_headers
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin


# The same address answers a whole page or, to HTMX, a part of one: caches must keep them apart.
varies_with_htmx = vary_on_headers("HX-Request")


def wants_part(request) -> bool:
    """An HTMX swap wants a part of the page; restoring history (the back button) wants all of it."""
    return bool(getattr(request, "htmx", False)) and not request.htmx.history_restore_request


@method_decorator(varies_with_htmx, name="dispatch")
class ScopedListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    template_name = "core/list.html"
    partial_template_name = "core/_list_results.html"
    paginate_by = 25
    roles: tuple[str, ...] = ()  # empty: any signed-in member of staff
    title = ""
    create_url_name: str | None = None
    create_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.roles and not request.user.has_role(*self.roles):
            raise PermissionDenied("您没有访问此列表的权限。")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.scoped_queryset(self.model._default_manager.visible_to(self.request.user))

    def scoped_queryset(self, queryset):
        """Hook for select_related/prefetch_related and default ordering."""
        return queryset

    def get_paginate_by(self, queryset):
        # The table does the paging; the list view's own paginator would only repeat the count query.
        return None

    def get_table_pagination(self, table):
        return {"per_page": self.paginate_by}

    def get_template_names(self):
        return [self.partial_template_name if wants_part(self.request) else self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["title"] = self.title or self.model._meta.verbose_name_plural
        can_create = self.create_url_name and (not self.create_roles or user.has_role(*self.create_roles))
        context["create_url_name"] = self.create_url_name if can_create else None
        return context
