"""Forms of early warnings: acknowledging one, and the legal section's settings of a rule."""
from __future__ import annotations

from django import forms

from .choices import Severity
from .services import MAX_LEAD_DAYS


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label="处置说明", max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="写明已采取或将采取的措施；预警在其情形消除后由系统自动消除。")


class WarningRuleForm(forms.Form):
    is_active = forms.BooleanField(label="启用", required=False)
    severity = forms.ChoiceField(label="预警级别", choices=Severity.choices)
    lead_days = forms.IntegerField(label="提前预警天数", required=False, min_value=0, max_value=MAX_LEAD_DAYS,
                                   help_text="期限届满前多少日开始预警；0表示届满当日预警。")

    def __init__(self, *args, has_lead_days: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_lead_days:
            del self.fields["lead_days"]
        else:
            self.fields["lead_days"].required = True

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {"is_active": data["is_active"], "severity": data["severity"], "lead_days": data.get("lead_days")}
