from django.urls import path

from . import views, views_decisions

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("bureaus/<int:bureau_id>/", views.bureau_detail, name="bureau"),
    path("bureaus/<int:bureau_id>/officers/", views.officers, name="officers"),
    path("decisions/", views_decisions.decision_list, name="decisions"),
    path("decisions/<int:pk>/", views_decisions.decision_detail, name="decision"),
]
