"""The case rule table: every member of staff reads it; the top organisation's administrators edit it."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from fazhi.core.form_views import form_methods, save_form

from . import case_rules
from .forms import CaseRuleForm
from .models import CaseRule
from .services import ensure_case_staff


@login_required
def rule_list(request):
    ensure_case_staff(request.user, "查看案件规则表")
    rules = CaseRule.objects.order_by("effect", "code")
    return render(request, "cases/rules.html", {"rules": rules, "may_edit": case_rules.may_edit_rules(request.user),
                                                "title": "案件规则表"})


@login_required
@form_methods
def rule_edit(request, pk):
    case_rules.ensure_may_edit_rules(request.user)
    rule = get_object_or_404(CaseRule, pk=pk)
    form = CaseRuleForm(request.POST or None, instance=CaseRule.objects.get(pk=pk))
    back = reverse("cases:rules")

    def save(form):
        case_rules.update_rule(rule, actor=request.user, **form.service_fields())
        return back

    return save_form(request, form, save, title=f"编辑案件规则：{rule.code} {rule.name}", cancel_url=back)
