"""Staff pages of decision publication, mounted at /cases/publication/ under the namespace "case_publication"."""
from django.urls import path

from . import views_publication as v

app_name = "case_publication"
urlpatterns = [
    path("", v.PublicationQueueView.as_view(), name="queue"),
    path("published/", v.PublicationListView.as_view(), name="list"),
    path("new/<int:case_pk>/", v.publication_preview, name="preview"),
    path("<int:pk>/", v.publication_detail, name="detail"),
    path("<int:pk>/withdraw/", v.publication_withdraw, name="withdraw"),
]
