"""The risk ranking, mounted at /supervision/risk/ under the namespace "risk"."""
from django.urls import path

from . import views_risk as v

app_name = "risk"
urlpatterns = [
    path("", v.ranking, name="ranking"),
]
