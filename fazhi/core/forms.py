"""Forms of the management pages. They validate and say what to fix; saving is the services' job.

Model forms give the model's own validators (ID card, phone, uniqueness) with their Chinese messages.
A view binds one of these, then passes `service_fields()` to a service in fazhi.core.services.
"""
from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from .choices import Role
from .models import Domain, EnforcementCertificate, Organisation, Region, Section, User

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the fields it names; anything else goes above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        for item in errors:
            form.add_error(target, item)


class ServiceFieldsMixin:
    """`service_fields()`: the cleaned values a service takes as keyword arguments."""

    service_exclude: tuple[str, ...] = ()

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in self.service_exclude}


class OrganisationForm(ServiceFieldsMixin, forms.ModelForm):
    """An organisation's own details; its place in the tree is fixed once created."""

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "doc_prefix", "address", "public_phone", "public_intro", "is_active"]


class OrganisationCreateForm(ServiceFieldsMixin, forms.ModelForm):
    """A subordinate organisation: a supervision institute of a bureau, or a bureau of a lower region."""

    region_code = forms.CharField(
        label="区划代码", max_length=12, help_text="GB/T 2260 六位代码（或乡级九位代码），须在上级机构所在区划之内。"
    )
    service_exclude = ("region_code",)

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "parent", "doc_prefix", "address", "public_phone", "public_intro"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Organisation.objects.writable_by(user).bureaus().select_related("region")
        self.fields["parent"].required = not user.is_superuser
        self.fields["parent"].empty_label = "请选择上级卫生健康局"
        self.order_fields(["name", "short_name", "kind", "parent", "region_code"])

    def clean_region_code(self) -> Region:
        code = self.cleaned_data["region_code"].strip()
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError("没有找到该区划代码，请填写本系统已登记的GB/T 2260区划代码。")
        return region

    def clean(self):
        cleaned = super().clean()
        parent, region = cleaned.get("parent"), cleaned.get("region_code")
        if parent is not None and region is not None:
            if region.pk != parent.region_id and parent.region_id not in {r.pk for r in region.ancestors()}:
                self.add_error("region_code", f"区划须为{parent.region.name}或其下级区划，请重新填写。")
        return cleaned

    def service_fields(self) -> dict:
        return {**super().service_fields(), "region": self.cleaned_data["region_code"]}


class SectionForm(ServiceFieldsMixin, forms.ModelForm):
    class Meta:
        model = Section
        fields = ["name", "kind", "sort_order", "is_active"]

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        organisation_id = organisation.pk if organisation else self.instance.organisation_id
        name = cleaned.get("name")
        same_name = Section.objects.filter(organisation_id=organisation_id, name=name).exclude(pk=self.instance.pk)
        if name and organisation_id and same_name.exists():
            self.add_error("name", "本机构已有同名科室，请换一个名称。")
        return cleaned


class SectionCreateForm(SectionForm):
    class Meta(SectionForm.Meta):
        fields = ["organisation", "name", "kind", "sort_order", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.writable_by(user)


class StaffForm(ServiceFieldsMixin, forms.ModelForm):
    """A member of staff: identity, post, roles. The full phone and ID-card numbers appear only here."""

    roles = forms.MultipleChoiceField(
        label="角色", choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = User
        fields = [
            "full_name", "section", "job_title", "phone", "id_card_number", "email",
            "has_legal_qualification", "legal_qualification_number",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.roles)
            sections = Section.objects.filter(organisation_id=self.instance.organisation_id).select_related("organisation")
            self.fields["section"].queryset = sections
        self.fields["section"].empty_label = "（不属于任何科室）"


class StaffCreateForm(StaffForm):
    class Meta(StaffForm.Meta):
        fields = ["username", "organisation", *StaffForm.Meta.fields]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].required = True
        self.fields["organisation"].queryset = Organisation.objects.writable_by(user)
        self.fields["section"].queryset = Section.objects.writable_by(user).select_related("organisation")

    def clean(self):
        cleaned = super().clean()
        organisation, section = cleaned.get("organisation"), cleaned.get("section")
        if organisation is not None and section is not None and section.organisation_id != organisation.pk:
            self.add_error("section", "所在科室须属于所选机构，请重新选择科室或机构。")
        return cleaned


class CertificateForm(ServiceFieldsMixin, forms.ModelForm):
    domains = forms.ModelMultipleChoiceField(
        label="执法领域", queryset=Domain.objects.all(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个执法领域。"},
    )

    class Meta:
        model = EnforcementCertificate
        fields = ["number", "issuer", "domains", "valid_from", "valid_to"]
        widgets = {"valid_from": DATE_WIDGET, "valid_to": DATE_WIDGET}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "有效期至不能早于有效期起，请核对证件上的日期。")
        return cleaned


class CertificateIssueForm(CertificateForm):
    class Meta(CertificateForm.Meta):
        fields = ["holder", *CertificateForm.Meta.fields]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        holders = User.objects.writable_by(user).filter(is_active=True).order_by("full_name")
        self.fields["holder"].queryset = holders
        self.fields["holder"].label_from_instance = lambda u: f"{u.full_name}（{u.username}）"


class CertificateStatusForm(forms.Form):
    """Date and reason of 暂扣 / 恢复 / 吊销 / 注销; the procedure's guards decide whether the move is allowed."""

    on_date = forms.DateField(
        label="生效日期", widget=DATE_WIDGET, initial=timezone.localdate,
        error_messages={"required": "请填写生效日期。", "invalid": "请按“年-月-日”填写生效日期。"},
    )
    reason = forms.CharField(label="原因", max_length=200, required=False)
