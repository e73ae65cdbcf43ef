"""Forms of the penalty-case pages: one per step. They say what to fill in; the services decide and refuse.

Every step form takes the case and the acting person (`StepForm`), so its choices (officers, approvers, the
violations of the case's domain) come from the case's own bureau, and `service_fields()` gives the keyword
arguments of the step's service.
"""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils import timezone

from fazhi.core.forms import DATE_WIDGET
from fazhi.core.models import Domain, User
from fazhi.core.widgets import QuickSelect

from . import clocks
from .choices import (
    AppealKind, ArrangementKind, BandLevel, CaseSource, EvidenceKind, MeasureKind, PartyKind, PenaltyKind, ReviewAspect,
    ReviewOutcome, ReviewStage, ServiceMethod,
)
from .models import Case, CaseRule, Violation
from .rules import APPROVER_ROLES, CASE_RULES, LEADER_ROLES, LEGAL_ROLES, OFFICER_ROLES

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
INSTALMENT_ROWS = 6


def text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def date_field(label: str, **kwargs) -> forms.DateField:
    kwargs.setdefault("initial", timezone.localdate)
    return forms.DateField(label=label, widget=DATE_WIDGET, **kwargs)


def staff_of(case_or_bureau, *roles: str):
    """Active staff of the bureau (and its supervision institute) holding any of `roles`."""
    organisation = getattr(case_or_bureau, "organisation", case_or_bureau)
    bureau_id = organisation.bureau_id or organisation.pk
    return (User.objects.filter(organisation__bureau_id=bureau_id, is_active=True, role_assignments__role__in=roles)
            .select_related("organisation").distinct().order_by("organisation__path", "full_name", "id"))


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.username


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        org = obj.organisation.short_name or obj.organisation.name if obj.organisation_id else ""
        return f"{obj.full_name or obj.username}（{org}）" if org else (obj.full_name or obj.username)


class ViolationChoiceField(forms.ModelChoiceField):
    widget = QuickSelect

    def label_from_instance(self, obj) -> str:
        return f"{obj.code} {obj.name}"


def violations_for(domain_id):
    found = Violation.objects.filter(is_active=True)
    return found.filter(domain_id=domain_id) if domain_id else found


class StepForm(forms.Form):
    """A form of one step of one case, done by `user`."""

    def __init__(self, *args, case: Case, user, item=None, **kwargs):
        self.case, self.user, self.item = case, user, item
        super().__init__(*args, **kwargs)

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class ConfirmForm(StepForm):
    """Nothing to fill in: the step is confirmed by submitting."""


class ReasonForm(StepForm):
    reason = forms.CharField(label="理由", widget=text_area())


# ---- opening a case ---------------------------------------------------------------------------------------------

class PartyFields(forms.Form):
    """The party typed by hand: only when the case is not opened from a registered entity."""

    party_kind = forms.ChoiceField(label="当事人类别", choices=PartyKind.choices, required=False)
    party_name = forms.CharField(label="当事人", max_length=200, required=False)
    party_credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    party_id_number = forms.CharField(label="身份证件号码", max_length=30, required=False)
    party_representative = forms.CharField(label="法定代表人（负责人）", max_length=50, required=False)
    party_address = forms.CharField(label="住所（地址）", max_length=300, required=False)
    party_phone = forms.CharField(label="联系电话", max_length=30, required=False)

    PARTY_FIELDS = ("party_kind", "party_name", "party_credit_code", "party_id_number", "party_representative",
                    "party_address", "party_phone")


