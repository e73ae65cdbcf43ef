"""Staff pages of penalty cases. The documents' pages share the namespace; the discretion table and publication
have their own, included by the project's URLs."""
from django.urls import path

from . import urls_documents, views, views_open, views_rules, views_simple, views_steps

app_name = "cases"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("mine/", views.MyCasesView.as_view(), name="mine"),
    path("queue/", views.ReviewQueueView.as_view(), name="queue"),
    path("approvals/", views.ApprovalsView.as_view(), name="approvals"),
    path("new/", views_open.case_create, name="create"),
    path("new/finding/<int:check_pk>/", views_open.case_from_finding, name="create_from_finding"),
    path("new/rectification/<int:opinion_pk>/", views_open.case_from_opinion, name="create_from_opinion"),
    path("simple/new/", views_simple.simple_new, name="simple_new"),
    path("bands/", views.violation_bands, name="violation_bands"),
    path("rules/", views_rules.rule_list, name="rules"),
    path("rules/<int:pk>/edit/", views_rules.rule_edit, name="rule_edit"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/simple/", views_simple.simple_decision, name="simple_decision"),
    path("<int:pk>/history/", views.case_history, name="history"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_file, name="evidence_file"),
    path("<int:pk>/steps/<slug:slug>/", views_steps.case_step, name="step"),
    path("<int:pk>/<slug:kind>/<int:item_pk>/<slug:slug>/", views_steps.case_step, name="item_step"),
    *urls_documents.urlpatterns,
]
