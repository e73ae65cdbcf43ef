import re

import pytest
from django import forms

from fazhi.core.filters import OrganisationFilterSet
from fazhi.core.models import Domain
from fazhi.core.widgets import QuickSelect, quicken_selects


def compact(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", ["", "b", "x", None])
def test_it_writes_what_django_select_writes(value):
    choices = [("", "全部"), ("a", "甲<乙>"), ("b", '“引号”"&'), ("组", [("c", "丙"), ("d", "丁")])]
    plain = forms.Select(choices=choices, attrs={"class": "narrow"})
    quick = QuickSelect(choices=choices, attrs={"class": "narrow"})
    attrs = {"id": "id_kind", "required": True}
    assert compact(quick.render("kind", value, attrs)) == compact(plain.render("kind", value, attrs))


@pytest.mark.django_db
def test_model_choices_keep_their_queryset_and_selection():
    field = forms.ModelChoiceField(queryset=Domain.objects.order_by("sort_order"), empty_label="全部")
    quicken_selects([field])
    assert isinstance(field.widget, QuickSelect)

    class DomainForm(forms.Form):
        domain = field

    first = Domain.objects.order_by("sort_order").first()
    html = str(DomainForm({"domain": first.pk})["domain"])
    assert f'<option value="{first.pk}" selected>{first.name}</option>' in html
    assert html.count("<option") == Domain.objects.count() + 1


def test_every_filter_bar_select_is_quick(rf):
    request = rf.get("/manage/organisations/", {"kind": "bureau"})
    request.user = None
    form = OrganisationFilterSet(request.GET, request=request).form
    assert isinstance(form.fields["kind"].widget, QuickSelect)
    assert 'value="bureau" selected' in str(form["kind"])