class CaseOpenForm(PartyFields):
    """A case registered from a complaint, a referral, a transfer, or found otherwise; the filing clock starts
    at the day of receipt. From an entity the party is taken from its registration."""

    # A failed rectification has its own way in, which hands the opinion over as well.
    source = forms.ChoiceField(label="案件来源",
                               choices=[c for c in CaseSource.choices if c[0] != CaseSource.RECTIFICATION])
    source_detail = forms.CharField(label="来源说明", required=False, widget=text_area(2),
                                    help_text="投诉举报登记号、移送函文号、交办文件等。")
    received_on = date_field("发现或受理日期", help_text=f"立案决定期限自此日起算（{CASE_RULES.filing_decision_days}日）。")
    cause = forms.CharField(label="案由", max_length=300)
    domain = forms.ModelChoiceField(label="专业类别", queryset=Domain.objects.all(), empty_label="请选择")
    violation = ViolationChoiceField(label="违法行为", queryset=Violation.objects.none(), required=False,
                                     empty_label="（调查后再确定）")
    facts = forms.CharField(label="案情摘要", required=False, widget=text_area())
    act_ended_on = forms.DateField(label="违法行为终了日期", required=False, widget=DATE_WIDGET,
                                   help_text="立案时据此判断追责时效（行政处罚法第三十六条）。")
    harms_life_or_health = forms.BooleanField(label="涉及公民生命健康安全且有危害后果", required=False)
    officers = StaffMultipleChoiceField(label="承办人员", queryset=User.objects.none(),
                                        widget=forms.CheckboxSelectMultiple,
                                        help_text=f"不少于{CASE_RULES.min_officers}人，均须持有该领域的有效执法证。")
    lead = StaffChoiceField(label="主办人", queryset=User.objects.none(), required=False, empty_label="（第一位）")

    def __init__(self, *args, user, entity=None, **kwargs):
        self.entity = entity
        super().__init__(*args, **kwargs)
        officers = staff_of(user.organisation, *OFFICER_ROLES)
        self.fields["officers"].queryset = officers
        self.fields["lead"].queryset = officers
        self.fields["violation"].queryset = violations_for(None)
        if entity is not None:
            for name in self.PARTY_FIELDS:
                del self.fields[name]
            domains = list(entity.domains.values_list("pk", flat=True))
            if domains and not self.is_bound:
                self.initial.setdefault("domain", domains[0])
        if not self.is_bound and user.has_role(*OFFICER_ROLES):
            self.initial.setdefault("officers", [user.pk])

    def clean(self):
        cleaned = super().clean()
        if self.entity is None and not (cleaned.get("party_name") or "").strip():
            self.add_error("party_name", "请填写当事人，或从监管对象页面登记案件。")
        violation, domain = cleaned.get("violation"), cleaned.get("domain")
        if violation is not None and domain is not None and violation.domain_id != domain.pk:
            self.add_error("violation", "所选违法行为不属于该专业类别。")
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        party = None if self.entity is not None else {n: data[n] for n in self.PARTY_FIELDS}
        facts = {k: data[k] for k in ("facts", "act_ended_on", "harms_life_or_health") if data[k] not in (None, "")}
        return {"source": data["source"], "source_detail": data["source_detail"], "received_on": data["received_on"],
                "cause": data["cause"], "domain": data["domain"].pk, "violation": data["violation"],
                "entity": self.entity, "party": party, "officers": list(data["officers"]), "lead": data["lead"],
                **facts}


