from django.urls import path

from . import views_rectification as views

urlpatterns = [
    path("opinions/", views.SupervisionOpinionListView.as_view(), name="opinion_list"),
    path("opinions/new/", views.VisitAwaitingOpinionListView.as_view(), name="opinion_visits"),
    path("opinions/new/<int:inspection_pk>/", views.opinion_create, name="opinion_create"),
    path("opinions/<int:pk>/", views.opinion_detail, name="opinion_detail"),
    path("opinions/<int:pk>/items/<int:item_pk>/accept/", views.item_accept, name="opinion_item_accept"),
    path("opinions/<int:pk>/items/<int:item_pk>/reject/", views.item_reject, name="opinion_item_reject"),
    path("opinions/<int:pk>/hand-over/", views.opinion_hand_over, name="opinion_hand_over"),
    path("opinions/evidence/<int:pk>/file/", views.evidence_file, name="opinion_evidence_file"),
]
