"""Forms of the entity pages. They validate and say what to fix, on the field concerned; the services save.

A view binds one of these, then passes `service_fields()` to one function of `fazhi.entities.services`.
"""
from __future__ import annotations

from django import forms
from django.utils import timezone

from fazhi.core.choices import SupervisionDomain
from fazhi.core.forms import DATE_WIDGET, ServiceFieldsMixin
from fazhi.core.models import Domain

from .choices import CreditGrade, CreditGradeBasis
from .credit_code import credit_code_problem
from .credit_code import normalise as normalise_credit_code
from .models import Entity, Licence
from .querysets import townships_in
from .rules import ENTITY_KINDS, SUB_KIND_PARENT
from .services import default_domain_codes

# Bases a person may choose: the initial grade and imports are recorded by the system itself.
MANUAL_GRADE_BASES = [(value, label) for value, label in CreditGradeBasis.choices
                      if value not in (CreditGradeBasis.INITIAL, CreditGradeBasis.IMPORT)]
# People paste codes with spaces and hyphens ("91440783-MA4W…"); they are dropped before the 18-character check.
CREDIT_CODE_INPUT_LENGTH = 30
DEFAULT_DOMAINS_HELP = "可多选；不选时按类别默认：" + "；".join(
    f"{kind.label}—{'、'.join(SupervisionDomain(code).label for code in kind.default_domains)}"
    for kind in ENTITY_KINDS if kind.default_domains
) + "。"


def constraint_message(model, name: str) -> str:
    """A model constraint's own Chinese message, so that form and database say the same thing."""
    return next(c.violation_error_message for c in model._meta.constraints if c.name == name)


class EntityForm(ServiceFieldsMixin, forms.ModelForm):
    """Register or edit an entity of `organisation` (the bureau that supervises it)."""

    credit_code = forms.CharField(
        label=Entity._meta.get_field("credit_code").verbose_name, required=False, max_length=CREDIT_CODE_INPUT_LENGTH,
        help_text=Entity._meta.get_field("credit_code").help_text,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"}),
    )
    domains = forms.ModelMultipleChoiceField(
        label="监管专业", queryset=Domain.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=DEFAULT_DOMAINS_HELP,
    )
    service_exclude = ("domains",)

    class Meta:
        model = Entity
        fields = [
            "name", "credit_code", "no_credit_code_reason", "legal_form", "kind", "sub_kind", "domains",
            "legal_representative", "contact_person", "contact_phone", "address", "township",
            "longitude", "latitude", "is_key_supervision", "key_supervision_reason", "note",
        ]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "latitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
        }
        help_texts = {
            "no_credit_code_reason": "仅在没有统一社会信用代码时选择，例如尚未取得代码的个体工商户。",
            "longitude": "地图位置可不填；填写时经度、纬度须同时填写。",
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["township"].queryset = townships_in(organisation.region)
        self.fields["township"].empty_label = "请选择乡镇（街道）"
        self._relabel_blank("no_credit_code_reason", "（有统一社会信用代码）")
        self._relabel_blank("kind", "请选择类别")
        self._relabel_blank("sub_kind", "请选择细分类别")
        self.fields["sub_kind"].widget.attrs["data-sub-kinds"] = "1"
        self.fields["kind"].widget.attrs["data-kind"] = "1"

    def _relabel_blank(self, name: str, label: str) -> None:
        field = self.fields[name]
        field.choices = [("", label), *[c for c in field.choices if c[0] != ""]]

    def clean_credit_code(self) -> str:
        """One message per wrong code (the rule it breaks), or the duplicate in this bureau."""
        code = normalise_credit_code(self.cleaned_data.get("credit_code", ""))
        if not code:
            return code
        problem = credit_code_problem(code)
        if problem:
            raise forms.ValidationError(problem)
        duplicate = Entity.objects.filter(organisation=self.instance.organisation, credit_code=code)
        if duplicate.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(constraint_message(Entity, "entity_unique_credit_code"))
        return code

    def clean(self):
        cleaned = super().clean()
        if self.has_error("credit_code"):
            # A code was typed but is wrong: the model must not also ask why there is none.
            self.instance.credit_code = normalise_credit_code(self.data.get(self.add_prefix("credit_code"), ""))
        return cleaned

    def domain_codes(self) -> list[str]:
        """The chosen domains, or the kind's defaults when none is ticked."""
        chosen = [d.code for d in self.cleaned_data.get("domains") or []]
        return chosen or default_domain_codes(self.cleaned_data.get("kind", ""))

    @staticmethod
    def sub_kind_parents() -> dict[str, str]:
        """For the page's script that narrows the sub-kind list to the chosen kind."""
        return SUB_KIND_PARENT


class CreditGradeForm(forms.Form):
    grade = forms.ChoiceField(label="新的信用等级", choices=CreditGrade.choices)
    basis = forms.ChoiceField(label="评定依据", choices=MANUAL_GRADE_BASES)
    reason = forms.CharField(
        label="理由", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明事实和依据（如处罚决定书文号、年度评价结果），将记入信用档案。",
        error_messages={"required": "请写明调整信用等级的理由，它将记入信用档案。"},
    )
    effective_on = forms.DateField(
        label="生效日期", widget=DATE_WIDGET, initial=timezone.localdate,
        error_messages={"required": "请填写生效日期。", "invalid": "请按“年-月-日”填写生效日期。"},
    )

    def __init__(self, *args, entity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [c for c in CreditGrade.choices if c[0] != entity.credit_grade]


class StatusChangeForm(forms.Form):
    """Only the moves the status procedure allows from the entity's current status are offered."""

    target = forms.ChoiceField(label="变更为", error_messages={"invalid_choice": "该状态变更不允许，请重新选择。"})
    reason = forms.CharField(
        label="原因或依据", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如停业告知、注销登记或吊销决定的文号。",
        error_messages={"required": "请填写状态变更的原因或依据（如停业告知、注销登记文号）。"},
    )

    def __init__(self, *args, moves, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(m.target, m.label) for m in moves]


class LicenceForm(ServiceFieldsMixin, forms.ModelForm):
    class Meta:
        model = Licence
        fields = ["kind", "number", "issued_on", "valid_to", "issuer"]
        widgets = {"issued_on": DATE_WIDGET, "valid_to": DATE_WIDGET}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean(self):
        cleaned = super().clean()
        kind, number = cleaned.get("kind"), (cleaned.get("number") or "").strip()
        issued, valid_to = cleaned.get("issued_on"), cleaned.get("valid_to")
        if issued and valid_to and valid_to < issued:
            self.add_error("valid_to", constraint_message(Licence, "licence_valid_after_issue"))
        same = Licence.objects.filter(organisation=self.organisation, kind=kind, number=number).exclude(
            pk=self.instance.pk)
        if kind and number and same.exists():
            self.add_error("number", constraint_message(Licence, "licence_unique_number"))
        return cleaned


class LicenceDeleteForm(forms.Form):
    reason = forms.CharField(
        label="删除原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="如录入错误、重复登记。删除将记入变更历史。",
        error_messages={"required": "请写明删除原因（如录入错误）。"},
    )