class CaseFromFindingForm(forms.Form):
    """A general-procedure case from a non-conforming item: party, team and finding come from the visit."""

    violation = ViolationChoiceField(label="违法行为", queryset=Violation.objects.none(), required=False,
                                     empty_label="（调查后再确定）")
    cause = forms.CharField(label="案由", max_length=300, required=False, help_text="不填则用违法行为名称或检查事项。")
    act_ended_on = forms.DateField(label="违法行为终了日期", required=False, widget=DATE_WIDGET)
    harms_life_or_health = forms.BooleanField(label="涉及公民生命健康安全且有危害后果", required=False)

    def __init__(self, *args, check, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["violation"].queryset = violations_for(check.item.domain_id)
        if not self.is_bound:
            self.initial.setdefault("act_ended_on", timezone.localtime(check.record.arrived_at).date())

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if not data["cause"]:
            del data["cause"]
        if data["act_ended_on"] is None:
            del data["act_ended_on"]
        return data


class ReferralForm(forms.Form):
    reason = forms.CharField(label="转立案原因", max_length=200, widget=text_area(2),
                             help_text="如：整改期限届满仍未整改合格；整改材料经审核不合格。")


# ---- facts, penalty and team -----------------------------------------------------------------------------------------

class CaseUpdateForm(StepForm):
    """Facts and the proposed penalty. After the prior notice only the penalty may change, and only lighter."""

    FACT_FIELDS = ("cause", "facts", "violation", "act_ended_on", "harms_life_or_health", "newer_law_lighter",
                   "is_complex", "is_major_public_interest", "is_first_offence", "harm_minor", "corrected",
                   *PartyFields.PARTY_FIELDS[1:])
    PENALTY_FIELDS = ("penalty_kinds", "fine_amount", "confiscation_amount", "other_penalty_detail", "band_level",
                      "discretion_reasons", "education_record")

    cause = forms.CharField(label="案由", max_length=300)
    violation = ViolationChoiceField(label="违法行为", queryset=Violation.objects.none(), required=False,
                                     empty_label="（尚未确定）",
                                     help_text="违反条款和处罚依据随违法行为从裁量基准表带出，不必另填。")
    facts = forms.CharField(label="违法事实", required=False, widget=text_area(5))
    act_ended_on = forms.DateField(label="违法行为终了日期", required=False, widget=DATE_WIDGET)
    harms_life_or_health = forms.BooleanField(label="涉及公民生命健康安全且有危害后果", required=False)
    newer_law_lighter = forms.BooleanField(label="新的规定处罚较轻", required=False,
                                           help_text="违法行为终了后规定已修改、新规定处罚较轻或不认为违法的，适用新规定"
                                                     "（行政处罚法第三十七条）。")
    is_complex = forms.BooleanField(label="案情复杂", required=False)
    is_major_public_interest = forms.BooleanField(label="涉及重大公共利益", required=False)
    is_first_offence = forms.BooleanField(label="初次违法", required=False)
    harm_minor = forms.BooleanField(label="危害后果轻微", required=False)
    corrected = forms.BooleanField(label="已及时改正", required=False)
    party_name = forms.CharField(label="当事人", max_length=200)
    party_credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    party_id_number = forms.CharField(label="身份证件号码", max_length=30, required=False)
    party_representative = forms.CharField(label="法定代表人（负责人）", max_length=50, required=False)
    party_address = forms.CharField(label="住所（地址）", max_length=300, required=False)
    party_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    penalty_kinds = forms.MultipleChoiceField(label="拟处罚种类", choices=PenaltyKind.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    fine_amount = forms.DecimalField(label="罚款（元）", max_digits=12, decimal_places=2, min_value=0, required=False)
    confiscation_amount = forms.DecimalField(label="没收违法所得（元）", max_digits=12, decimal_places=2, min_value=0,
                                             required=False)
    other_penalty_detail = forms.CharField(label="其他处罚内容", max_length=300, required=False,
                                           help_text="暂扣、吊销的证件名称，责令停产停业的期限等。")
    band_level = forms.ChoiceField(label="裁量阶次", choices=[("", "（未定）"), *BandLevel.choices], required=False)
    discretion_reasons = forms.CharField(label="裁量理由", required=False, widget=text_area(),
                                         help_text="拟处罚超出所选裁量阶次的罚款幅度时必须写明（行政处罚法第三十四条）。")
    education_record = forms.CharField(label="教育记录", required=False, widget=text_area(2))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.case
        self.fields["violation"].queryset = violations_for(case.domain_id)
        # Choosing another violation shows its bands at once.
        self.fields["violation"].widget.attrs.update({"hx-get": reverse("cases:violation_bands"),
                                                     "hx-trigger": "change", "hx-target": "#bands-panel",
                                                     "hx-swap": "outerHTML"})
        if not self.is_bound:
            self.initial.update({name: getattr(case, name) for name in (*self.FACT_FIELDS, *self.PENALTY_FIELDS)
                                 if name not in ("violation", "penalty_kinds")})
            self.initial.update(violation=case.violation_id, penalty_kinds=case.penalty_kind_codes)
        if self.penalty_only:
            for name in self.FACT_FIELDS:
                del self.fields[name]

    @property
    def penalty_only(self) -> bool:
        from .choices import CaseStatus as S

        return self.case.status in (S.NOTIFIED, S.HEARING)

    def clean_penalty_kinds(self) -> str:
        return " ".join(self.cleaned_data["penalty_kinds"])

    def clean_band_level(self) -> str:
        return self.cleaned_data["band_level"] or ""

    def service_fields(self) -> dict:
        """Only what changed: the service refuses a fact change after notice even when its value is the same."""
        current = {"penalty_kinds": self.case.penalty_kinds, "violation": self.case.violation}
        changed = {}
        for name, value in self.cleaned_data.items():
            before = current[name] if name in current else getattr(self.case, name)
            if (before or None) != (value or None):
                changed[name] = value
        return changed


class TeamForm(StepForm):
    officers = StaffMultipleChoiceField(label="承办人员", queryset=User.objects.none(),
                                        widget=forms.CheckboxSelectMultiple,
                                        help_text=f"不少于{CASE_RULES.min_officers}人，均须持有该领域的有效执法证；"
                                                  "已对当事人登记回避的人员不能承办。")
    lead = StaffChoiceField(label="主办人", queryset=User.objects.none(), required=False, empty_label="（第一位）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        officers = staff_of(self.case, *OFFICER_ROLES)
        self.fields["officers"].queryset = officers
        self.fields["lead"].queryset = officers
        if not self.is_bound:
            team = list(self.case.team.all())
            self.initial.update(officers=[m.officer_id for m in team],
                                lead=next((m.officer_id for m in team if m.is_lead), None))

    def service_fields(self) -> dict:
        return {"officers": list(self.cleaned_data["officers"]), "lead": self.cleaned_data["lead"]}


class ExtensionForm(StepForm):
    days = forms.IntegerField(label="延长天数", min_value=1, max_value=CASE_RULES.extension_max_days,
                              initial=CASE_RULES.extension_max_days,
                              help_text=f"每次不超过{CASE_RULES.extension_max_days}日，须在办案期限届满前批准（行政处罚法第六十条）。")
    reason = forms.CharField(label="延期理由", widget=text_area())


# ---- filing and endings ----------------------------------------------------------------------------------------------

class FilingForm(StepForm):
    """立案: the reason for a late filing is asked only once the filing clock has run out."""

    delay_reason = forms.CharField(label="逾期立案原因", max_length=300, required=False, widget=text_area(2))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.due_on = clocks.filing_due(self.case.received_on)
        self.late = timezone.localdate() > self.due_on
        if self.late:
            self.fields["delay_reason"].required = True
            self.fields["delay_reason"].help_text = (f"立案决定应于{self.due_on:%Y年%m月%d日}前作出"
                                                     f"（收到之日起{CASE_RULES.filing_decision_days}日），已逾期。")
        else:
            del self.fields["delay_reason"]


class TransferForm(StepForm):
    transferred_to = forms.CharField(label="移送机关", max_length=200)
    reason = forms.CharField(label="移送理由", widget=text_area(),
                             help_text="涉嫌犯罪的，移送司法机关（行政处罚法第二十七条）；不属本机关管辖的，移送有管辖权的机关。")


class NoPenaltyForm(StepForm):
    reason = forms.CharField(label="不予处罚的理由", widget=text_area(),
                             help_text="违法行为轻微并及时改正，没有造成危害后果的；初次违法且危害后果轻微并及时改正的；"
                                       "有证据足以证明没有主观过错的（行政处罚法第三十三条）。")
    education_record = forms.CharField(label="教育记录", widget=text_area(),
                                       help_text="不予处罚的，应当对当事人进行教育（行政处罚法第三十三条第三款）。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("education_record", self.case.education_record)


# ---- investigation ---------------------------------------------------------------------------------------------------

class EvidenceForm(StepForm):
    kind = forms.ChoiceField(label="证据种类", choices=EvidenceKind.choices)
    title = forms.CharField(label="证据名称", max_length=200)
    description = forms.CharField(label="证明内容", required=False, widget=text_area(2))
    collected_on = date_field("取证日期")
    file = forms.FileField(label="文件", required=False,
                           help_text="照片、PDF、Office 文档等；服务器计算并保存收到文件的 SHA-256 值。")
    bodycam_device = forms.CharField(label="执法记录仪编号", max_length=50, required=False)
    bodycam_file_id = forms.CharField(label="视音频文件编号", max_length=100, required=False)
    bodycam_seconds = forms.IntegerField(label="视音频时长（秒）", min_value=0, required=False)


class InterviewForm(StepForm):
    interviewee = forms.CharField(label="被询问人", max_length=50)
    interviewee_id_number = forms.CharField(label="被询问人身份证件号码", max_length=30, required=False)
    interviewee_role = forms.CharField(label="与当事人关系或职务", max_length=50, required=False)
    place = forms.CharField(label="询问地点", max_length=200)
    started_at = forms.DateTimeField(label="询问开始时间", widget=DATETIME_WIDGET)
    ended_at = forms.DateTimeField(label="询问结束时间", widget=DATETIME_WIDGET)
    officers = StaffMultipleChoiceField(label="询问人", queryset=User.objects.none(),
                                        widget=forms.CheckboxSelectMultiple,
                                        help_text=f"本案承办人员，不少于{CASE_RULES.min_officers}人（行政处罚法第五十五条）。")
    transcript = forms.CharField(label="询问内容", widget=text_area(10), help_text="问答逐条记录。")
    bodycam_file_id = forms.CharField(label="视音频文件编号", max_length=100, required=False)
    signed = forms.BooleanField(label="被询问人已签名确认", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        team = User.objects.filter(case_assignments__case=self.case).select_related("organisation")
        self.fields["officers"].queryset = team.order_by("full_name", "id")
        if not self.is_bound:
            self.initial.setdefault("officers", list(team.values_list("pk", flat=True)))
            self.initial.setdefault("place", self.case.party_address)


class MeasureStartForm(StepForm):
    kind = forms.ChoiceField(label="措施", choices=MeasureKind.choices,
                             help_text=f"证据先行登记保存应在{CASE_RULES.preservation_decision_days}日内作出处理决定；"
                                       f"查封扣押不超过{CASE_RULES.seizure_days}日。")
    items = forms.CharField(label="物品清单", widget=text_area())
    started_on = date_field("采取措施日期")
    approved_by = StaffChoiceField(label="批准人", queryset=User.objects.none(), empty_label="请选择负责人")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_by"].queryset = staff_of(self.case, *APPROVER_ROLES)


class MeasureDecisionForm(StepForm):
    decision = forms.CharField(label="处理决定", max_length=200, help_text="如：作为证据留存、退还当事人、予以没收等。")


class MeasureExtensionForm(StepForm):
    days = forms.IntegerField(label="延长天数", min_value=1, max_value=CASE_RULES.seizure_extension_days,
                              initial=CASE_RULES.seizure_extension_days)
    reason = forms.CharField(label="延长理由", max_length=300, help_text="情况复杂的，经批准可以延长一次（行政强制法第二十五条）。")


class ReportForm(StepForm):
    concluded_on = date_field("调查终结日期")
    evidence_summary = forms.CharField(label="证据及证明事项", widget=text_area(5))
    analysis = forms.CharField(label="定性与法律适用", widget=text_area(5))
    proposal = forms.CharField(label="处理意见", widget=text_area(3))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        report = getattr(self.case, "investigation_report", None) if self.case.pk else None
        if report is not None and not self.is_bound:
            self.initial.update({name: getattr(report, name) for name in self.fields})


# ---- review ----------------------------------------------------------------------------------------------------------

class ReviewForm(StepForm):
    """One review; 法制科复审 gives an opinion on each of the seven aspects (逐项审核)."""

    stage = ReviewStage.SECTION
    outcome = forms.ChoiceField(label="审核结论", choices=ReviewOutcome.choices, widget=forms.RadioSelect,
                                help_text="“补充调查”“不同意”退回调查取证，开始新一轮审核；“修改后再审”由本级再次审核。")
    reasons = forms.CharField(label="理由", widget=text_area())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        required = self.stage == ReviewStage.LEGAL
        for aspect in ReviewAspect:
            self.fields[f"aspect_{aspect.value}"] = forms.CharField(
                label=f"{aspect.label}审核意见", required=required, widget=text_area(2))

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {"stage": self.stage, "outcome": data["outcome"], "reasons": data["reasons"],
                "aspects": {a: data[f"aspect_{a}"] for a in ReviewAspect.values}}


class LegalReviewForm(ReviewForm):
    stage = ReviewStage.LEGAL


class DeliberationForm(StepForm):
    held_on = date_field("讨论日期")
    place = forms.CharField(label="地点", max_length=100)
    chair = StaffChoiceField(label="主持人", queryset=User.objects.none(), empty_label="请选择本机关负责人")
    attendees = StaffMultipleChoiceField(label="参加人员", queryset=User.objects.none(),
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=f"本机关负责人不少于{CASE_RULES.deliberation_min_attendees}人；"
                                                   "本案承办人员不参加表决。")
    minutes = forms.CharField(label="讨论记录", widget=text_area(6))
    conclusion = forms.ChoiceField(label="讨论结论", choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    conclusion_text = forms.CharField(label="决定意见", widget=text_area())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = staff_of(self.case, *LEADER_ROLES)
        self.fields["attendees"].queryset = staff_of(self.case, *LEADER_ROLES, *LEGAL_ROLES)

    def service_fields(self) -> dict:
        return {**self.cleaned_data, "attendees": list(self.cleaned_data["attendees"])}


# ---- notice, statement, hearing --------------------------------------------------------------------------------------

class NoticeForm(StepForm):
    served_on = date_field("告知书送达日期", help_text=f"陈述申辩期限自送达起算（{CASE_RULES.statement_window_workdays}个工作日）；"
                                                      f"有听证权利的，{CASE_RULES.hearing_request_days}日内可要求听证。")


class WaiverForm(StepForm):
    waived_on = date_field("当事人书面放弃日期")


class StatementForm(StepForm):
    received_on = date_field("提出日期")
    content = forms.CharField(label="陈述申辩内容", widget=text_area(5))
    adopted = forms.BooleanField(label="采纳", required=False,
                                 help_text="采纳的，可减轻拟处罚；不得因陈述申辩加重处罚（行政处罚法第四十五条）。")
    response = forms.CharField(label="复核意见", widget=text_area())


class HearingRequestForm(StepForm):
    requested_on = date_field("申请听证日期")


class HearingScheduleForm(StepForm):
    notified_on = date_field("听证通知日期")
    scheduled_for = forms.DateField(label="举行日期", widget=DATE_WIDGET,
                                    help_text=f"应在举行{CASE_RULES.hearing_notice_min_days}日前通知当事人（行政处罚法第六十四条）。")
    place = forms.CharField(label="听证地点", max_length=200)
    chair = StaffChoiceField(label="听证主持人", queryset=User.objects.none(), empty_label="请选择非本案调查人员")
    is_public = forms.BooleanField(label="公开举行", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = staff_of(self.case, *LEGAL_ROLES, *LEADER_ROLES, *APPROVER_ROLES)
        self.fields["chair"].queryset = candidates.exclude(case_assignments__case=self.case)


class HearingRecordForm(StepForm):
    held_on = date_field("实际举行日期")
    record = forms.CharField(label="听证笔录", widget=text_area(8))
    chair_opinion = forms.CharField(label="听证意见", widget=text_area(3))


# ---- after the decision ----------------------------------------------------------------------------------------------

class ServiceForm(StepForm):
    served_on = date_field("送达日期")
    method = forms.ChoiceField(label="送达方式", choices=ServiceMethod.choices)
    recipient = forms.CharField(label="受送达人", max_length=100)
    place = forms.CharField(label="送达地点", max_length=200, required=False)
    receiver_signature = forms.CharField(label="签收人", max_length=50, required=False)
    electronic_consent = forms.BooleanField(label="当事人已签署电子送达确认书", required=False,
                                            help_text="电子送达须经当事人同意（行政处罚法第六十一条第二款）。")
    late_reason = forms.CharField(label="未在七日内送达的原因", max_length=300, required=False)
    refusal_witness = forms.CharField(label="拒收见证人或影像记录", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(recipient=self.case.party_representative or self.case.party_name,
                                place=self.case.party_address)


class ArrangementForm(StepForm):
    """暂缓或分期缴纳 (第六十六条): one due day and amount per line; the amounts add up to the fine."""

    kind = forms.ChoiceField(label="方式", choices=ArrangementKind.choices)
    requested_on = date_field("当事人申请日期")
    reason = forms.CharField(label="确有经济困难的理由", widget=text_area(2))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, INSTALMENT_ROWS + 1):
            self.fields[f"due_{n}"] = forms.DateField(label=f"第{n}期缴纳期限", required=False, widget=DATE_WIDGET)
            self.fields[f"amount_{n}"] = forms.DecimalField(label=f"第{n}期金额（元）", required=False, min_value=0,
                                                            max_digits=12, decimal_places=2)

    def clean(self):
        cleaned = super().clean()
        rows = []
        for n in range(1, INSTALMENT_ROWS + 1):
            due, amount = cleaned.get(f"due_{n}"), cleaned.get(f"amount_{n}")
            if (due is None) != (amount is None):
                self.add_error(f"due_{n}" if due is None else f"amount_{n}", f"请同时填写第{n}期的期限和金额。")
            elif due is not None:
                rows.append((due, amount))
        cleaned["instalments"] = rows
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {"kind": data["kind"], "requested_on": data["requested_on"], "reason": data["reason"],
                "instalments": data["instalments"]}


class PaymentForm(StepForm):
    paid_on = date_field("缴纳日期")
    amount = forms.DecimalField(label="金额（元）", max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    receipt_number = forms.CharField(label="缴款凭证号", max_length=50)


class AppealForm(StepForm):
    kind = forms.ChoiceField(label="类别", choices=AppealKind.choices)
    filed_on = date_field("提起日期", help_text="复议、诉讼期间不计加处罚款（行政处罚法第七十三条）。")


class AppealEndForm(StepForm):
    ended_on = date_field("结束日期")
    result = forms.CharField(label="结果", max_length=200)


class ReminderForm(StepForm):
    served_on = date_field("催告书送达日期",
                           help_text=f"催告书送达{CASE_RULES.reminder_wait_days}日后方可申请人民法院强制执行（行政强制法第五十四条）。")


class EnforcementForm(StepForm):
    court = forms.CharField(label="受理法院", max_length=100)


class EnforcementResultForm(StepForm):
    concluded_on = date_field("执行终结日期")
    result = forms.CharField(label="执行结果", max_length=200)


class RecordWithBureauForm(StepForm):
    reason = forms.CharField(label="逾期备案原因", required=False, widget=text_area(2),
                             help_text=f"当场处罚决定应于{CASE_RULES.simple_filing_days}日内报所属行政机关备案；逾期的须写明原因。")


# ---- the simple procedure on a phone ---------------------------------------------------------------------------------

SIMPLE_PENALTIES = (("warning", "警告"), ("fine", "罚款"), ("warning fine", "警告并罚款"))


class SimpleDecisionForm(forms.Form):
    """简易程序 on the spot: the party, team, facts and place come from the finding when there is one."""

    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    party_kind = forms.ChoiceField(label="当事人类别", choices=PartyKind.choices, initial=PartyKind.PERSON)
    party_name = forms.CharField(label="当事人", max_length=200)
    party_id_number = forms.CharField(label="身份证件号码", max_length=30, required=False)
    companion = StaffChoiceField(label="同行执法人员", queryset=User.objects.none(), empty_label="请选择",
                                 help_text=f"执法人员不得少于{CASE_RULES.min_officers}人（行政处罚法第四十二条）。")
    violation = ViolationChoiceField(label="违法行为", queryset=Violation.objects.none(), empty_label="请选择违法行为")
    facts = forms.CharField(label="违法事实", widget=text_area(3))
    penalty = forms.ChoiceField(label="处罚", choices=SIMPLE_PENALTIES, widget=forms.RadioSelect, initial="warning")
    fine_amount = forms.DecimalField(label="罚款（元）", max_digits=12, decimal_places=2, min_value=Decimal("0.01"),
                                     required=False, widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
                                     help_text=f"当场罚款：公民不超过{CASE_RULES.simple_fine_max_person:.0f}元，"
                                               f"法人或者其他组织不超过{CASE_RULES.simple_fine_max_organisation:.0f}元。")
    cash_collected = forms.BooleanField(label="当场收缴罚款", required=False,
                                        help_text=f"{CASE_RULES.on_spot_cash_max:.0f}元以下，或事后难以执行的。")
    cash_hard_to_collect = forms.BooleanField(label="不当场收缴事后难以执行", required=False)
    cash_receipt_number = forms.CharField(label="罚没款收据编号", max_length=50, required=False)
    place = forms.CharField(label="处罚地点", max_length=200)

    def __init__(self, *args, user, check=None, **kwargs):
        self.check = check
        super().__init__(*args, **kwargs)
        domain = check.item.domain_id if check is not None else None
        self.fields["violation"].queryset = violations_for(domain)
        if check is not None:
            for name in ("party_kind", "party_name", "party_id_number", "companion"):
                del self.fields[name]
            if not self.is_bound:
                record = check.record
                self.initial.update(facts=f"{timezone.localtime(record.arrived_at):%Y年%m月%d日}现场检查发现："
                                          f"{check.finding}", place=record.place)
        else:
            self.fields["companion"].queryset = staff_of(user.organisation, *OFFICER_ROLES).exclude(pk=user.pk)

    def clean(self):
        cleaned = super().clean()
        if "fine" in cleaned.get("penalty", "").split() and cleaned.get("fine_amount") is None:
            self.add_error("fine_amount", "请填写罚款数额。")
        return cleaned

    def service_fields(self, user) -> dict:
        data = self.cleaned_data
        fine = "fine" in data["penalty"].split()
        values = {
            "cause": data["violation"].name, "facts": data["facts"], "violation": data["violation"],
            "penalty_kinds": data["penalty"], "place": data["place"],
            "fine_amount": data["fine_amount"] if fine else None,
            "cash_collected": fine and data["cash_collected"], "cash_hard_to_collect": data["cash_hard_to_collect"],
            "cash_receipt_number": data["cash_receipt_number"], "client_key": data["client_key"], "check": self.check,
        }
        if self.check is None:
            values["party"] = {"party_kind": data["party_kind"], "party_name": data["party_name"],
                               "party_id_number": data["party_id_number"]}
            values["officers"] = [user, data["companion"]]
        return values


class CaseRuleForm(forms.ModelForm):
    class Meta:
        model = CaseRule
        fields = ["name", "party_kind", "amount", "penalty_kind", "basis", "is_active"]

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
