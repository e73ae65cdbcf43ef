"""The public item list: a bureau's published inspection items by domain, with their legal basis. No sign-in."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from fazhi.portal.forms import PortalSearchForm
from fazhi.portal.selectors import public_bureau_summary

from .items import public_item_rows

ITEMS_PER_PAGE = 50


def published_items(request, bureau_id: int):
    bureau = public_bureau_summary(bureau_id)
    if bureau is None:
        raise Http404("没有这个机构，请从门户首页选择。")
    form = PortalSearchForm(request.GET)
    page = Paginator(public_item_rows(bureau.id, form.search_text()), ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "inspections/portal/items.html", {"bureau": bureau, "form": form, "listing": {"page": page}})
