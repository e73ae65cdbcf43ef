"""Forms of the holiday table: one entry, a year's announcement in bulk, and the year filter of the list."""
from django import forms

from .models import CalendarDay
from .workdays import EDITABLE_FIELDS, parse_announcement


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = EDITABLE_FIELDS
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def validate_unique(self):
        # The service checks the date against the table, knowing which entry is being edited.
        pass


class CalendarBulkForm(forms.Form):
    text = forms.CharField(
        label="放假安排",
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="每行一条：日期或日期范围、类别（holiday 放假 / workday 调休上班）、节日名称，例如"
        "“2027-01-01 holiday 元旦”“2027-02-06~2027-02-13 放假 春节”“2027-02-14 workday 春节”。",
    )
    source = forms.CharField(
        label="依据", max_length=200, required=False, help_text="例如国务院办公厅关于2027年部分节假日安排的通知。"
    )

    def clean_text(self):
        return parse_announcement(self.cleaned_data["text"])


class CalendarYearForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int)

    def __init__(self, *args, years, default_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_year = default_year
        self.fields["year"].choices = [(y, f"{y}年") for y in years]
        self.fields["year"].initial = default_year

    def selected_year(self) -> int:
        return self.cleaned_data["year"] if self.is_bound and self.is_valid() else self.default_year
