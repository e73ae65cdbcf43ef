from django import forms

from .rules import PORTAL_RULES


class PortalSearchForm(forms.Form):
    q = forms.CharField(
        label="检索",
        required=False,
        max_length=PORTAL_RULES.search_max_length,
        error_messages={"max_length": "检索词最多%(limit_value)d个字，请缩短后重试。"},
    )

    def search_text(self) -> str:
        """The text to search for; an invalid query searches for nothing rather than failing the page."""
        return self.cleaned_data["q"].strip() if self.is_valid() else ""
