from django.urls import include, path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("history/<str:model_label>/<str:pk>/", views.history, name="history"),
    path("manage/", include("fazhi.core.urls_manage")),
]
