"""Pages of case-file review (案卷评查): the rubric, the automatic review, the batches and review sheets, results."""
from django.urls import path

from . import views, views_manual

app_name = "reviews"
urlpatterns = [
    path("rubric/", views.rubric, name="rubric"),
    path("rubric/items/new/", views.rubric_item_create, name="rubric_item_create"),
    path("rubric/items/<int:pk>/edit/", views.rubric_item_edit, name="rubric_item_edit"),
    path("rubric/categories/<int:pk>/edit/", views.rubric_category_edit, name="rubric_category_edit"),
    path("automatic/", views.AutomaticReviewListView.as_view(), name="automatic_list"),
    path("findings/", views.FindingListView.as_view(), name="findings"),
    path("cases/<int:case_pk>/", views.case_review, name="case"),
    path("cases/<int:case_pk>/refresh/", views.case_review_refresh, name="case_refresh"),
    path("batches/", views_manual.BatchListView.as_view(), name="batches"),
    path("batches/new/", views_manual.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views_manual.batch_detail, name="batch"),
    path("sheets/", views_manual.ManualReviewListView.as_view(), name="manual_list"),
    path("sheets/<int:pk>/", views_manual.review_sheet, name="manual"),
    path("results/", views_manual.result_list, name="results"),
]
